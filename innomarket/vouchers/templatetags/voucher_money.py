"""Money of the 创新券 ledger on pages: 分 shown as ¥1,234.56."""

from __future__ import annotations

from typing import Any

from django import template

from .voucher_tags import yuan

register = template.Library()


def format_yuan(fen: int | None) -> str:
    """``123456`` → ``¥1,234.56``; ``-5`` → ``-¥0.05``; ``None`` → ``—`` (``voucher_tags.yuan`` with the sign)."""
    if fen is None:
        return "—"
    digits = yuan(fen)
    return f"-¥{digits[1:]}" if digits.startswith("-") else f"¥{digits}"


@register.filter(name="rmb")
def rmb_filter(fen: Any) -> str:
    return format_yuan(fen)
