from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """``unread_notifications`` for the navigation: counted only when a template uses it, at most once
    per page (one query), and 0 without a query for anonymous visitors."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
