"""The site's URLs plus two views that fail on purpose, for the 403 and 500 page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied("只有本机构成员可以查看这份测试材料。")


def broken(request):
    raise RuntimeError("a bug the visitor must never see")


urlpatterns = [
    path("__test__/forbidden/", forbidden),
    path("__test__/broken/", broken),
    *site_urlpatterns,
]
