"""The verification queue (待核验队列): every submitted record of every kind in one list per city, and
the bulk verify / reject that works it off.

Reads: ``queue_city`` (which city an administrator may look at), ``verification_queue`` (the rows,
oldest waiting first, filtered and paginated). Writes: ``queue_verify`` and ``queue_reject`` apply
``services.listing_verify`` / ``listing_reject`` to each selected record in its own transaction (so
permissions, status events, signals, the search index and the submitter's notification all apply as
for one record); a record that fails is reported by name with the reason, the others proceed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.regions.models import City

from . import services
from .freshness import kind_label
from .models import StatusEvent

# Organisations first: verifying an organisation and its listings in one go then succeeds.
KIND_ORDER = {key: (0 if key == "organisation" else 1, n) for n, key in enumerate(LISTING_TYPES)}


# -- scope ----------------------------------------------------------------------------------------


def queue_city(*, actor: Any, slug: str = "") -> City | None:
    """The city whose queue ``actor`` looks at: a city administrator always their own (another city is
    404, like every out-of-scope record of the back office); an alliance administrator the city
    named by ``slug``, or every city (``None``) without one. Anybody else: permission denied."""
    if roles.is_alliance_admin(actor):
        if not slug:
            return None
        city = City.objects.filter(slug=slug).first()
        if city is None:
            raise Http404(_("没有这个城市。"))
        return city
    city_id = roles.administered_city_id(actor)
    if city_id is None:
        raise DjangoPermissionDenied(_("只有城市管理员和联盟管理员可以查看核验队列。"))
    city = City.objects.get(pk=city_id)
    if slug and slug != city.slug:
        raise Http404(_("记录不存在，或不属于您管理的城市。"))
    return city


# -- reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    city: City | None = None  # None: every city (alliance administrators only; see queue_city)
    kind: str = ""  # a catalogue type key
    source: str = ""  # a verification.models.Source value
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None  # inclusive
    q: str = ""  # text in the title (name for organisations)


@dataclass(frozen=True)
class QueueRow:
    listing_type: ListingType
    record: Any
    submitted_at: dt.datetime
    now: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.listing_type.key}:{self.record.pk}"

    @property
    def name(self) -> str:
        return str(self.record)

    @property
    def kind_name(self) -> str:
        return kind_label(self.record)

    @property
    def waiting(self) -> dt.timedelta:
        return max(self.now - self.submitted_at, dt.timedelta(0))

    @property
    def waiting_days(self) -> int:
        return self.waiting.days

    @property
    def owner(self) -> Any:
        return getattr(self.record, "owner", None)

    @cached_property
    def diagnosis(self) -> Any:
        """需求诊断 of a record that has one (a challenge: score and findings for the administrator
        deciding on it); ``None`` for other kinds."""
        data = getattr(self.record, "diagnosis_data", None)
        if data is None:
            return None
        from innomarket.challenges.diagnosis import diagnose

        return diagnose(data())

    @property
    def admin_url(self) -> str:
        opts = self.record._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.record.pk])
        except NoReverseMatch:
            return ""


@dataclass
class QueuePage:
    rows: list[QueueRow]
    page: Page[Any]
    counts: dict[str, int] = field(default_factory=dict)  # per kind, under all filters but the kind

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def kind_counts(self) -> list[tuple[ListingType, int]]:
        """(kind, waiting records) for the kinds that have any, in the catalogue's order."""
        return [(LISTING_TYPES[key], n) for key, n in self.counts.items() if n]


def _submitted_at(model: Any) -> Any:
    """When the record last entered its submitted state (its newest event), else its last change."""
    events = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        to_status=model.WORKFLOW.submitted,
    ).order_by("-created_at", "-id")
    return Coalesce(Subquery(events.values("created_at")[:1]), F("updated_at"))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def submitted_queryset(listing_type: ListingType, filters: QueueFilters) -> QuerySet[Any]:
    """Submitted records of one kind under ``filters``, annotated with ``submitted_at``."""
    model = listing_type.model
    qs = model._default_manager.filter(status=model.WORKFLOW.submitted)
    if filters.city is not None:
        qs = qs.filter(city=filters.city)
    if filters.source:
        qs = qs.filter(source=filters.source)
    text = " ".join(filters.q.split())
    if text:
        if listing_type.key == "organisation":
            qs = qs.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        else:
            qs = qs.filter(title__icontains=text)
    qs = qs.annotate(submitted_at=_submitted_at(model))
    if filters.submitted_from:
        qs = qs.filter(submitted_at__gte=_start_of(filters.submitted_from))
    if filters.submitted_to:
        qs = qs.filter(submitted_at__lt=_start_of(filters.submitted_to + dt.timedelta(days=1)))
    return qs


