"""Money of the 创新券 ledger on pages: 分 shown as ¥1,234.56."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def format_yuan(fen: int | None) -> str:
    """``123456`` → ``¥1,234.56``; ``-5`` → ``-¥0.05``; ``None`` → ``—``."""
    if fen is None:
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


@register.filter(name="rmb")
def rmb_filter(fen: Any) -> str:
    return format_yuan(fen)
