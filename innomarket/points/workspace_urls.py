"""创新积分 in the workspace, mounted at /workspace/o/<org_pk>/points/ inside the ``site`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.points_home, name="workspace-points"),
    path("consents/", views.consent_grant, name="workspace-points-consent-grant"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="workspace-points-consent-revoke"),
]
