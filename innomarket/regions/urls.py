from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.city_list, name="list"),
    path("map/markers.json", views.map_markers, name="map-markers"),
    path("<slug:slug>/", views.city_detail, name="detail"),
]
