from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("v1/<slug:city>/<slug:kind>.json", views.feed, name="feed"),
]
