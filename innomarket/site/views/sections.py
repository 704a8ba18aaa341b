from django.shortcuts import render

from innomarket.site.catalogue import section_or_404, section_overview


def section_detail(request, key):
    """One of the six service sections: a tile per listing type and the newest public records."""
    section = section_or_404(key)
    return render(request, "catalogue/section.html", {"section": section, "tiles": section_overview(section)})
