from django.urls import include, path

from . import workspace_urls
from .views import health, home, sections, service_stats

app_name = "site"
urlpatterns = [
    path("", home.home, name="home"),
    path("s/<slug:key>/", sections.section_detail, name="section"),
    path("workspace/", include(workspace_urls)),
    path("stats/services/", service_stats.service_stats, name="service-stats"),
    path("healthz/", health.healthz, name="healthz"),
]
