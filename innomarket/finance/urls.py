from django.urls import path  # noqa: F401

app_name = "finance"
urlpatterns: list = []
