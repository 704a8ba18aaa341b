from django.urls import path

from . import views
from .models import Instrument, Space

app_name = "resources"
urlpatterns = [
    path("spaces/", views.space_list, name="space-list"),
    path("spaces/<int:pk>/", views.space_detail, name="space-detail"),
    path("spaces/<int:pk>/book/", views.booking_new, {"model": Space}, name="space-book"),
    path("instruments/", views.instrument_list, name="instrument-list"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument-detail"),
    path("instruments/<int:pk>/book/", views.booking_new, {"model": Instrument}, name="instrument-book"),
]
