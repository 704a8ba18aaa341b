from django.urls import path

from . import views, views_service

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/register/", views_service.register, name="register"),
]
