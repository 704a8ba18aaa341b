"""Public pages of the 创新券 programmes: what each city offers, how much is left, who accepts it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors, services
from .models import ServiceKind


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programmes_public())
    figures = selectors.programme_figures_many(programmes)
    return render(
        request,
        "vouchers/programme_list.html",
        {"rows": [{"programme": p, "figures": figures[p.pk]} for p in programmes]},
    )


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(selectors.programmes_public(), pk=pk)
    return render(
        request,
        "vouchers/programme_detail.html",
        {
            "programme": programme,
            "figures": selectors.programme_figures(programme=programme),
            "accepted_cities": list(programme.accepted_cities.all()),
            "providers": list(selectors.programme_providers(programme=programme)),
            "accepts": services.programme_accepts_applications(programme),
            "service_kinds": ServiceKind.choices,
        },
    )
