"""Sample research groups (课题组) for the literature in the demo data and the recommendation bench.

The CSL records are papers: they say what a group has worked on, not who offers it. To recommend
*people* with evidence, the demo attaches them to sample groups at sample universities and
institutes, and ``bench/recommend_quality.py`` builds the same groups over whatever corpus it is
given, so the figures it prints describe the structure a visitor sees.

A group works in one discipline (学科, the CSL label): the papers of a discipline are grouped by
topic — each group starts from a paper and takes the unassigned papers of the same discipline whose
titles share the most character bigrams with it — into groups of ``min_size``–``max_size`` papers,
and the groups are dealt out to the organisations in turn. Everything is deterministic (ordered by
a hash of the record ids), so a rerun or a larger corpus never reshuffles earlier groups' order.
Pure Python, no Django.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile("[0-9A-Za-z]+")


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    discipline: str


@dataclass(frozen=True)
class Team:
    key: str  # stable: "team-<discipline hash>-<n>"
    discipline: str
    organisation: str
    paper_ids: tuple[str, ...]


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _grams(title: str) -> frozenset[str]:
    grams: set[str] = set()
    for run in _HAN_RUN.findall(title):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    grams.update(w.lower() for w in _LATIN.findall(title) if len(w) > 1)
    return frozenset(grams)


def build_teams(
    papers: Sequence[Paper], organisations: Sequence[str], *, min_size: int = 3, max_size: int = 6
) -> list[Team]:
    """Research groups over ``papers`` (those without a discipline are left out), dealt out to
    ``organisations`` in turn. See the module docstring."""
    if not organisations:
        raise ValueError("at least one organisation is needed")
    by_discipline: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        if paper.discipline:
            by_discipline[paper.discipline].append(paper)
    groups: list[tuple[str, list[Paper]]] = []
    for discipline in sorted(by_discipline):
        members = sorted(by_discipline[discipline], key=lambda p: (_hash(p.id), p.id))
        grams = {p.id: _grams(p.title) for p in members}
        left = list(members)
        mine: list[list[Paper]] = []
        while left:
            seed = left.pop(0)
            size = min_size + _hash(seed.id) % (max_size - min_size + 1)
            remaining = len(left) + 1
            if remaining - size < min_size:  # too few would remain for a group of their own
                size = remaining if remaining <= max_size else remaining - min_size
            g = grams[seed.id]

            def overlap(
                p: Paper, g: frozenset[str] = g, grams: dict[str, frozenset[str]] = grams
            ) -> tuple[float, int, str]:
                other = grams[p.id]
                union = len(g | other) or 1
                return (-len(g & other) / union, _hash(p.id), p.id)

            chosen = sorted(left, key=overlap)[: size - 1]
            taken = {p.id for p in chosen}
            left = [p for p in left if p.id not in taken]
            mine.append([seed, *chosen])
        groups.extend((discipline, g) for g in mine)
    # Deal the groups out in a hashed order so each organisation gets a mix of disciplines.
    order = sorted(range(len(groups)), key=lambda i: _hash(f"{groups[i][0]}:{groups[i][1][0].id}"))
    teams: list[Team] = []
    counters: dict[str, int] = defaultdict(int)
    for turn, i in enumerate(order):
        discipline, members = groups[i]
        counters[discipline] += 1
        key = f"team-{_hash(discipline) % 10**8:08d}-{counters[discipline]}"
        teams.append(
            Team(
                key=key,
                discipline=discipline,
                organisation=organisations[turn % len(organisations)],
                paper_ids=tuple(p.id for p in members),
            )
        )
    return teams
