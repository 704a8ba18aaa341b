"""Amounts in 万元 as the services write them (3,500 / 12.5), so pages and messages agree."""

from django import template

from innomarket.finance.services import wan as wan_text

register = template.Library()


@register.filter
def wan(value):
    return "" if value in (None, "") else wan_text(value)


@register.filter
def points(value):
    """创新积分 figures as the fit sentences write them: 46.1, 62, 82.5 ("" when unset)."""
    from innomarket.finance.score_fit import number_text

    return "" if value in (None, "") else number_text(value)
