from django.urls import path

from . import views, views_service

app_name = "talent"
urlpatterns = [
    path("experts/", views.expert_list, name="expert-list"),
    path("experts/<int:pk>/", views.expert_detail, name="expert-detail"),
    path("experts/<int:pk>/contact/", views_service.expert_contact, name="expert-contact"),
    path("tech-managers/", views.techmanager_list, name="techmanager-list"),
    path("tech-managers/<int:pk>/", views.techmanager_detail, name="techmanager-detail"),
    path("tech-managers/<int:pk>/contact/", views_service.techmanager_contact, name="techmanager-contact"),
    path("posts/", views.talentpost_list, name="post-list"),
    path("posts/<int:pk>/", views.talentpost_detail, name="post-detail"),
    path("posts/<int:pk>/apply/", views_service.apply, name="post-apply"),
    path("pool/", views_service.talent_pool, name="pool"),
    path("pool/<int:pk>/", views_service.talent_profile_detail, name="profile-detail"),
    path("stations/", views.station_list, name="station-list"),
    path("stations/<int:pk>/", views.station_detail, name="station-detail"),
]
