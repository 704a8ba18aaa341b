"""Small text helpers shared by several apps."""

from __future__ import annotations

import unicodedata


def normalise_query(text: str) -> str:
    """NFKC-fold (full-width → half-width), collapse white space, trim. Used for user-typed queries."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


# Titles of generated sample records start with this marker (the demo data's 示例 convention).
SAMPLE_MARKER = "【示例】"


def without_sample_marker(text: str) -> str:
    """``text`` without the leading 【示例】 marker: it says what a record is, not what it is about,
    so matching must not see it (every sample would share the word 示例)."""
    text = (text or "").strip()
    return text[len(SAMPLE_MARKER) :].lstrip() if text.startswith(SAMPLE_MARKER) else text
