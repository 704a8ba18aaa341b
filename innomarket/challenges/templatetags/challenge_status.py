"""``{% challenge_status_badge obj %}``: the 榜单状态 badge (``challenges.phase``) on any teaser.

Renders nothing for an object that is not a challenge, so generic templates (listing cards, search
hits) can call it for every record.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from innomarket.challenges.models import Challenge
from innomarket.challenges.phase import Phase, challenge_phase

register = template.Library()


@register.simple_tag
def challenge_status_badge(obj: Any) -> SafeString | str:
    if not isinstance(obj, Challenge):
        return ""
    phase = challenge_phase(obj)
    return format_html(
        '<span class="badge badge-phase badge-phase-{}" data-phase="{}" title="{}">{}</span>',
        phase.tone,
        phase.key,
        _("榜单状态"),
        phase.label,
    )


@register.filter
def phase_of(obj: Challenge) -> Phase:
    return challenge_phase(obj)
