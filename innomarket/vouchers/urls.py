from django.urls import path

from . import views

app_name = "vouchers"
urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("<int:pk>/", views.programme_detail, name="programme-detail"),
]
