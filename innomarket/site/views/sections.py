from django.http import Http404


def section_detail(request, key):
    raise Http404
