"""资源共享 booking in the workspace, mounted at /workspace/bookings/ inside the ``site`` namespace."""

from django.urls import path

from . import views_workspace as views

urlpatterns = [
    path("", views.bookings, name="bookings"),
    path("received/", views.bookings_received, name="bookings-received"),
    path("<int:pk>/", views.booking_detail, name="booking-detail"),
    path("<int:pk>/<slug:action>/", views.booking_action, name="booking-action"),
    path("settings/<slug:type_key>/<int:pk>/", views.booking_settings, name="booking-settings"),
    path("settings/<slug:type_key>/<int:pk>/blocked/", views.blocked_period_add, name="booking-block-add"),
    path(
        "settings/<slug:type_key>/<int:pk>/blocked/<int:period_pk>/remove/",
        views.blocked_period_remove,
        name="booking-block-remove",
    ),
]
