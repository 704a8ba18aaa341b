"""揭榜挂帅统计: the public statistics page (aggregates only: no challenge, organisation or person named)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import stats as selectors


def challenge_stats(request: HttpRequest) -> HttpResponse:
    """/challenges/stats/[?city=<slug>]: the funnel and response times of one city, or of the alliance,
    and every city side by side."""
    figures = selectors.challenge_stats()
    slug = request.GET.get("city", "").strip()
    scope = figures.total
    if slug:
        found = figures.for_city(slug)
        if found is None:
            raise Http404(slug)
        scope = found
    return render(
        request,
        "challenges/stats.html",
        {
            "stats": figures,
            "scope": scope,
            "selected_slug": slug,
            "table_rows": [*figures.rows, figures.total],
            "charts": selectors.chart_data(figures),
        },
    )
