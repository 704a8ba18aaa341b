"""Validators for Chinese administrative identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, S, V, Z).
USCC_ALPHABET = _USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of a unified social credit code, from its first 17 characters."""
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise ``ValidationError`` with a message that says exactly what is wrong with the code."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)d 位。"), code="uscc_length", params={"n": len(code)}
        )
    bad = [ch for ch in code if ch not in _USCC_ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符“%(ch)s”（不使用 I、O、S、V、Z）。"),
            code="uscc_char",
            params={"ch": bad[0]},
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误，应为 %(expected)s。"),
            code="uscc_check",
            params={"expected": expected},
        )


def validate_http_url(value: str) -> None:
    """Only http(s) links may be rendered as links on public pages."""
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_("链接必须以 http:// 或 https:// 开头。"), code="url_scheme")
