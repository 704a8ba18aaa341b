"""金融服务 in the workspace, mounted at /workspace/finance/ inside the ``site`` namespace."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("", views.finance_home, name="workspace-finance"),
    path("scores/", views.consented_enterprises, name="workspace-finance-scores"),
    path("products/<int:product_pk>/apply/", views.application_new, name="workspace-finance-apply"),
    path("applications/<int:pk>/", views.application_detail, name="workspace-finance-application"),
    path(
        "applications/<int:pk>/files/<int:file_pk>/",
        views.application_file,
        name="workspace-finance-application-file",
    ),
    path(
        "applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="workspace-finance-application-action",
    ),
    path("requests/<int:request_pk>/interest/", views.interest_new, name="workspace-finance-interest-new"),
    path("interests/<int:pk>/", views.interest_detail, name="workspace-finance-interest"),
    path(
        "interests/<int:pk>/<slug:action>/", views.interest_action, name="workspace-finance-interest-action"
    ),
]
