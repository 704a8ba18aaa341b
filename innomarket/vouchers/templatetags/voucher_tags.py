"""Amounts of the 创新券 pages: the ledger keeps 分, programmes speak 万元, people read 元."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """分 as 元 with two decimals and thousands separators: 30,000.00."""
    if fen is None:
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


@register.filter
def signed_yuan(fen: int | None) -> str:
    if not fen:
        return "—"
    return ("+" if fen > 0 else "") + yuan(fen)


@register.filter
def fen_wan(fen: int | None) -> str:
    """分 as 万元 as people write it: 30, 12.5."""
    if fen is None:
        return "—"
    return wan(Decimal(int(fen)) / 1_000_000)


@register.filter
def wan(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    return f"{Decimal(amount):,.6f}".rstrip("0").rstrip(".")


@register.filter
def wan_yuan(amount_wan: Decimal | None) -> str:
    """万元 as 元 with two decimals."""
    if amount_wan is None:
        return "—"
    return yuan(int(Decimal(amount_wan) * 1_000_000))
