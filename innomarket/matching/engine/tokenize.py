"""Chinese-aware tokenisation: rjieba words (search mode), a caller-supplied domain dictionary, and
character bigrams for partial-term matching.

Input to every method is text already passed through :func:`normalize.normalize` (the engine does
this); tokens are therefore lower-case, half-width and simplified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import rjieba

from .normalize import normalize

# Han ideographs (CJK Unified + Extension A + compatibility) — the runs that get bigrams.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_HAS_WORD_CHAR = re.compile(f"[{_HAN}0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_LATIN_RUN = re.compile(r"[0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+(?:[.\-+][0-9a-z]+)*")

# Function words that carry no matching signal but have the longest posting lists.
_STOPWORD_TEXT = """的 了 和 与 及 或 在 是 对 为 以 于 其 之 等 并 由 从 将 把 被 这 那 该 各 也 而 且 但 就 都 又
    这些 那些 我们 你们 他们 本文 以及 对于 关于 其中
    the of and or in on for to a an is are by with from as at be this that which we our"""
DEFAULT_STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())


class Tokenizer:
    """Segments normalised text into word tokens and character bigrams.

    ``domain_terms`` (the field taxonomy, product vocabulary …) are added to a private rjieba
    dictionary so that terms like 集成电路 or 脉搏波 come out whole; the caller passes them so that
    this package needs no database.
    """

    def __init__(
        self,
        domain_terms: Iterable[str] = (),
        *,
        stopwords: Iterable[str] = DEFAULT_STOPWORDS,
        search_mode: bool = True,
    ) -> None:
        self._jieba = rjieba.Jieba()
        self.search_mode = search_mode
        self.stopwords = frozenset(stopwords)
        self.domain_terms: list[str] = []
        self.add_terms(domain_terms)

    def add_terms(self, terms: Iterable[str]) -> None:
        """Add dictionary words (normalised first); takes effect for text tokenised afterwards."""
        for term in terms:
            norm = normalize(term)
            if norm and " " not in norm and not self._jieba.has_word(norm):
                self._jieba.add_word(norm, None, None)
                self.domain_terms.append(norm)

    def _keep(self, token: str) -> bool:
        return token not in self.stopwords and _HAS_WORD_CHAR.search(token) is not None

    def words(self, text: str) -> list[str]:
        """Word tokens of normalised ``text`` (search mode also emits the sub-words of long words)."""
        if not text:
            return []
        cut = self._jieba.cut_for_search(text) if self.search_mode else self._jieba.cut(text)
        return [t for t in (tok.strip() for tok in cut) if t and self._keep(t)]

    def word_spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(token, start, end)`` for the word tokens of normalised ``text``."""
        if not text:
            return []
        mode = "search" if self.search_mode else "default"
        return [(t, s, e) for t, s, e in self._jieba.tokenize(text, mode=mode) if self._keep(t.strip())]

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """Overlapping Han character bigrams (a lone Han character stands for itself) plus the
        Latin/number tokens, so the bigram field alone can match a query on any script."""
        if not text:
            return []
        out: list[str] = []
        for run in _HAN_RUN.findall(text):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.extend(_LATIN_RUN.findall(text))
        return out
