from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("", views.cooperation_list, name="cooperation-list"),
    path("<int:pk>/", views.cooperation_detail, name="cooperation-detail"),
    # 三张清单 (mounted under /cooperation/ by config/urls.py)
    path("lists/", views.three_lists, name="three-lists"),
    path("lists/<slug:list_key>/", views.three_list, name="three-list"),
    path("lists/<slug:list_key>/export.xlsx", views.three_list_export, name="three-list-export"),
]
