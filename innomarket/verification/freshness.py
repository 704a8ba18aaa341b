"""Freshness (信息时效): every public record is re-confirmed within its kind's validity, or it expires.

A record's *confirmation date* is its ``last_verified_at``, else its ``published_at``, else its
``created_at`` (a record made public without either, e.g. by an old import, still ages). A public
record whose confirmation date is more than its kind's days (``INNOMARKET_FRESHNESS["KINDS"]``,
else ``DEFAULT_DAYS``; ``0`` or ``None`` = never expires) in the past expires through
``services.listing_expire``; ``REMIND_BEFORE_DAYS`` before that, the owner organisation's members
(and the record's creator) are reminded once to re-confirm it. The reminder is the notification row
itself (kind ``listing_reconfirm`` about the record): a reminder newer than the confirmation date
means it was already sent for this period. Re-confirming is the owner re-submitting the record (the
ordinary edit/submit flow) or a city administrator verifying it again: either moves the
confirmation date forward and starts a new period.

``refresh_listings`` is run daily (``manage.py refresh_listings`` or ``tasks.refresh_listings_task``);
every function takes ``now`` so tests can travel in time.

The share verified (核验占比) is, per city, the public records (organisations included) whose
``last_verified_at`` falls within the last ``SHARE_WINDOW_DAYS`` days, over all public records.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.common.exceptions import ApplicationError

from . import services
from .models import Verifiable

logger = logging.getLogger(__name__)

REMINDER_KIND = "listing_reconfirm"
EXPIRED_KIND = "listing_expired"
# Stored in the source language like the other reasons the system writes (see models.SYSTEM_REASONS).
EXPIRY_REASON = "超过有效期未重新确认"

_DEFAULTS: dict[str, Any] = {
    "DEFAULT_DAYS": 365,
    "KINDS": {},
    "REMIND_BEFORE_DAYS": 30,
    "SHARE_WINDOW_DAYS": 180,
}


# -- configuration ------------------------------------------------------------------------------


def _config() -> dict[str, Any]:
    return {**_DEFAULTS, **getattr(settings, "INNOMARKET_FRESHNESS", {})}


def validity_days(type_key: str) -> int | None:
    """Days a record of this kind stays public after its confirmation date; ``None``: forever."""
    config = _config()
    days = config["KINDS"].get(type_key, config["DEFAULT_DAYS"])
    return int(days) if days else None


def remind_before_days() -> int:
    return int(_config()["REMIND_BEFORE_DAYS"])


def share_window_days() -> int:
    return int(_config()["SHARE_WINDOW_DAYS"])


# -- the confirmation date ----------------------------------------------------------------------


def _field_names(model: type[Verifiable]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def confirmation_expression(model: type[Verifiable]) -> Any:
    """SQL for the record's confirmation date: last verified, else published, else created."""
    names = [n for n in ("last_verified_at", "published_at", "created_at") if n in _field_names(model)]
    return Coalesce(*[F(n) for n in names])


def confirmation_date(record: Any) -> dt.datetime:
    """The same as ``confirmation_expression``, for a loaded record."""
    return (
        getattr(record, "last_verified_at", None)
        or getattr(record, "published_at", None)
        or record.created_at
    )


def expires_at(record: Any, type_key: str) -> dt.datetime | None:
    days = validity_days(type_key)
    return None if days is None else confirmation_date(record) + dt.timedelta(days=days)


def expirable_statuses(model: type[Verifiable]) -> list[str]:
    """Public states the workflow lets expire (a challenge under evaluation or in progress does not)."""
    workflow = model.WORKFLOW
    return sorted(s for s in workflow.public if workflow.allows(s, workflow.expired))


def _aging(listing_type: ListingType) -> QuerySet[Any]:
    model = listing_type.model
    return model._default_manager.filter(status__in=expirable_statuses(model)).annotate(
        confirmed_at=confirmation_expression(model)
    )


