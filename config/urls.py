from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from innomarket.backoffice.admin_site import configure_admin_site

configure_admin_site(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("innomarket.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("innomarket.accounts.urls")),
    path("cities/", include("innomarket.regions.urls")),
    path("organisations/", include("innomarket.organisations.urls")),
    path("policies/", include("innomarket.policies.urls")),
    path("resources/", include("innomarket.resources.urls")),
    path("challenges/", include("innomarket.challenges.urls")),
    path("achievements/", include("innomarket.achievements.urls")),
    path("cooperation/", include("innomarket.lists.urls")),
    path("finance/", include("innomarket.finance.urls")),
    path("vouchers/", include("innomarket.vouchers.urls")),
    path("talent/", include("innomarket.talent.urls")),
    path("events/", include("innomarket.events.urls")),
    path("search/", include("innomarket.matching.urls")),
    path("intake/", include("innomarket.intake.urls")),
    path("feeds/", include("innomarket.federation.urls")),
    path("inbox/", include("innomarket.notifications.urls")),
    path("", include("innomarket.site.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
