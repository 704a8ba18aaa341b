from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("", views.cooperation_list, name="cooperation-list"),
    path("<int:pk>/", views.cooperation_detail, name="cooperation-detail"),
]
