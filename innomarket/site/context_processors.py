from django.conf import settings

from innomarket.catalog import SECTIONS


def site(request):
    """Values every page template needs: the site name and the six service sections for the navigation."""
    return {"SITE_NAME": settings.INNOMARKET_SITE_NAME, "SECTIONS": list(SECTIONS.values())}
