from django.http import HttpResponse
from django.urls import path

app_name = "matching"
urlpatterns = [path("", lambda r: HttpResponse(""), name="search")]
