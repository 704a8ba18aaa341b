from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from innomarket.accounts import roles
from innomarket.notifications.selectors import reply_stats
from innomarket.taxonomy.models import FieldTag

from . import gazetteer, selectors
from .layers import LAYERS
from .models import Located


def city_list(request):
    """/cities/: the alliance members and the other cities on record, with their public figures."""
    figures = selectors.city_figures()
    return render(
        request,
        "regions/city_list.html",
        {
            "members": [f for f in figures if f.city.is_member],
            "others": [f for f in figures if not f.city.is_member],
        },
    )


def city_detail(request, slug):
    """/cities/<slug>/: one city's panel — figures, recent listings, contact office, cloud platform link."""
    city = selectors.city_get(slug=slug)
    (figures,) = selectors.city_figures(cities=[city])
    return render(
        request,
        "regions/city_detail.html",
        {
            "city": city,
            "figures": figures,
            "recent": selectors.city_recent_listings(city=city, figures=figures),
            "cloud_platform_url": selectors.safe_http_url(city.cloud_platform_url),
            "freshness": selectors.city_freshness(
                city=city, with_expired_records=roles.can_administer_city(request.user, city.pk)
            ),
            "service_stats": reply_stats(city_id=city.pk),
        },
    )


def _bad_request(code: str, message: str) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": message}}, status=400, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def map_markers(request: HttpRequest) -> JsonResponse:
    """GET /cities/map/markers.json[?layer=space&layer=enterprise…][&field=<slug>]: the map's markers.

    Public records only, grouped per layer and point (see ``selectors.map_markers``). Unknown layers
    or fields are a 400 with a message saying which parameter is wrong.
    """
    layer_keys = request.GET.getlist("layer")
    unknown = [k for k in layer_keys if k not in LAYERS]
    if unknown:
        return _bad_request(
            "unknown_layer",
            _("参数 layer：没有“%(value)s”这一图层，可选：%(choices)s。")
            % {"value": unknown[0][:40], "choices": "、".join(LAYERS)},
        )
    field_slug = request.GET.get("field", "").strip()
    field_tag = None
    if field_slug:
        field_tag = FieldTag.objects.filter(slug=field_slug).first()
        if field_tag is None:
            return _bad_request(
                "unknown_field", _("参数 field：没有“%(value)s”这一领域。") % {"value": field_slug[:40]}
            )
    markers = selectors.map_markers(layer_keys=layer_keys or None, field_tag=field_tag)
    precision_labels = dict(Located.Precision.choices)
    body = {
        "field": field_slug,
        "layers": [
            {
                "key": key,
                "label": str(LAYERS[key].label),
                "color": LAYERS[key].color,
                "placed": markers.placed[key],
                "unplaced": markers.unplaced[key],
            }
            for key in markers.placed
        ],
        "points": [
            {
                "layer": p.layer,
                "lng": p.lng,
                "lat": p.lat,
                "precision": p.precision,
                "precision_label": str(precision_labels.get(p.precision, "")),
                "place": gazetteer.place_at(p.lng, p.lat),
                "city": p.city_slug,
                "count": p.count,
                "samples": p.samples,
                "items": [{"title": i.title, "url": i.url, "sample": i.is_sample} for i in p.items],
                "more_url": LAYERS[p.layer].list_href(city_slug=p.city_slug, field_slug=field_slug)
                if p.count > len(p.items)
                else "",
            }
            for p in markers.points
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response
