"""Reads: who should answer a challenge (推荐揭榜方), and which challenges fit an organisation.

Recommendations are of *suppliers* — a research group's lead expert, an expert, a university,
institute or company — with the public records that are their evidence ("因其成果《…》": a supplier
needs at least one matching public achievement; its profile and experts add to the evidence), at
most one per organisation, working in one of the fields the challenge declares when both sides
carry field tags, and only when the calibrated probability that the supplier is relevant
reaches the model's ``show`` threshold (``engine/relevance.py``, fitted on data by
``bench/train_relevance.py``). Otherwise the page says there is no good enough match: a ranking
always has a first place, a recommendation must not. The percentage shown is that probability.

Never recommended: the challenge's own organisation, an organisation that has already bid, and
anything on a challenge that no longer takes bids.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.challenges.models import BIDDABLE_STATUSES, Challenge
from innomarket.organisations.models import Organisation
from innomarket.site.catalogue import queryset_for
from innomarket.taxonomy.models import FieldTag

from .engine import Explanation, Filters, MatchingEngine, Query
from .engine.relevance import RelevanceModel, shipped_model
from .engine.suppliers import Evidence, SupplierMatch, SupplierRecommender, top_suppliers
from .index import live_index
from .models import document_key, parse_key
from .services import need_text

# Records that can be evidence of a supplier, and the organisation kinds that supply.
SUPPLIER_ORGANISATION_KINDS = ("university", "institute", "enterprise", "platform", "service_provider")
EVIDENCE_TYPES = ("achievement", "expert", *(f"organisation:{k}" for k in SUPPLIER_ORGANISATION_KINDS))
EVIDENCE_SHOWN = 3
# Bids in these states no longer count as "already answered" by the organisation.
_NOT_ANSWERED = ("draft",)


@dataclass(frozen=True)
class EvidenceItem:
    listing_type: ListingType
    obj: Any
    terms: tuple[str, ...]  # matched words worth showing


@dataclass
class SupplierHit:
    """One recommended supplier: who, how likely relevant, and why."""

    key: str
    organisation: Organisation
    person: Any | None  # the Expert to contact (a group's lead, or the expert recommended)
    probability: float
    evidence: list[EvidenceItem]
    shared_fields: tuple[FieldTag, ...] = ()
    city_relation: str | None = None  # "same" | "neighbouring" | None

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


@dataclass
class SupplierRecommendations:
    hits: list[SupplierHit] = field(default_factory=list)
    closed: bool = False  # the challenge no longer takes bids: nothing is recommended
    threshold: float = 0.0
    brokers: list[Any] = field(default_factory=list)  # 技术经理人 serving the challenge's fields

    @property
    def abstained(self) -> bool:
        return not self.closed and not self.hits


def supplier_model() -> RelevanceModel | None:
    return shipped_model("supplier")


def thresholds() -> tuple[float, float]:
    """``(show, invite)``: the model's, unless settings override them."""
    model = supplier_model()
    conf = settings.INNOMARKET_MATCHING
    show = conf.get("SUPPLIER_SHOW_THRESHOLD") or (model.threshold("show") if model else 1.0)
    invite = conf.get("SUPPLIER_INVITE_THRESHOLD") or (model.threshold("invite") if model else 1.0)
    return float(show), max(float(invite), float(show))


def evidence_for(keys: Sequence[str]) -> dict[str, Evidence]:
    """Which supplier each public record is evidence for (three queries at most)."""
    by_type: dict[str, list[int]] = {}
    for key in keys:
        type_key, pk = parse_key(key)
        by_type.setdefault(type_key, []).append(pk)
    out: dict[str, Evidence] = {}
    if by_type.get("achievement"):
        public_experts = set(
            queryset_for("expert")
            .filter(achievements__pk__in=by_type["achievement"])
            .values_list("pk", flat=True)
        )
        rows = (
            queryset_for("achievement")
            .filter(pk__in=by_type["achievement"], owner__isnull=False)
            .values_list("pk", "owner_id", "lead_expert_id", "discipline", "fields__slug")
        )
        for pk, owner_id, lead_id, discipline, field_slug in rows:
            key = document_key("achievement", pk)
            org = document_key("organisation", owner_id)
            supplier = document_key("expert", lead_id) if lead_id in public_experts else org
            labels = {discipline} if discipline else set()
            if field_slug:
                labels.add(field_slug)
            prev = out.get(key)
            out[key] = Evidence(supplier, org, frozenset(labels | (prev.labels if prev else set())))
    if by_type.get("expert"):
        rows = (
            queryset_for("expert")
            .filter(pk__in=by_type["expert"])
            .values_list("pk", "owner_id", "fields__slug")
        )
        for pk, owner_id, field_slug in rows:
            key = document_key("expert", pk)
            org = document_key("organisation", owner_id) if owner_id else key
            prev = out.get(key)
            tags: frozenset[str] = prev.labels if prev else frozenset()
            out[key] = Evidence(key, org, tags | {field_slug} if field_slug else tags)
    if by_type.get("organisation"):
        rows = (
            queryset_for("organisation")
            .filter(pk__in=by_type["organisation"], kind__in=SUPPLIER_ORGANISATION_KINDS)
            .values_list("pk", "fields__slug")
        )
        for pk, field_slug in rows:
            key = document_key("organisation", pk)
            prev = out.get(key)
            tags = prev.labels if prev else frozenset()
            out[key] = Evidence(key, key, tags | {field_slug} if field_slug else tags)
    return out


