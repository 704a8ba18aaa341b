"""Reads through the matching engine: site-wide search, and recommendations both ways.

Every hit is re-read from the database through the type's public selector, so a record that
stopped being public since it was indexed is dropped, never shown; records past their validity
date (``documents.EXPIRY_FIELDS``) are excluded in the engine and re-checked here. Snippets and
highlights are cut from the record's *public* text only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.organisations.models import Organisation
from innomarket.regions.models import City
from innomarket.site.catalogue import MAX_QUERY_LENGTH, queryset_for
from innomarket.taxonomy.models import FieldTag

from .documents import EXPIRY_FIELDS, text_fields, title_field
from .engine import Explanation, Filters, MatchingEngine, Query, Result
from .engine.explain import find_spans, highlight
from .engine.relevance import RecordRelevance, shipped_record_relevance
from .index import live_index
from .models import document_key, parse_key
from .viewer import Viewer

# How many relevant records one search considers (facet counts cover these).
MAX_HITS = 500
SNIPPET_WIDTH = 110


@dataclass(frozen=True)
class Hit:
    listing_type: ListingType
    obj: Any
    score: float
    explanation: Explanation
    title_html: SafeString
    snippet_html: SafeString
    shared_fields: tuple[FieldTag, ...] = ()
    # The viewer's badges (``viewer.Viewer.badges``): your_vouchers / accepts_vouchers, tier_ok / tier_short.
    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    query: str
    type_key: str | None = None
    city: City | None = None
    field_tag: FieldTag | None = None
    vouchers: bool = False  # only records that accept (the viewer's) 创新券
    tier: bool = False  # only financial products the viewer's 创新积分 tier qualifies for
    hits: list[Hit] = field(default_factory=list)  # the requested page
    total: int = 0  # relevant records under all filters
    page: int = 1
    per_page: int = 20
    type_facets: list[FacetValue] = field(default_factory=list)
    city_facets: list[FacetValue] = field(default_factory=list)
    field_facets: list[FacetValue] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def clean_query(text: str) -> str:
    return " ".join((text or "")[: MAX_QUERY_LENGTH * 2].split())[:MAX_QUERY_LENGTH]


def _min_similarity() -> float:
    return float(settings.INNOMARKET_MATCHING.get("SEARCH_MIN_SIMILARITY", 0.88))


def search_cut() -> tuple[RecordRelevance | None, float | None]:
    """The record models and their ``search`` threshold: a hit below it is not shown (the cut was
    fitted to keep 99 % of sought records and drop unrelated ones, ``bench/train_relevance.py``)."""
    model = shipped_record_relevance()
    if model is None:
        return None, None
    override = settings.INNOMARKET_MATCHING.get("SEARCH_MIN_RELEVANCE")
    return model, float(override if override is not None else model.threshold("search"))


def _embedded(engine: MatchingEngine, query: Query) -> Query:
    """The query with its vector computed once (a search runs the engine more than once)."""
    if engine.embedder is not None and query.embedding is None and query.text.strip():
        query.embedding = engine.embed_query(query.text)
    return query


def _engine_types(engine: MatchingEngine, type_keys: Iterable[str]) -> frozenset[str]:
    """Engine types of listing types (an organisation type covers every organisation kind)."""
    wanted = set(type_keys)
    return frozenset(t for t in engine.known_types() if t in wanted or t.split(":")[0] in wanted)


def search_listings(
    *,
    query: str,
    type_key: str | None = None,
    city: City | None = None,
    field_tag: FieldTag | None = None,
    page: int = 1,
    per_page: int = 20,
    viewer: Viewer | None = None,
    vouchers: bool = False,
    tier: bool = False,
) -> SearchResults:
    """Public, unexpired records of every type relevant to ``query``, best first.

    Relevant means sharing a word or part of a word with the query, or meaning the same (semantic
    similarity ≥ ``SEARCH_MIN_SIMILARITY``). Facet counts are per type, city and field, each
    counted under the other two restrictions.

    With a ``viewer`` (``viewer.viewer_for``), records that take the viewer's 创新券 and financial
    products their 创新积分 tier qualifies for are boosted and badged; ``vouchers`` keeps only records
    that accept vouchers (the viewer's own, when they hold any), ``tier`` only the financial products
    the viewer's tier allows (no requirement, or one they meet).
    """
    viewer = viewer or Viewer()
    text = clean_query(query)
    if type_key not in LISTING_TYPES:
        type_key = None
    page = max(1, page)
    tier = tier and viewer.has_tier
    results = SearchResults(
        query=text,
        type_key=type_key,
        city=city,
        field_tag=field_tag,
        page=page,
        per_page=per_page,
        vouchers=vouchers,
        tier=tier,
    )
    if not text:
        return results
    only: frozenset[str] | None = None
    if vouchers:
        only = viewer.your_vouchers if viewer.holds_vouchers else viewer.accepting
    if tier:
        only = viewer.products_allowed if only is None else only & viewer.products_allowed
    threshold = _min_similarity()
    model, min_relevance = search_cut()
    expired = live_index.expired_keys()
    with live_index.engine() as engine:
        q = _embedded(
            engine,
            Query(text=text, your_vouchers=viewer.your_vouchers, tier_qualifies=viewer.qualifies),
        )
        pool = engine.search(
            q,
            MAX_HITS,
            Filters(exclude_ids=expired, only_ids=only),
            explain=False,
            min_similarity=threshold,
            relevance=model,
            min_relevance=min_relevance,
        )
        described = [(r, *engine.describe(r.id)) for r in pool]
        city_slug, field_slug = (city.slug if city else None), (field_tag.slug if field_tag else None)

        def keep(etype: str, c: str | None, fs: frozenset[str], *, skip: str) -> bool:
            return (
                (skip == "type" or type_key is None or etype.split(":")[0] == type_key)
                and (skip == "city" or city_slug is None or c == city_slug)
                and (skip == "field" or field_slug is None or field_slug in fs)
            )

        type_counts = Counter(e.split(":")[0] for _r, e, c, fs in described if keep(e, c, fs, skip="type"))
        city_counts = Counter(c for _r, e, c, fs in described if c and keep(e, c, fs, skip="city"))
        field_counts = Counter(f for _r, e, c, fs in described if keep(e, c, fs, skip="field") for f in fs)
        results.total = sum(1 for _r, e, c, fs in described if keep(e, c, fs, skip=""))
        filters = Filters(
            types=_engine_types(engine, [type_key]) if type_key else None,
            cities=frozenset([city_slug]) if city_slug else None,
            fields=frozenset([field_slug]) if field_slug else None,
            exclude_ids=expired,
            only_ids=only,
        )
        ranked = engine.search(
            q,
            page * per_page,
            filters,
            min_similarity=threshold,
            relevance=model,
            min_relevance=min_relevance,
        )[(page - 1) * per_page :]
    results.hits = [
        replace(hit, badges=tuple(viewer.badges(document_key(hit.listing_type.key, hit.obj.pk))))
        for hit in _hydrate(ranked)
    ]
    results.type_facets = [
        FacetValue(key, str(t.label), type_counts[key], key == type_key)
        for key, t in LISTING_TYPES.items()
        if type_counts[key]
    ]
    cities = {c.slug: c for c in City.objects.filter(slug__in=list(city_counts))}
    results.city_facets = [
        FacetValue(slug, cities[slug].short_name or cities[slug].name, n, slug == city_slug)
        for slug, n in sorted(city_counts.items(), key=lambda kv: (-kv[1], cities[kv[0]].sort_order))
        if slug in cities
    ]
    tags = {t.slug: t for t in FieldTag.objects.filter(slug__in=list(field_counts))}
    results.field_facets = [
        FacetValue(slug, tags[slug].name, n, slug == field_slug)
        for slug, n in sorted(field_counts.items(), key=lambda kv: (-kv[1], tags[kv[0]].sort_order))
        if slug in tags
    ]
    return results


@dataclass(frozen=True)
class KeywordMatches:
    """A list page's keyword filter through the engine: relevant record ids, best first, and the
    words to mark (the query's words and the synonyms it brought in, those worth showing)."""

    ids: list[int]
    terms: tuple[str, ...]


def keyword_matches(type_key: str, query: str) -> KeywordMatches | None:
    """Public, unexpired records of one listing type relevant to ``query`` — the same search as
    ``/search/`` (traditional characters, typos through partial matches, synonyms, the relevance
    cut) restricted to the type; ``None`` while the search index holds nothing at all (a database
    that was never indexed), so that the caller can fall back to plain text matching."""
    text = clean_query(query)
    if not text or type_key not in LISTING_TYPES:
        return KeywordMatches([], ())
    model, min_relevance = search_cut()
    expired = live_index.expired_keys()
    with live_index.engine() as engine:
        if len(engine) == 0:
            return None
        q = _embedded(engine, Query(text=text))
        # Exactly /search/'s relevant records (judged against the whole catalogue, so that a list
        # and the search's type facet agree), then those of this type.
        ranked = [
            r
            for r in engine.search(
                q,
                MAX_HITS,
                Filters(exclude_ids=expired),
                explain=False,
                min_similarity=_min_similarity(),
                relevance=model,
                min_relevance=min_relevance,
            )
            if r.type.split(":")[0] == type_key
        ]
        analysed = engine.analyze_query(text)
        terms = engine.vocabulary.display_terms(analysed.words)
    return KeywordMatches([parse_key(r.id)[1] for r in ranked], terms)


def organisation_profile_text(organisation: Organisation, *, achievements: int = 20) -> str:
    """What an organisation offers, as a query: its introduction, fields, and public achievements."""
    titles = (
        queryset_for("achievement")
        .filter(owner=organisation)
        .order_by("-published_at", "-id")
        .values_list("title", flat=True)[:achievements]
    )
    parts = [organisation.intro, *(t.name for t in organisation.fields.all()), *titles]
    return " ".join(p for p in parts if p)


# -- presentation helpers --------------------------------------------------------------------


def _hydrate(ranked: Sequence[Result]) -> list[Hit]:
    """Hits for engine results, in order, re-read through each type's public selector."""
    by_type: dict[str, list[int]] = {}
    for r in ranked:
        type_key, pk = parse_key(r.id)
        by_type.setdefault(type_key, []).append(pk)
    objects: dict[str, Any] = {}
    today = timezone.localdate()
    for type_key, ids in by_type.items():
        for obj in queryset_for(type_key).filter(pk__in=ids):
            if not _expired(type_key, obj, today):
                objects[document_key(type_key, obj.pk)] = obj
    tags = _field_tags({f for r in ranked for f in r.explanation.shared_fields})
    hits = []
    for r in ranked:
        obj = objects.get(r.id)
        if obj is None:
            continue
        type_key = r.id.split(":")[0]
        terms = r.explanation.all_terms
        hits.append(
            Hit(
                listing_type=LISTING_TYPES[type_key],
                obj=obj,
                score=r.score,
                explanation=r.explanation,
                title_html=mark_safe(highlight(str(getattr(obj, title_field(type_key))), terms)),  # noqa: S308
                snippet_html=snippet(public_text(type_key, obj), terms),
                shared_fields=tuple(tags[s] for s in r.explanation.shared_fields if s in tags),
            )
        )
    return hits


def _expired(type_key: str, obj: Any, today: datetime.date) -> bool:
    name = EXPIRY_FIELDS.get(type_key)
    value = getattr(obj, name, None) if name else None
    return value is not None and value < today


def _field_tags(slugs: set[str]) -> dict[str, FieldTag]:
    return {t.slug: t for t in FieldTag.objects.filter(slug__in=slugs)} if slugs else {}


def public_text(type_key: str, obj: Any) -> str:
    """The record's public body text (what was indexed), for snippets; a part that the next one
    repeats (a summary that is the abstract's first sentence) only once."""
    parts = [str(getattr(obj, name) or "").strip() for name in text_fields(type_key)]
    parts = [p for p in parts if p]
    return "\n".join(p for i, p in enumerate(parts) if not any(q.startswith(p) for q in parts[i + 1 :]))


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_WIDTH) -> SafeString:
    """An escaped excerpt of ``text`` around its first matched term, matches marked."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    spans = find_spans(text, terms)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, terms) + escape(suffix))  # noqa: S308 - escaped
