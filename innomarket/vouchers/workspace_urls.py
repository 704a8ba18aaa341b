"""创新券 in the workspace, mounted at /workspace/vouchers/ inside the ``site`` namespace."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("", views.vouchers_home, name="workspace-vouchers"),
    path("programmes/<int:programme_pk>/apply/", views.application_new, name="workspace-vouchers-apply"),
    path(
        "programmes/<int:programme_pk>/join/", views.provider_application_new, name="workspace-vouchers-join"
    ),
    path("applications/<int:pk>/", views.application_detail, name="workspace-vouchers-application"),
    path(
        "applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="workspace-vouchers-application-action",
    ),
    path("v/<int:pk>/", views.voucher_detail, name="workspace-vouchers-voucher"),
    path("redeem/", views.redeem, name="workspace-vouchers-redeem"),
    path("redemptions/<int:pk>/", views.redemption_detail, name="workspace-vouchers-redemption"),
    path(
        "redemptions/<int:pk>/<slug:action>/",
        views.redemption_action,
        name="workspace-vouchers-redemption-action",
    ),
    path(
        "providers/<int:pk>/",
        views.provider_application_detail,
        name="workspace-vouchers-provider-application",
    ),
    path(
        "providers/<int:pk>/<slug:action>/",
        views.provider_application_action,
        name="workspace-vouchers-provider-application-action",
    ),
    path("review/", views.review, name="workspace-vouchers-review"),
]