def due_for_expiry(type_key: str, *, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Expirable public records of one kind whose validity has ended at ``now``, in primary-key order."""
    listing_type = LISTING_TYPES[type_key]
    days = validity_days(type_key)
    if days is None:
        return listing_type.model._default_manager.none()
    now = now or timezone.now()
    return _aging(listing_type).filter(confirmed_at__lte=now - dt.timedelta(days=days)).order_by("pk")


def due_for_reminder(type_key: str, *, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Records of one kind that expire within ``REMIND_BEFORE_DAYS`` of ``now`` (not yet expired)."""
    listing_type = LISTING_TYPES[type_key]
    days = validity_days(type_key)
    if days is None:
        return listing_type.model._default_manager.none()
    now = now or timezone.now()
    return (
        _aging(listing_type)
        .filter(
            confirmed_at__gt=now - dt.timedelta(days=days),
            confirmed_at__lte=now - dt.timedelta(days=days) + dt.timedelta(days=remind_before_days()),
        )
        .order_by("pk")
    )


def _already_reminded(model: type[Verifiable], records: list[Any]) -> set[int]:
    """Primary keys of ``records`` reminded since their confirmation date (the reminder is the row)."""
    from innomarket.notifications.models import Notification

    if not records:
        return set()
    latest = dict(
        Notification.objects.filter(
            kind=REMINDER_KIND,
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[r.pk for r in records],
        )
        .order_by()
        .values("object_id")
        .annotate(last=Max("created_at"))
        .values_list("object_id", "last")
    )
    return {r.pk for r in records if r.pk in latest and latest[r.pk] >= r.confirmed_at}


# -- who hears about it ---------------------------------------------------------------------------


def owner_people(record: Any) -> list[Any]:
    """The people responsible for a record: its owner organisation's members and its creator."""
    from innomarket.notifications.recipients import organisation_members

    people: list[Any] = []
    org_id = services.owning_organisation_id(record)
    if org_id is not None:
        people.extend(organisation_members(org_id))
    creator = getattr(record, "created_by", None)
    if creator is not None:
        people.append(creator)
    return people


def workspace_url(type_key: str, record: Any) -> str:
    """Where the owner edits or re-submits the record."""
    try:
        if type_key == "organisation":
            return reverse("site:workspace-org", kwargs={"org_pk": record.pk})
        return reverse("site:workspace-listing", kwargs={"type_key": type_key, "pk": record.pk})
    except NoReverseMatch:
        return ""


def kind_label(record: Any) -> str:
    return str(record._meta.verbose_name)


def _remind(type_key: str, record: Any, deadline: dt.datetime) -> bool:
    from innomarket.notifications.services import notify

    with translation.override(settings.LANGUAGE_CODE):
        sent = notify(
            recipients=owner_people(record),
            kind=REMINDER_KIND,
            title=_("请重新确认%(kind)s“%(name)s”") % {"kind": kind_label(record), "name": record},
            body=_(
                "这条信息将于 %(date)s 超过有效期。请确认内容是否仍然准确：修改后保存或重新提交核验，"
                "经城市管理员核验后继续公开；逾期未确认将自动标记为“已过期”，不再公开展示。"
            )
            % {"date": timezone.localtime(deadline).date().isoformat()},
            url=workspace_url(type_key, record),
            about=record,
        )
    return bool(sent)


def _expire(type_key: str, record: Any, now: dt.datetime) -> bool:
    """Expire one record in its own transaction, re-checked under the row lock (a city administrator
    may have verified it again since it was selected). Returns whether it expired."""
    from innomarket.notifications.services import notify

    days = validity_days(type_key)
    with transaction.atomic():
        current = services.lock(record)
        if days is None or current.status not in expirable_statuses(type(current)):
            return False
        if confirmation_date(current) > now - dt.timedelta(days=days):
            return False
        current = services.listing_expire(record=current, actor=None, reason=EXPIRY_REASON)
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                recipients=owner_people(current),
                kind=EXPIRED_KIND,
                title=_("%(kind)s“%(name)s”已过期") % {"kind": kind_label(current), "name": current},
                body=_("这条信息超过有效期未重新确认，已不再公开展示。修改后重新提交核验即可恢复。"),
                url=workspace_url(type_key, current),
                about=current,
            )
    return True


# -- the daily run ------------------------------------------------------------------------------


@dataclass
class FreshnessReport:
    now: dt.datetime
    dry_run: bool = False
    expired: Counter[str] = field(default_factory=Counter)
    reminded: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def expired_total(self) -> int:
        return sum(self.expired.values())

    @property
    def reminded_total(self) -> int:
        return sum(self.reminded.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "expired": dict(self.expired),
            "reminded": dict(self.reminded),
            "failures": list(self.failures),
        }


def refresh_listings(
    *, now: dt.datetime | None = None, dry_run: bool = False, type_keys: Iterable[str] | None = None
) -> FreshnessReport:
    """Expire what has outlived its validity and remind the owners of what soon will.

    Each record expires in its own transaction through ``services.listing_expire`` (actor ``None``,
    reason ``EXPIRY_REASON``), so the status event, the search index and the owner's notification
    follow as for any other change; a failure is logged, reported and does not stop the others.
    A reminder goes out once per confirmation period. With ``dry_run`` nothing is written and the
    report counts what would happen.
    """
    now = now or timezone.now()
    report = FreshnessReport(now=now, dry_run=dry_run)
    for type_key in type_keys or LISTING_TYPES:
        listing_type = LISTING_TYPES[type_key]
        # Read first, then write: each expiry commits on its own while the list stays stable.
        for record in list(due_for_expiry(type_key, now=now).select_related("city")):
            if dry_run:
                report.expired[type_key] += 1
                continue
            try:
                if _expire(type_key, record, now):
                    report.expired[type_key] += 1
            except ApplicationError as exc:
                logger.warning("freshness: %s:%s not expired: %s", type_key, record.pk, exc)
                report.failures.append(
                    _("%(kind)s“%(name)s”：%(message)s")
                    % {"kind": kind_label(record), "name": record, "message": exc.message}
                )
        days = validity_days(type_key)
        candidates = list(due_for_reminder(type_key, now=now))
        done = _already_reminded(listing_type.model, candidates)
        for record in candidates:
            if record.pk in done:
                continue
            deadline = record.confirmed_at + dt.timedelta(days=days or 0)
            if dry_run or _remind(type_key, record, deadline):
                report.reminded[type_key] += 1
    return report


