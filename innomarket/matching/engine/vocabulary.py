"""Domain vocabulary: synonyms and abbreviations, request framing, and which words may be shown.

Three lists, each a plain-text file under ``data/`` that is reviewed like code, plus whatever the
caller adds (administrators maintain extra synonym groups in the back office):

* **synonym groups** (``synonyms.txt``): a query naming any member of a group also looks for the
  others — "AI" finds 人工智能, "CRO" finds 合同研究组织, 光刻胶 finds 光致抗蚀剂. Han members are
  added to the segmenter's dictionary so they stay whole words; Latin members match whole words
  only ("ai" is not in "Talairach").
* **request framing** (``framing.txt``): the words around a need that say nothing about its topic
  (想找个能帮我们做……的团队); they are taken out of a query before it is matched.
* **display stop-words** (``display_stopwords.txt``): function words and the generic words of
  research writing (基于, 研究, 方法, 工艺 …). They still count for ranking, but an explanation
  never shows them as "matched keywords", nor any single character.

Pure Python: the Django side passes the administrators' groups in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .normalize import normalize

DATA = Path(__file__).resolve().parent / "data"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN_WORD = re.compile(r"[0-9a-z]")
_HAN_CHAR = re.compile(f"[{_HAN}]")
# Particles trimmed from the ends of a *partial* match (the bigram piece "改造的" shows "改造");
# whole words are never trimmed (人工智能 keeps its 能).
_EDGE_PARTICLES = "的了和与及或在是对为于等并个们把被将"


def _read_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def parse_groups(lines: Iterable[str]) -> list[tuple[str, ...]]:
    """Synonym groups from ``"preferred | synonym | …"`` lines (members normalised, order kept,
    duplicates and groups of fewer than two members dropped)."""
    groups = []
    for line in lines:
        members: list[str] = []
        for part in line.split("|"):
            term = normalize(part)
            if term and term not in members:
                members.append(term)
        if len(members) >= 2:
            groups.append(tuple(members))
    return groups


def is_latin(term: str) -> bool:
    """Whether ``term`` has no Han character (matched as whole words)."""
    return _HAN_CHAR.search(term) is None


def whole_word_pattern(term: str) -> re.Pattern[str]:
    """A regex finding normalised ``term`` in normalised text; a Latin or digit edge of the term
    must not touch another letter or digit (``ai`` is not in ``talairach``, ``5g`` not in ``15g``)."""
    body = re.escape(term)
    left = r"(?<![0-9a-z])" if _LATIN_WORD.match(term[0]) else ""
    right = r"(?![0-9a-z])" if _LATIN_WORD.match(term[-1]) else ""
    return re.compile(left + body + right)


@dataclass(frozen=True)
class Expansion:
    """A synonym group a query named: the member found in the query and the others it adds."""

    found: str
    preferred: str
    others: tuple[str, ...]


@dataclass
class Vocabulary:
    """Synonym groups, request framing and display stop-words (see the module docstring)."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    framing: list[str] = field(default_factory=list)
    display_stopwords: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._member_of: dict[str, int] = {}
        for i, group in enumerate(self.groups):
            for term in group:
                self._member_of.setdefault(term, i)
        # Longest members first, so "电子设计自动化" is found before "自动化" would be.
        self._patterns = [
            (term, whole_word_pattern(term)) for term in sorted(self._member_of, key=len, reverse=True)
        ]
        self._framing = [re.compile(p) for p in self.framing]

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Vocabulary:
        """The maintained lists shipped with the engine (``data/``)."""
        return _default()

    def with_groups(self, lines: Iterable[str]) -> Vocabulary:
        """A copy with more synonym groups (``"a | b | c"`` lines, e.g. from the back office).
        A new group sharing a member with an existing one is merged into it."""
        merged = [list(g) for g in self.groups]
        index = {t: i for i, g in enumerate(merged) for t in g}
        for group in parse_groups(lines):
            target = next((index[t] for t in group if t in index), None)
            if target is None:
                merged.append(list(group))
                target = len(merged) - 1
            for term in group:
                if term not in merged[target]:
                    merged[target].append(term)
                index.setdefault(term, target)
        return Vocabulary(
            groups=[tuple(g) for g in merged], framing=self.framing, display_stopwords=self.display_stopwords
        )

    # -- queries ------------------------------------------------------------------------------

    def dictionary_terms(self) -> list[str]:
        """Han members of every group, for the segmenter's dictionary (they stay whole words)."""
        return [t for g in self.groups for t in g if not is_latin(t) and " " not in t]

    def strip_framing(self, text: str) -> str:
        """``text`` (normalised) without the request framing around the need; the text itself if
        nothing would remain."""
        out = text
        for pattern in self._framing:
            out = " ".join(pattern.sub(" ", out).split())
        return out if out else text

    def expansions(self, text: str) -> list[Expansion]:
        """The synonym groups ``text`` (normalised) names, each once, in order of appearance."""
        taken = [False] * len(text)
        found: list[tuple[int, Expansion]] = []
        seen: set[int] = set()
        for term, pattern in self._patterns:
            for m in pattern.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                for p in range(m.start(), m.end()):
                    taken[p] = True
                gi = self._member_of[term]
                if gi in seen:
                    continue
                seen.add(gi)
                group = self.groups[gi]
                found.append((m.start(), Expansion(term, group[0], tuple(t for t in group if t != term))))
        return [e for _, e in sorted(found, key=lambda p: p[0])]

    def preferred(self, term: str) -> str:
        """The preferred member of ``term``'s group (``term`` itself when it is in none)."""
        gi = self._member_of.get(term)
        return self.groups[gi][0] if gi is not None else term

    # -- explanations -------------------------------------------------------------------------

    def display_term(self, term: str, *, partial: bool = False) -> str | None:
        """``term`` as an explanation may show it, or ``None``: never a single character or a
        display stop-word; a ``partial`` match (a piece of the query found through bigrams) loses
        the particles at its ends first."""
        term = term.strip()
        if partial and not is_latin(term):
            term = term.strip(_EDGE_PARTICLES)
        if len(term) < 2 or term in self.display_stopwords:
            return None
        if is_latin(term) and (term.isdigit() or len(term.replace(" ", "")) < 2):
            return None
        return term

    def display_terms(self, terms: Sequence[str], *, partial: bool = False) -> tuple[str, ...]:
        out: list[str] = []
        for t in terms:
            shown = self.display_term(t, partial=partial)
            if shown is not None and shown not in out:
                out.append(shown)
        return tuple(out)


@lru_cache(maxsize=1)
def _default() -> Vocabulary:
    groups = parse_groups(_read_lines(DATA / "synonyms.txt"))
    framing = _read_lines(DATA / "framing.txt")
    stop: set[str] = set()
    for line in _read_lines(DATA / "display_stopwords.txt"):
        stop.update(normalize(w) for w in line.split())
    return Vocabulary(groups=groups, framing=framing, display_stopwords=frozenset(stop))