def _engine_types(engine: MatchingEngine, wanted: Iterable[str]) -> frozenset[str]:
    keys = set(wanted)
    return frozenset(t for t in engine.known_types() if t in keys)


def is_recommendable(challenge: Challenge) -> bool:
    return challenge.status in BIDDABLE_STATUSES and (
        challenge.deadline is None or challenge.deadline >= timezone.localdate()
    )


def answered_organisations(challenge: Challenge) -> frozenset[str]:
    """Organisations that already bid on ``challenge`` (any bid past a draft, or a draft)."""
    ids = challenge.bids.values_list("organisation_id", flat=True)
    return frozenset(document_key("organisation", i) for i in ids)


# Scored suppliers per challenge, per process, until the index, the outcomes or the challenge change.
_CACHE_SIZE = 256
_cache: OrderedDict[tuple, list[SupplierMatch]] = OrderedDict()
_cache_lock = threading.Lock()


def scored_suppliers(challenge: Challenge) -> list[SupplierMatch]:
    """Every supplier with evidence for ``challenge``, scored (calibrated probability), best first,
    the owner and organisations that already bid left out. No threshold, no de-duplication."""
    model = supplier_model()
    text = need_text(challenge)
    if model is None or not text:
        return []
    memory = live_index.outcome_memory()
    exclude = set(answered_organisations(challenge))
    if challenge.owner_id:
        exclude.add(document_key("organisation", challenge.owner_id))
    expired = live_index.expired_keys()
    with live_index.engine() as engine:
        key = (challenge.pk, challenge.updated_at, live_index.last_change, len(memory), frozenset(exclude))
        with _cache_lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
        types = _engine_types(engine, EVIDENCE_TYPES)
        if not types:
            return []
        query = Query(
            text=text,
            fields=tuple(t.slug for t in challenge.fields.all()),
            city=challenge.city.slug if challenge.city_id else None,
        )
        recommender = SupplierRecommender(engine, model, memory=memory)
        matches, _top = recommender.score(
            query,
            evidence_for,
            filters=Filters(types=types, exclude_ids=expired),
            exclude_organisations=frozenset(exclude),
        )
    # Evidence a visitor can check: a supplier is recommended through its public achievements (the
    # model was fitted on such evidence; a profile alone says what someone claims, not what they did).
    declared, known = set(query.fields), _field_slugs() if query.fields else frozenset()
    matches = [
        m
        for m in matches
        if any(r.startswith("achievement:") for r in m.records) and in_declared_fields(m, declared, known)
    ]
    with _cache_lock:
        _cache[key] = matches
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matches


def in_declared_fields(match: SupplierMatch, fields: set[str], field_slugs: frozenset[str]) -> bool:
    """Whether a supplier works in one of the fields the challenge declares (领域一致): when both
    the challenge and the supplier's evidence carry field tags, they must share one. A clinical
    group is no answer to an endoscope module because both mention 临床; a group whose evidence has
    no field tag is judged by the model alone."""
    if not fields:
        return True
    theirs = {label for label in match.labels if label in field_slugs}
    return not theirs or bool(theirs & fields)


def _field_slugs() -> frozenset[str]:
    return frozenset(FieldTag.objects.values_list("slug", flat=True))


def recommended_suppliers(challenge: Challenge, *, k: int = 5) -> SupplierRecommendations:
    """推荐揭榜方 for the challenge page (see the module docstring)."""
    show, _invite = thresholds()
    if not is_recommendable(challenge):
        return SupplierRecommendations(closed=True, threshold=show)
    matches = top_suppliers(scored_suppliers(challenge), show, k)
    return SupplierRecommendations(
        hits=hydrate(challenge, matches), threshold=show, brokers=brokers_for(challenge)
    )


def invitable_suppliers(challenge: Challenge, *, k: int) -> list[SupplierHit]:
    """Suppliers sure enough to be invited automatically (the stricter ``invite`` threshold)."""
    _show, invite = thresholds()
    if not is_recommendable(challenge):
        return []
    return hydrate(challenge, top_suppliers(scored_suppliers(challenge), invite, k))