def _related(listing_type: ListingType) -> list[str]:
    names = {f.name for f in listing_type.model._meta.get_fields()}
    return [n for n in ("city", "owner") if n in names]


def verification_queue(
    *, filters: QueueFilters, page: int | str = 1, per_page: int = 50, now: dt.datetime | None = None
) -> QueuePage:
    """Submitted records of every kind (organisations and the catalogue's listings), oldest waiting
    first, one page of them loaded with their city and owner.

    The caller has scoped ``filters.city`` with ``queue_city``. One light query per kind finds the
    keys and dates; the page's records are then read with one query per kind on the page.
    """
    now = now or timezone.now()
    entries: list[tuple[dt.datetime, tuple[int, int], str, int]] = []
    counts: dict[str, int] = {}
    for key, listing_type in LISTING_TYPES.items():
        found = list(submitted_queryset(listing_type, filters).values_list("pk", "submitted_at"))
        counts[key] = len(found)
        if filters.kind and filters.kind != key:
            continue
        entries.extend((submitted_at, KIND_ORDER[key], key, pk) for pk, submitted_at in found)
    entries.sort()
    paginator = Paginator(entries, per_page)
    page_obj = paginator.get_page(page)
    wanted: dict[str, list[int]] = {}
    for _submitted, _order, key, pk in page_obj.object_list:
        wanted.setdefault(key, []).append(pk)
    loaded: dict[tuple[str, int], Any] = {}
    for key, pks in wanted.items():
        listing_type = LISTING_TYPES[key]
        records = listing_type.model._default_manager.filter(pk__in=pks).select_related(
            *_related(listing_type)
        )
        if hasattr(listing_type.model, "diagnosis_data"):
            records = records.prefetch_related("fields")  # the diagnosis reads the field tags
        loaded.update(((key, r.pk), r) for r in records)
    rows = [
        QueueRow(LISTING_TYPES[key], loaded[(key, pk)], submitted_at, now)
        for submitted_at, _order, key, pk in page_obj.object_list
        if (key, pk) in loaded
    ]
    return QueuePage(rows=rows, page=page_obj, counts=counts)


# -- writes ---------------------------------------------------------------------------------------


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)  # names of the records that changed
    failures: list[tuple[str, str]] = field(default_factory=list)  # (name, message)


def parse_keys(keys: Iterable[str]) -> tuple[list[tuple[str, int]], list[str]]:
    """("policy:12", …) → ([("policy", 12)], [malformed keys]), organisations first, without repeats."""
    parsed: set[tuple[str, int]] = set()
    bad: list[str] = []
    for raw in keys:
        type_key, _sep, pk = str(raw).partition(":")
        if type_key in LISTING_TYPES and pk.isdigit():
            parsed.add((type_key, int(pk)))
        else:
            bad.append(str(raw))
    return sorted(parsed, key=lambda k: (KIND_ORDER[k[0]], k[1])), bad


def _load(actor: Any, type_key: str, pk: int) -> Any:
    listing_type = LISTING_TYPES[type_key]
    record = listing_type.model._default_manager.select_related(*_related(listing_type)).filter(pk=pk).first()
    if record is None or not roles.can_administer_city(actor, record.city_id):
        return None
    return record


def _apply(actor: Any, keys: Iterable[str], run: Any) -> BulkOutcome:
    outcome = BulkOutcome()
    parsed, bad = parse_keys(keys)
    for raw in bad:
        outcome.failures.append((raw, _("无法识别的记录。")))
    for type_key, pk in parsed:
        record = _load(actor, type_key, pk)
        if record is None:
            outcome.failures.append(
                (
                    f"{LISTING_TYPES[type_key].model._meta.verbose_name} #{pk}",
                    _("记录不存在，或不属于您管理的城市。"),
                )
            )
            continue
        try:
            with transaction.atomic():  # the change and its notification together, per record
                run(type_key, record)
        except ApplicationError as exc:
            outcome.failures.append((str(record), str(exc.message)))
        else:
            outcome.done.append(str(record))
    return outcome


def queue_verify(*, actor: Any, keys: Iterable[str], note: str = "") -> BulkOutcome:
    """核验通过 for each selected record ("type_key:pk"), each on its own; the owner is notified (by
    ``services.listing_verify``)."""

    def run(type_key: str, record: Any) -> None:
        services.listing_verify(actor=actor, record=record, note=note.strip())

    return _apply(actor, keys, run)


def queue_reject(*, actor: Any, keys: Iterable[str], reason: str) -> BulkOutcome:
    """退回 each selected record with one reason (required: nothing happens without it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("退回时必须填写理由，说明需要修改什么。"), ErrorCode.REASON_REQUIRED)

    def run(type_key: str, record: Any) -> None:
        services.listing_reject(actor=actor, record=record, reason=reason)

    return _apply(actor, keys, run)
