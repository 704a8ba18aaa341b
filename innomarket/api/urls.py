"""Mounted at /api/ by config/urls.py: version 1 at /api/v1/."""

from django.urls import path

from .apis import api

urlpatterns = [path("v1/", api.urls)]
