"""The member workspace, mounted at /workspace/ inside the ``site`` namespace."""

from django.urls import include, path

from .views import workspace as views

urlpatterns = [
    path("", views.workspace_home, name="workspace"),
    path("enquiries/", include("innomarket.enquiries.workspace_urls")),
    path("bookings/", include("innomarket.resources.workspace_urls")),
    path("challenge/new/", views.challenge_entry, name="workspace-challenge-new"),
    path("challenge/diagnose/", views.challenge_diagnose, name="workspace-challenge-diagnose"),
    path("organisations/new/", views.organisation_new, name="workspace-org-new"),
    path("o/<int:org_pk>/", views.organisation_detail, name="workspace-org"),
    path("o/<int:org_pk>/members/add/", views.member_add, name="workspace-member-add"),
    path("o/<int:org_pk>/policies/", views.policy_calculator, name="workspace-policy-calculator"),
    path("o/<int:org_pk>/profile/", include("innomarket.organisations.workspace_urls")),
    path("o/<int:org_pk>/points/", include("innomarket.points.workspace_urls")),
    path("o/<int:org_pk>/api-tokens/", include("innomarket.api.workspace_urls")),
    path(
        "o/<int:org_pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="workspace-member-remove",
    ),
    path("o/<int:org_pk>/new/<slug:type_key>/", views.listing_new, name="workspace-listing-new"),
    path("l/<slug:type_key>/<int:pk>/", views.listing_detail, name="workspace-listing"),
    path("l/<slug:type_key>/<int:pk>/edit/", views.listing_edit, name="workspace-listing-edit"),
    path("l/<slug:type_key>/<int:pk>/submit/", views.listing_submit, name="workspace-listing-submit"),
    path("l/<slug:type_key>/<int:pk>/withdraw/", views.listing_withdraw, name="workspace-listing-withdraw"),
    path("l/<slug:type_key>/<int:pk>/archive/", views.listing_archive, name="workspace-listing-archive"),
    path("talent/", include("innomarket.talent.workspace_urls")),
    path("events/", include("innomarket.events.workspace_urls")),
    path("finance/", include("innomarket.finance.workspace_urls")),
    path("vouchers/", include("innomarket.vouchers.workspace_urls")),
]
