from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES
from innomarket.regions.models import City
from innomarket.site.catalogue import member_cities_first
from innomarket.taxonomy.models import FieldTag

from .selectors import MAX_HITS, FacetValue, SearchResults, search_listings
from .viewer import viewer_for

PER_PAGE = 20
# Facet counts and ranking cover the best MAX_HITS records, so no page lies beyond this one.
MAX_PAGE = -(-MAX_HITS // PER_PAGE)
HINTS = ("人工智能", "孵化器", "生物医药", "基金", "揭榜", "检验检测")
FACET_PARAMS = ("type", "city", "field", "vouchers", "tier")


def search(request):
    """GET /search/?q=…&type=…&city=…&field=…&page=…: public listings ranked by the matching engine,
    matched terms marked, each hit explained."""
    query = request.GET.get("q", "")
    type_key = request.GET.get("type") or None
    city_slug = request.GET.get("city") or ""
    field_slug = request.GET.get("field") or ""
    notices = []
    city = City.objects.filter(slug=city_slug).first() if city_slug else None
    if city_slug and city is None:
        notices.append(_("没有找到城市“%(slug)s”，已在全部城市中搜索。") % {"slug": city_slug[:40]})
    if type_key and type_key not in LISTING_TYPES:
        notices.append(_("没有“%(type)s”这类信息，已搜索全部类型。") % {"type": type_key[:40]})
        type_key = None
    field_tag = FieldTag.objects.filter(slug=field_slug).first() if field_slug else None
    if field_slug and field_tag is None:
        notices.append(_("没有找到领域“%(slug)s”，已在全部领域中搜索。") % {"slug": field_slug[:40]})

    viewer = viewer_for(request.user)
    results = search_listings(
        query=query,
        type_key=type_key,
        city=city,
        field_tag=field_tag,
        page=_page_number(request.GET.get("page")),
        per_page=PER_PAGE,
        viewer=viewer,
        vouchers=request.GET.get("vouchers") == "1",
        tier=request.GET.get("tier") == "1",
    )
    params = _params(results)
    context = {
        "results": results,
        "facet_rows": [
            {
                "param": "type",
                "label": _("类型"),
                "values": _facets(results.type_facets, "type", params, _current_type(results)),
            },
            {
                "param": "city",
                "label": _("城市"),
                "values": _facets(results.city_facets, "city", params, _current_city(results)),
            },
            {
                "param": "field",
                "label": _("领域"),
                "values": _facets(results.field_facets, "field", params, _current_field(results)),
            },
        ],
        "unrestricted_url": _url({"q": results.query}) if len(params) > 1 else "",
        "first_rank": (results.page - 1) * results.per_page + 1,
        "num_pages": max(1, -(-results.total // results.per_page)),
        "previous_url": _url(params, page=results.page - 1) if results.has_previous else "",
        "next_url": _url(params, page=results.page + 1) if results.has_next else "",
        "first_page_url": _url(params),
        "notices": notices,
        "cities": member_cities_first(),
        "hints": HINTS,
        "types": list(LISTING_TYPES.values()),
        "viewer": viewer,
    }
    return render(request, "matching/search.html", context)


def _page_number(raw: str | None) -> int:
    try:
        page = int(raw or 1)
    except ValueError:
        return 1
    return min(max(1, page), MAX_PAGE)


def _params(results: SearchResults) -> dict[str, str]:
    """The search's valid parameters, in URL order (page excluded)."""
    values = {
        "q": results.query,
        "type": results.type_key or "",
        "city": results.city.slug if results.city else "",
        "field": results.field_tag.slug if results.field_tag else "",
        "vouchers": "1" if results.vouchers else "",
        "tier": "1" if results.tier else "",
    }
    return {k: v for k, v in values.items() if v}


def _url(params: dict[str, str], **changes: str | int | None) -> str:
    """The search URL with ``params`` changed (a ``None`` value drops the parameter; page 1 is implied)."""
    merged = {**params, **changes}
    if merged.get("page") == 1:
        merged.pop("page")
    query = urlencode({k: v for k, v in merged.items() if v is not None and v != ""})
    return f"{reverse('matching:search')}?{query}" if query else reverse("matching:search")


def _current_type(results: SearchResults) -> FacetValue | None:
    t = results.type_key
    return FacetValue(t, str(LISTING_TYPES[t].label), 0, True) if t else None


def _current_city(results: SearchResults) -> FacetValue | None:
    c = results.city
    return FacetValue(c.slug, c.short_name or c.name, 0, True) if c else None


def _current_field(results: SearchResults) -> FacetValue | None:
    f = results.field_tag
    return FacetValue(f.slug, f.name, 0, True) if f else None


def _facets(
    values: list[FacetValue], param: str, params: dict[str, str], current: FacetValue | None
) -> list[dict]:
    """Facet links that keep the other parameters and toggle their own (a selected one removes it).

    The current restriction stays listed (with no matches) when nothing under it matched, so that it
    can still be removed."""
    if current is not None and not any(v.selected for v in values):
        values = [current, *values]
    return [
        {
            "value": v.value,
            "label": v.label,
            "count": v.count,
            "selected": v.selected,
            "url": _url(params, **{param: None if v.selected else v.value}),
        }
        for v in values
    ]
