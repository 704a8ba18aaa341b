"""接口令牌 in the workspace, mounted at /workspace/o/<org_pk>/api-tokens/ inside the ``site`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.token_list, name="workspace-api-tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="workspace-api-token-revoke"),
]
