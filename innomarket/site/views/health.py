"""Liveness for load balancers and supervisors: the process answers HTTP. Touches nothing (no
database, no session, no template, not even the page cache's look-up), which also makes it the
bare-view baseline of bench/web_load.py."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from innomarket.common import pagecache


@pagecache.exempt
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
