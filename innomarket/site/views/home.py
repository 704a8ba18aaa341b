from django.shortcuts import render
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES, SECTIONS
from innomarket.regions import selectors as region_selectors
from innomarket.regions.selectors import CityFigures
from innomarket.verification.selectors import public

# Latest public teasers on the home page, per listing type key (each model's own ordering: newest first).
TEASERS = ("challenge", "policy", "event")
TEASER_COUNT = 4


def _map_payload(members: list[CityFigures]) -> dict:
    """What the alliance map draws (rendered with json_script; the boundaries come from the geojson)."""
    return {
        "members": [
            {
                "name": f.city.name,
                "short_name": f.city.short_name,
                "slug": f.city.slug,
                "map_name": f.city.map_name or f.city.name,
                "url": f.city.get_absolute_url(),
                "total": f.total,
                "counts": [{"key": tc.key, "label": str(tc.label), "count": tc.count} for tc in f.by_type],
            }
            for f in members
        ],
        "labels": {
            "series": _("联盟成员公开信息"),
            "total": _("公开信息合计"),
            "empty": _("暂无公开信息"),
            "click": _("点击进入城市页"),
            "more": _("多"),
            "less": _("少"),
        },
    }


def home(request):
    figures = region_selectors.city_figures()
    members = [f for f in figures if f.city.is_member]
    totals = region_selectors.section_totals(figures)
    teasers = {
        key: list(public(LISTING_TYPES[key].model).select_related("city")[:TEASER_COUNT]) for key in TEASERS
    }
    return render(
        request,
        "site/home.html",
        {
            "sections": [{"section": s, "count": totals[s.key]} for s in SECTIONS.values()],
            "members": members,
            "map_payload": _map_payload(members),
            "latest_challenges": teasers["challenge"],
            "latest_policies": teasers["policy"],
            "latest_events": teasers["event"],
        },
    )
