"""The layers of the alliance map (一图览全域): which public records each draws, and where its list lives."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: Promise
    model_label: str
    section: str  # key of the service section (innomarket.catalog.SECTIONS) the layer belongs to
    list_url: str  # URL name of the public list page
    detail_url: str
    color: str
    kinds: tuple[str, ...] = ()  # Organisation.kind values; empty for the other models
    title_field: str = "title"

    @cached_property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    def list_href(self, *, city_slug: str = "", field_slug: str = "") -> str:
        """The public list of this layer's records, filtered by city and field when given."""
        params: list[tuple[str, str]] = []
        if city_slug:
            params.append(("city", city_slug))
        if field_slug:
            params.append(("field", field_slug))
        if len(self.kinds) == 1:  # the organisation list filters one kind at a time
            params.append(("kind", self.kinds[0]))
        url = reverse(self.list_url)
        return f"{url}?{urlencode(params)}" if params else url

    def detail_href(self, pk: int) -> str:
        return reverse(self.detail_url, kwargs={"pk": pk})


_ORG = {
    "model_label": "organisations.Organisation",
    "section": "resources",
    "list_url": "organisations:list",
    "detail_url": "organisations:detail",
    "title_field": "name",
}

LAYERS: dict[str, MapLayer] = {
    layer.key: layer
    for layer in [
        MapLayer(
            "space",
            _("载体"),
            "resources.Space",
            section="resources",
            list_url="resources:space-list",
            detail_url="resources:space-detail",
            color="#d9480f",
        ),
        MapLayer("platform", _("科研平台"), color="#0c8599", kinds=("platform",), **_ORG),
        MapLayer(
            "instrument",
            _("仪器"),
            "resources.Instrument",
            section="resources",
            list_url="resources:instrument-list",
            detail_url="resources:instrument-detail",
            color="#b35c00",
        ),
        MapLayer("academia", _("高校院所"), color="#6741d9", kinds=("university", "institute"), **_ORG),
        MapLayer("enterprise", _("企业"), color="#0b5cab", kinds=("enterprise",), **_ORG),
        MapLayer(
            "station",
            _("人才站"),
            "talent.TalentStation",
            section="talent",
            list_url="talent:station-list",
            detail_url="talent:station-detail",
            color="#2b8a3e",
        ),
    ]
}
