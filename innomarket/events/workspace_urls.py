"""活动报名 in the workspace; included under /workspace/events/ in the ``site`` namespace."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("registrations/", views.my_registrations, name="event-my-registrations"),
    path("registrations/<int:pk>/", views.registration_detail, name="event-registration"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="event-registration-cancel"),
    path("manage/<int:pk>/", views.manage, name="event-manage"),
    path("manage/<int:pk>/check-in/", views.check_in, name="event-check-in"),
    path("manage/<int:pk>/promote/", views.promote, name="event-promote"),
    path("manage/<int:pk>/export.xlsx", views.export, name="event-export"),
    path(
        "manage/<int:pk>/r/<int:registration_pk>/approve/", views.approve, name="event-registration-approve"
    ),
    path(
        "manage/<int:pk>/r/<int:registration_pk>/decline/", views.decline, name="event-registration-decline"
    ),
    path("o/<int:org_pk>/", views.organisation_events, name="event-org"),
]
