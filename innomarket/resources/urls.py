from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("spaces/", views.space_list, name="space-list"),
    path("spaces/<int:pk>/", views.space_detail, name="space-detail"),
    path("instruments/", views.instrument_list, name="instrument-list"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument-detail"),
]
