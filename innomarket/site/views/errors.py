"""Error pages that need a view of their own. 400, 403, 404 and 500 are Django's default handlers
rendering our templates (``templates/400.html`` …); the CSRF failure is configured by
``CSRF_FAILURE_VIEW``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The CSRF check failed (an old page, cookies off): say so in Chinese, in the site frame.
    ``reason``, the technical explanation, is not shown: the middleware has logged it (django.security.csrf)."""
    return render(request, "errors/csrf_failure.html", status=403)
