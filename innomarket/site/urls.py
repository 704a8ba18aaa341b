from django.urls import include, path

from . import workspace_urls
from .views import home, sections

app_name = "site"
urlpatterns = [
    path("", home.home, name="home"),
    path("s/<slug:key>/", sections.section_detail, name="section"),
    path("workspace/", include(workspace_urls)),
]
