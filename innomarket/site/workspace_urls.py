from django.shortcuts import render
from django.urls import path


def _placeholder(request):
    return render(request, "site/home.html", {})


urlpatterns = [path("", _placeholder, name="workspace")]
