from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.regions.models import City
from innomarket.site.catalogue import CatalogueSpec, detail_view, display_value, list_view, page_links

from . import exports, selectors
from .three_lists import PHASE_LABELS, PHASES, THREE_LISTS, ThreeList


def period(cooperation) -> str:
    start = display_value(cooperation, "started_on")[1]
    end = display_value(cooperation, "ended_on")[1]
    if start and end:
        return f"{start} – {end}"
    return start or cooperation.date_note


cooperation_catalogue = CatalogueSpec(
    type_key="cooperation",
    lead=gettext_lazy("合作清单：城市间产业链合作、企业跨城业务与行业活动交往，分过去时、进行时、未来时。"),
    card_meta=("phase", "kind", (gettext_lazy("时间"), period), "partner_cities"),
    facts=("kind", "phase", "started_on", "ended_on", "date_note", "amount_wan", "challenge"),
    prose=("summary", "outcome"),
    detail_template="lists/cooperation_detail.html",
    kind_chips="phase",
)

cooperation_list = list_view(cooperation_catalogue)
cooperation_detail = detail_view(cooperation_catalogue)


# --------------------------------------------------------------------------------------------
# 三张清单
# --------------------------------------------------------------------------------------------

PREVIEW_ROWS = 5


def _three_list_or_404(list_key: str) -> ThreeList:
    try:
        return THREE_LISTS[list_key]
    except KeyError:
        raise Http404(_("没有这张清单。")) from None


def _city_filter(request: HttpRequest) -> tuple[City | None, list[City], str]:
    """(selected member city or None, all member cities, message about an ignored value)."""
    cities = selectors.member_cities()
    slug = request.GET.get("city", "")
    if not slug:
        return None, cities, ""
    city = next((c for c in cities if c.slug == slug), None)
    if city is None:
        return None, cities, _("没有城市“%(value)s”，已显示全联盟的清单。") % {"value": slug[:40]}
    return city, cities, ""


def three_lists(request: HttpRequest) -> HttpResponse:
    """三张清单 overview: each list in three tenses with counts and the first few records."""
    city, cities, city_message = _city_filter(request)
    today = timezone.localdate()
    query = f"?city={city.slug}" if city else ""
    blocks = []
    for three_list in THREE_LISTS.values():
        counts = selectors.list_counts(three_list, city=city, today=today)
        list_url = reverse("lists:three-list", kwargs={"list_key": three_list.key})
        columns = []
        for phase in PHASES:
            rows = selectors.list_rows(three_list, phase, city=city, today=today)
            columns.append(
                {
                    "phase": phase,
                    "label": PHASE_LABELS[phase],
                    "count": counts[phase],
                    "rule": three_list.rules[phase],
                    "rows": selectors.present_rows(three_list, rows[:PREVIEW_ROWS]),
                    "url": f"{list_url}?phase={phase}" + (f"&city={city.slug}" if city else ""),
                }
            )
        blocks.append(
            {
                "list": three_list,
                "counts": counts,
                "columns": columns,
                "url": list_url + query,
                "export_url": reverse("lists:three-list-export", kwargs={"list_key": three_list.key}) + query,
            }
        )
    context = {"blocks": blocks, "city": city, "cities": cities, "city_message": city_message}
    return render(request, "lists/three_lists.html", context)


def three_list(request: HttpRequest, list_key: str) -> HttpResponse:
    """One list: tabs 过去时 / 进行时 / 未来时 with counts, the rule of the tab and its records paginated."""
    three_list = _three_list_or_404(list_key)
    city, cities, city_message = _city_filter(request)
    phase = request.GET.get("phase", "present")
    if phase not in PHASES:
        phase = "present"
    today = timezone.localdate()
    counts = selectors.list_counts(three_list, city=city, today=today)
    rows = selectors.list_rows(three_list, phase, city=city, today=today)
    page = Paginator(rows, settings.INNOMARKET_PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.present_rows(three_list, page.object_list)
    partners = (
        selectors.partner_city_names(item.pk for item in items)
        if three_list.source_has_partner_cities
        else {}
    )
    context = {
        "list": three_list,
        "other_lists": [t for t in THREE_LISTS.values() if t.key != three_list.key],
        "phase": phase,
        "phase_label": PHASE_LABELS[phase],
        "rule": three_list.rules[phase],
        "tabs": [{"phase": p, "label": PHASE_LABELS[p], "count": counts[p]} for p in PHASES],
        "counts": counts,
        "items": [(item, partners.get(item.pk, [])) for item in items],
        "page_obj": page,
        "page_links": page_links(page),
        "city": city,
        "cities": cities,
        "city_message": city_message,
        "export_url": reverse("lists:three-list-export", kwargs={"list_key": three_list.key})
        + (f"?city={city.slug}" if city else ""),
    }
    return render(request, "lists/three_list.html", context)


def three_list_export(request: HttpRequest, list_key: str) -> HttpResponse:
    """The list as an .xlsx attachment (public records only), for one member city or the alliance."""
    three_list = _three_list_or_404(list_key)
    city, _cities, city_message = _city_filter(request)
    if city_message:
        raise Http404(city_message)
    today = timezone.localdate()
    content = exports.build_workbook(three_list, city=city, absolute=request.build_absolute_uri, today=today)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    ascii_name = f"{three_list.key}-{city.slug if city else 'all'}-{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = exports.content_disposition(
        exports.export_filename(three_list, city, today), ascii_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
