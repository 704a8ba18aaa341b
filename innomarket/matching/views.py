from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES
from innomarket.regions.models import City
from innomarket.site.catalogue import highlight, member_cities_first, snippet

from .selectors import search_listings

PER_TYPE = 5
PER_TYPE_FACETED = 20
HINTS = ("人工智能", "孵化器", "生物医药", "基金", "揭榜", "检验检测")


def search(request):
    """GET /search/?q=…&type=…&city=…: public listings grouped by type, matched terms marked."""
    query = request.GET.get("q", "")
    type_key = request.GET.get("type") or None
    city_slug = request.GET.get("city") or ""
    notices = []
    city = City.objects.filter(slug=city_slug).first() if city_slug else None
    if city_slug and city is None:
        notices.append(_("没有找到城市“%(slug)s”，已在全部城市中搜索。") % {"slug": city_slug[:40]})
    if type_key and type_key not in LISTING_TYPES:
        notices.append(_("没有“%(type)s”这类信息，已搜索全部类型。") % {"type": type_key[:40]})
        type_key = None
    results = search_listings(
        query=query, type_key=type_key, city=city, per_type=PER_TYPE_FACETED if type_key else PER_TYPE
    )
    extra = {"city": city.slug} if city else {}
    groups = [
        {
            "group": group,
            "more_url": f"{reverse(group.listing_type.list_url)}?{urlencode({'q': results.query, **extra})}",
            "items": [
                {
                    "obj": item,
                    "title": highlight(item.title, results.terms),
                    "snippet": snippet(
                        getattr(item, "summary", None) or getattr(item, "intro", ""), results.terms
                    ),
                }
                for item in group.items
            ],
        }
        for group in results.groups
    ]
    facets = [
        {
            "key": key,
            "label": LISTING_TYPES[key].label,
            "count": count,
            "url": _facet_url(results.query, key, extra),
        }
        for key, count in results.counts.items()
        if count
    ]
    context = {
        "results": results,
        "groups": groups,
        "facets": facets,
        "all_types_url": _facet_url(results.query, None, extra),
        "notices": notices,
        "cities": member_cities_first(),
        "hints": HINTS,
        "types": list(LISTING_TYPES.values()),
    }
    return render(request, "matching/search.html", context)


def _facet_url(query: str, type_key: str | None, extra: dict) -> str:
    params = {"q": query, **({"type": type_key} if type_key else {}), **extra}
    return f"{reverse('matching:search')}?{urlencode(params)}"
