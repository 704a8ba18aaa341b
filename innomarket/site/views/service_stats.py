"""一站式服务统计: every transaction's funnel and how fast the answering side answers, per city.

Aggregates only (no request, organisation or person named), like the 揭榜挂帅 statistics.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from innomarket.notifications.selectors import reply_stats, reply_stats_by_city
from innomarket.organisations.models import Organisation
from innomarket.regions.selectors import city_list


def service_stats(request: HttpRequest) -> HttpResponse:
    """/stats/services/[?city=<slug>]: one city or the alliance, and every city side by side."""
    cities = list(city_list())
    slug = request.GET.get("city", "").strip()
    city = None
    if slug:
        city = next((c for c in cities if c.slug == slug), None)
        if city is None:
            raise Http404(slug)
    by_city = reply_stats_by_city()
    rows = [{"city": c, "stats": by_city.get(c.pk, [])} for c in cities]
    scope = reply_stats(city_id=city.pk if city else None)
    return render(
        request,
        "site/service_stats.html",
        {
            "cities": cities,
            "city": city,
            "selected_slug": slug,
            "scope": scope,
            "rows": rows,
            # The demo's requests are made by and to sample organisations; say so, as the challenge
            # statistics do for sample challenges.
            "includes_sample": Organisation.objects.filter(is_sample=True).exists(),
        },
    )