def hydrate(challenge: Challenge, matches: Sequence[SupplierMatch]) -> list[SupplierHit]:
    """Hits with their organisation, person and evidence re-read through the public selectors
    (a record that stopped being public since it was indexed is dropped)."""
    if not matches:
        return []
    org_ids = {parse_key(m.organisation or m.supplier)[1] for m in matches}
    orgs = {o.pk: o for o in queryset_for("organisation").filter(pk__in=org_ids)}
    wanted: dict[str, set[int]] = {}
    for m in matches:
        for key in [m.supplier, *m.records]:
            t, pk = parse_key(key)
            wanted.setdefault(t, set()).add(pk)
    objects: dict[str, Any] = {}
    for type_key, ids in wanted.items():
        for obj in queryset_for(type_key).filter(pk__in=ids):
            objects[document_key(type_key, obj.pk)] = obj
    challenge_fields = {t.slug: t for t in challenge.fields.all()}
    neighbours = settings.INNOMARKET_MATCHING.get("NEIGHBOURS", {})
    hits = []
    query = Query(text=need_text(challenge))
    with live_index.engine() as engine:
        for m in matches:
            org = orgs.get(parse_key(m.organisation or m.supplier)[1])
            if org is None:
                continue
            person = objects.get(m.supplier) if m.supplier.startswith("expert:") else None
            evidence = []
            field_slugs: set[str] = set()
            # Achievements are the evidence a visitor can check; a profile only when there is none.
            ordered = sorted(m.records, key=lambda k: not k.startswith("achievement:"))
            for key in ordered[:EVIDENCE_SHOWN]:
                obj = objects.get(key)
                if obj is None or key not in engine:
                    continue
                explanation: Explanation = engine.explain_record(query, key)
                type_key = key.split(":")[0]
                evidence.append(
                    EvidenceItem(
                        LISTING_TYPES[type_key], obj, explanation.matched_terms + explanation.partial_terms
                    )
                )
                field_slugs.update(t.slug for t in obj.fields.all())
            if not evidence:
                continue
            city = (person or org).city
            relation = None
            if challenge.city_id and city:
                if city.pk == challenge.city_id:
                    relation = "same"
                elif city.slug in neighbours.get(challenge.city.slug, ()):
                    relation = "neighbouring"
            hits.append(
                SupplierHit(
                    key=m.supplier,
                    organisation=org,
                    person=person,
                    probability=m.probability,
                    evidence=evidence,
                    shared_fields=tuple(
                        challenge_fields[s] for s in sorted(field_slugs) if s in challenge_fields
                    ),
                    city_relation=relation,
                )
            )
    return hits


def brokers_for(challenge: Challenge, *, k: int = 2) -> list[Any]:
    """技术经理人 who can help follow this challenge: the one assigned, then public ones serving
    one of its fields, same city first, then neighbouring cities."""
    out: list[Any] = []
    assigned = getattr(challenge, "tech_manager", None)
    if assigned is not None and assigned.is_public:
        out.append(assigned)
    slugs = [t.slug for t in challenge.fields.all()]
    if slugs and len(out) < k:
        neighbours = settings.INNOMARKET_MATCHING.get("NEIGHBOURS", {}).get(challenge.city.slug, ())
        candidates = (
            queryset_for("techmanager")
            .filter(fields__slug__in=slugs)
            .exclude(pk__in=[b.pk for b in out])
            .distinct()
        )

        def nearness(tm: Any) -> tuple[int, int]:
            if tm.city_id == challenge.city_id:
                return (0, tm.pk)
            return (1 if tm.city.slug in neighbours else 2, tm.pk)

        out.extend(sorted(candidates, key=nearness)[: k - len(out)])
    return out


def challenges_for_organisation(organisation: Organisation, *, k: int = 6) -> list[tuple[Challenge, float]]:
    """Open challenges (published or taking bids, before their deadline) for which one of
    ``organisation``'s suppliers would be recommended, with that probability; its own challenges
    and those it has bid on left out. At most ``k``, most likely first."""
    show, _invite = thresholds()
    org_key = document_key("organisation", organisation.pk)
    today = timezone.localdate()
    open_challenges = (
        queryset_for("challenge")
        .filter(status__in=BIDDABLE_STATUSES)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .exclude(owner=organisation)
        .exclude(bids__organisation=organisation)
        .distinct()
    )
    found: list[tuple[Challenge, float]] = []
    for challenge in _shortlist(organisation, open_challenges):
        best = max(
            (m.probability for m in scored_suppliers(challenge) if (m.organisation or m.supplier) == org_key),
            default=0.0,
        )
        if best >= show:
            found.append((challenge, best))
    found.sort(key=lambda cp: -cp[1])
    return found[:k]


SHORTLIST = 12


def _shortlist(organisation: Organisation, challenges: Any) -> list[Challenge]:
    """The open challenges worth scoring for ``organisation``: all when few, else those its public
    records resemble most (a word search from its profile, its own records' titles included)."""
    candidates = list(challenges)
    if len(candidates) <= SHORTLIST:
        return candidates
    from .selectors import organisation_profile_text

    text = organisation_profile_text(organisation)
    if not text.strip():
        return candidates[:SHORTLIST]
    keys = {document_key("challenge", c.pk): c for c in candidates}
    with live_index.engine() as engine:
        types = _engine_types(engine, ["challenge"])
        ranked = engine.search(
            Query(text=text[:2000]),
            4 * SHORTLIST,
            Filters(types=types),
            explain=False,
        )
    picked = [keys[r.id] for r in ranked if r.id in keys]
    return picked[:SHORTLIST]
