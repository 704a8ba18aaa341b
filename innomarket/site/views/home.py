from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES, SECTIONS
from innomarket.regions import selectors as region_selectors
from innomarket.regions.layers import LAYERS, MapLayer
from innomarket.regions.selectors import CityFigures
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.selectors import public

# Latest public teasers on the home page, per listing type key (each model's own ordering: newest first).
TEASERS = ("challenge", "policy", "event")
TEASER_COUNT = 4


@dataclass(frozen=True)
class LayerCount:
    layer: MapLayer
    count: int
    url: str


@dataclass(frozen=True)
class CityPanel:
    """What the map's side panel shows for one city (rendered on the server, shown by the map script)."""

    figures: CityFigures
    layers: list[LayerCount]
    cloud_platform_url: str

    @property
    def city(self):
        return self.figures.city


def _map_payload(figures: list[CityFigures]) -> dict:
    """What the alliance map draws (rendered with json_script; the boundaries come from the geojson)."""
    return {
        "members": [
            {
                "name": f.city.name,
                "short_name": f.city.short_name,
                "slug": f.city.slug,
                "map_name": f.city.map_name or f.city.name,
                "url": f.city.get_absolute_url(),
                "member": f.city.is_member,
                "total": f.total,
                "counts": [{"key": tc.key, "label": str(tc.label), "count": tc.count} for tc in f.by_type],
            }
            for f in figures
        ],
        "layers": [
            {"key": layer.key, "label": str(layer.label), "color": layer.color} for layer in LAYERS.values()
        ],
        "markers_url": reverse("regions:map-markers"),
        "labels": {
            "series": _("联盟成员公开信息"),
            "total": _("公开信息合计"),
            "empty": _("暂无公开信息"),
            "click": _("点击查看城市面板"),
            "observer": _("非联盟成员"),
            "more": _("多"),
            "less": _("少"),
            "sample": _("示例"),
            "records": _("条"),
            "and_more": _("等"),
            "precision": _("位置精度"),
            "approximate": _("位置为近似位置（按地址定位到园区、区县或城市）"),
            "view_all": _("查看全部"),
            "load_error": _("地图标记加载失败，请稍后重试。"),
        },
    }


def _city_panels(figures: list[CityFigures]) -> list[CityPanel]:
    layer_counts = region_selectors.map_city_layer_counts(cities=[f.city for f in figures])
    return [
        CityPanel(
            figures=f,
            layers=[
                LayerCount(layer, layer_counts[f.city.pk][key], layer.list_href(city_slug=f.city.slug))
                for key, layer in LAYERS.items()
            ],
            cloud_platform_url=region_selectors.safe_http_url(f.city.cloud_platform_url),
        )
        for f in figures
    ]


def home(request):
    figures = region_selectors.city_figures()
    members = [f for f in figures if f.city.is_member]
    # The map draws the members and the other cities on record that it has a boundary for.
    on_map = [f for f in figures if f.city.is_member or f.city.map_name]
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
            "map_payload": _map_payload(on_map),
            "city_panels": _city_panels(on_map),
            "map_layers": list(LAYERS.values()),
            "map_fields": FieldTag.objects.order_by("sort_order", "id"),
            "latest_challenges": teasers["challenge"],
            "latest_policies": teasers["policy"],
            "latest_events": teasers["event"],
        },
    )
