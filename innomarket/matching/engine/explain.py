"""Explanations: why a result matched, in terms a user can check.

Every result carries matched terms (whole words and partial matches found through character
bigrams), the semantic similarity, shared field tags, the city relation, and every score component
(signals and boosts) with its share of the final score. :func:`highlight` marks matched terms in
the user's original text, escaping everything first so the output is safe HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalize import normalize_char_map
from .vocabulary import whole_word_pattern

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

COMPONENT_LABELS = {
    "words": "关键词匹配",
    "bigrams": "部分词匹配",
    "dense": "语义相似",
    "same_field": "同领域",
    "same_city": "同城市",
    "neighbouring_city": "邻近城市",
    "accepts_vouchers": "接受创新券",
    "your_vouchers": "可用您的创新券",
    "tier_qualifies": "积分等级符合",
    "track_record": "合作业绩",
}


@dataclass(frozen=True)
class Component:
    """One additive part of the final score; ``share`` = |value| / Σ|values| (0‥1)."""

    name: str
    value: float
    share: float

    @property
    def label(self) -> str:
        return COMPONENT_LABELS.get(self.name, self.name)

    @property
    def is_boost(self) -> bool:
        return self.name not in ("words", "bigrams", "dense")


@dataclass(frozen=True)
class Explanation:
    matched_terms: tuple[str, ...] = ()
    partial_terms: tuple[str, ...] = ()
    semantic_similarity: float | None = None
    shared_fields: tuple[str, ...] = ()
    city: str | None = None
    city_relation: str | None = None  # "same" | "neighbouring" | None
    components: tuple[Component, ...] = field(default_factory=tuple)

    @property
    def boosts(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.is_boost)

    def share(self, name: str) -> float:
        return next((c.share for c in self.components if c.name == name), 0.0)

    @property
    def all_terms(self) -> tuple[str, ...]:
        return self.matched_terms + self.partial_terms

    def highlight(self, text: str, *, tag: str = "mark") -> str:
        return highlight(text, self.all_terms, tag=tag)


def components_with_shares(parts: dict[str, float]) -> tuple[Component, ...]:
    total = sum(abs(v) for v in parts.values())
    return tuple(
        Component(name, float(v), abs(v) / total if total > 0 else 0.0)
        for name, v in sorted(parts.items(), key=lambda kv: -abs(kv[1]))
    )


def partial_matches(query_norm: str, doc_bigrams: set[str], exclude: Iterable[str] = ()) -> list[str]:
    """Maximal substrings of the query's Han runs whose every bigram occurs in the document
    (the character-bigram matches, merged back into readable pieces), minus those already covered
    by a matched whole word."""
    covered = list(exclude)
    out: list[str] = []
    for run in _HAN.findall(query_norm):
        i = 0
        while i < len(run) - 1:
            if run[i : i + 2] not in doc_bigrams:
                i += 1
                continue
            j = i + 1
            while j < len(run) - 1 and run[j : j + 2] in doc_bigrams:
                j += 1
            piece = run[i : j + 1]
            if not any(piece in c for c in covered) and piece not in out:
                out.append(piece)
            i = j
    return out


def find_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` spans in ``text`` (original offsets) where a normalised term
    occurs in the normalised text; longer terms win overlaps. A term's Latin or digit edge must be
    a word boundary ("ai" is not marked inside "Talairach")."""
    folded, origin = normalize_char_map(text)
    spans: list[tuple[int, int]] = []
    taken = [False] * len(folded)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        for m in whole_word_pattern(term).finditer(folded):
            start, end = m.start(), m.end()
            if not any(taken[start:end]):
                for p in range(start, end):
                    taken[p] = True
                spans.append((origin[start], origin[end - 1] + 1))
    return sorted(spans)


def highlight(text: str, terms: Iterable[str], *, tag: str = "mark") -> str:
    """HTML of ``text`` with each occurrence of ``terms`` wrapped in ``<tag>``; all text escaped."""
    if not re.fullmatch(r"[a-z][a-z0-9]*", tag):
        raise ValueError("tag must be a plain element name")
    out: list[str] = []
    pos = 0
    for start, end in find_spans(text, terms):
        out.append(html.escape(text[pos:start]))
        out.append(f"<{tag}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)
