"""Small text helpers shared by several apps."""

from __future__ import annotations

import unicodedata


def normalise_query(text: str) -> str:
    """NFKC-fold (full-width → half-width), collapse white space, trim. Used for user-typed queries."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())
