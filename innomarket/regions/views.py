from django.shortcuts import render

from innomarket.accounts import roles

from . import selectors


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
        },
    )