# -- share verified and expired records, per city ------------------------------------------------


@dataclass(frozen=True)
class CityFreshness:
    city_id: int | None  # None: every city together
    verified_recently: int = 0
    total_public: int = 0
    expired: int = 0
    expiring_soon: int = 0  # public, within REMIND_BEFORE_DAYS of expiring

    @property
    def share(self) -> float:
        return self.verified_recently / self.total_public if self.total_public else 0.0

    @property
    def share_percent(self) -> int | None:
        return round(self.share * 100) if self.total_public else None

    def __add__(self, other: CityFreshness) -> CityFreshness:
        return CityFreshness(
            city_id=self.city_id if self.city_id == other.city_id else None,
            verified_recently=self.verified_recently + other.verified_recently,
            total_public=self.total_public + other.total_public,
            expired=self.expired + other.expired,
            expiring_soon=self.expiring_soon + other.expiring_soon,
        )


def freshness_by_city(
    *,
    city_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    window_days: int | None = None,
) -> dict[int, CityFreshness]:
    """Per city: public records verified within ``window_days``, public records, expired records and
    records soon to expire, over every listing kind and organisations. One grouped query per kind."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=window_days if window_days is not None else share_window_days())
    wanted = None if city_ids is None else list(city_ids)
    totals: dict[int, CityFreshness] = {}
    for type_key, listing_type in LISTING_TYPES.items():
        model = listing_type.model
        workflow = model.WORKFLOW
        public = Q(status__in=workflow.public)
        days = validity_days(type_key)
        soon = Q(pk__in=[])
        if days is not None:
            soon = Q(status__in=expirable_statuses(model)) & Q(
                confirmed_at__lte=now - dt.timedelta(days=days - remind_before_days())
            )
        qs = model._default_manager.filter(public | Q(status=workflow.expired))
        if wanted is not None:
            qs = qs.filter(city_id__in=wanted)
        rows = (
            qs.annotate(confirmed_at=confirmation_expression(model))
            .order_by()
            .values("city_id")
            .annotate(
                total=Count("pk", filter=public),
                verified=Count("pk", filter=public & Q(last_verified_at__gte=since)),
                expired=Count("pk", filter=Q(status=workflow.expired)),
                soon=Count("pk", filter=soon),
            )
        )
        for row in rows:
            part = CityFreshness(row["city_id"], row["verified"], row["total"], row["expired"], row["soon"])
            previous = totals.get(row["city_id"])
            totals[row["city_id"]] = part if previous is None else previous + part
    if wanted is not None:
        for city_id in wanted:
            totals.setdefault(city_id, CityFreshness(city_id))
    return totals


def verified_share(
    city: Any = None, *, now: dt.datetime | None = None, window_days: int | None = None
) -> tuple[int, int, float]:
    """(public records verified within ``window_days``, public records, their share 0..1) of one city,
    or of every city when ``city`` is ``None``; organisations count as records. The share of no
    records is 0.0. ``window_days`` defaults to ``INNOMARKET_FRESHNESS["SHARE_WINDOW_DAYS"]``."""
    rows = freshness_by_city(city_ids=None if city is None else [city.pk], now=now, window_days=window_days)
    summary = sum(rows.values(), CityFreshness(None))
    return summary.verified_recently, summary.total_public, summary.share


@dataclass(frozen=True)
class ExpiredRecord:
    listing_type: ListingType
    record: Any

    @property
    def kind_name(self) -> str:
        return kind_label(self.record)

    @property
    def admin_url(self) -> str:
        opts = self.record._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.record.pk])
        except NoReverseMatch:
            return ""


def expired_records(*, city: Any, limit: int = 50) -> list[ExpiredRecord]:
    """The city's expired records of every kind, most recently changed first (for its administrators)."""
    found: list[ExpiredRecord] = []
    for listing_type in LISTING_TYPES.values():
        model = listing_type.model
        qs = model._default_manager.filter(city=city, status=model.WORKFLOW.expired).order_by(
            "-updated_at", "-pk"
        )
        found.extend(ExpiredRecord(listing_type, r) for r in qs[:limit])
    found.sort(key=lambda e: e.record.updated_at, reverse=True)
    return found[:limit]
