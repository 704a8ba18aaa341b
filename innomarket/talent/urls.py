from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("experts/", views.expert_list, name="expert-list"),
    path("experts/<int:pk>/", views.expert_detail, name="expert-detail"),
    path("tech-managers/", views.techmanager_list, name="techmanager-list"),
    path("tech-managers/<int:pk>/", views.techmanager_detail, name="techmanager-detail"),
    path("posts/", views.talentpost_list, name="post-list"),
    path("posts/<int:pk>/", views.talentpost_detail, name="post-detail"),
    path("stations/", views.station_list, name="station-list"),
    path("stations/<int:pk>/", views.station_detail, name="station-detail"),
]
