"""Template filters that keep personal contact details off public pages."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()

# Mainland mobiles (138 0013 8000, +86-138…), landlines with an area code (021-6123 4567, 0519 8888 8888)
# and 400/800 service numbers, with the usual separators.
PHONE_RE = re.compile(
    r"(?<!\d)(?:(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"
    r"|0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}"
    r"|[48]00[\s-]?\d{3}[\s-]?\d{4})(?!\d)"
)


@register.filter
def hide_phones(value: object) -> str:
    """Replace every phone number in the text by a note that contact goes through the platform."""
    if value is None:
        return ""
    return PHONE_RE.sub(_("【电话已隐藏，请通过平台联系】"), str(value))
