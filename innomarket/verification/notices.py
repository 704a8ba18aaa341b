"""Who hears about verification (数据核验), and what they read. Writes through ``notifications.notify``.

- ``decision_notify``: a city administrator verified (核验通过) or returned (退回) a record. Called by
  ``services.listing_verify`` and ``services.listing_reject`` only, so every path that decides — the
  record's page in the back office, the admin list actions, the verification queue's batch actions —
  tells the owner organisation's members, the record's creator, the person who submitted it and, for
  an organisation, the person who registered it; never the deciding administrator. Challenges tell
  their owners themselves (``challenges.services.on_status_changed``: 榜单已发布 / 被退回).
- ``queue_arrival``: a record entered its city's verification queue (status "submitted"), from any
  path: ``services.transition`` calls it for every submission, and the services that create records
  already submitted (机构登记, the harvester) call it themselves. The city's administrators are told
  at once, one notification per record.
- ``queue_batch``: inside it, arrivals are collected instead, and when the batch ends without an
  error each city's administrators get one summary (batch imports, harvests), counted by kind. Bulk
  writers that create rows without model instances report them with ``QueueBatch.add_counts``.

Text is built in the site's language (``settings.LANGUAGE_CODE``), as ``notify`` asks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES, ListingType, listing_type_for_model

from .models import StatusEvent

VERIFIED_KIND = "listing_verified"
REJECTED_KIND = "listing_rejected"
QUEUED_KIND = "verification_queued"
QUEUED_BATCH_KIND = "verification_queued_batch"

# Kinds whose own app tells the owner about verification (揭榜挂帅 sends 榜单已发布 / 被退回 from its
# ``status_changed`` receiver, on every path); they are not told a second time.
SELF_NOTIFYING_MODELS = frozenset({"challenges.Challenge"})

_PK_CHUNK = 500  # ids per query when a batch re-reads what it collected (SQLite's variable limit)


# -- helpers ----------------------------------------------------------------------------------------


def queue_kind(record: Any) -> ListingType | None:
    """The verification queue's kind of ``record`` (organisations and the catalogue's listings);
    ``None`` for anything else that has a workflow (bids, applications …)."""
    return listing_type_for_model(type(record))


def _admin_change_url(record: Any) -> str:
    opts = record._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""


def _queue_url(**query: str) -> str:
    try:
        url = reverse("admin:verification-queue")
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(query)}" if query else url


def _public_url(listing_type: ListingType, record: Any) -> str:
    try:
        return reverse(listing_type.detail_url, args=[record.pk])
    except NoReverseMatch:
        return ""


def _workspace_url(listing_type: ListingType, record: Any) -> str:
    from .freshness import workspace_url

    return workspace_url(listing_type.key, record)


def _city_admins_but(city_id: int, actor: Any) -> Any:
    """The city's administrators without ``actor`` (who knows what they just did)."""
    from innomarket.notifications.recipients import city_admins

    admins = city_admins(city_id)
    actor_pk = getattr(actor, "pk", None)
    return admins if actor_pk is None else admins.exclude(pk=actor_pk)


def _kind_label(record: Any) -> str:
    return str(record._meta.verbose_name)


def _last_submitter(record: Any) -> Any:
    """Who last sent the record to verification (the actor of its newest "→ submitted" event)."""
    event = (
        StatusEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            to_status=type(record).WORKFLOW.submitted,
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event is not None else None


def _registrant(record: Any) -> Any:
    """Who registered an organisation through the site (the actor of its first event), else ``None``."""
    from innomarket.organisations.models import Organisation

    from .models import Source

    if not isinstance(record, Organisation) or record.source != Source.FORM:
        return None
    event = (
        StatusEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation),
            object_id=record.pk,
            from_status="",
            actor__isnull=False,
        )
        .select_related("actor")
        .order_by("created_at", "id")
        .first()
    )
    return event.actor if event is not None else None


def decision_recipients(record: Any, actor: Any) -> list[Any]:
    """Everyone who should hear of a decision on ``record``, without the deciding ``actor``."""
    from .freshness import owner_people

    people = [*owner_people(record), _last_submitter(record), _registrant(record)]
    actor_pk = getattr(actor, "pk", None)
    return [p for p in people if p is not None and p.pk != actor_pk]


# -- decisions --------------------------------------------------------------------------------------


def decision_notify(*, record: Any, actor: Any, verified: bool, reason: str = "") -> None:
    """Tell the people behind ``record`` that ``actor`` verified it, or returned it with ``reason``.

    Called inside the deciding service's transaction (after the status changed)."""
    from innomarket.notifications.services import notify

    listing_type = queue_kind(record)
    if listing_type is None or type(record)._meta.label in SELF_NOTIFYING_MODELS:
        return
    is_organisation = listing_type.key == "organisation"
    values = {"kind": _kind_label(record), "name": record, "city": record.city, "reason": reason}
    with translation.override(settings.LANGUAGE_CODE):
        if verified:
            notify(
                recipients=decision_recipients(record, actor),
                kind=VERIFIED_KIND,
                title=_("%(kind)s“%(name)s”已核验通过") % values,
                body=(
                    _(
                        "%(city)s管理员已核验贵机构的登记信息，机构主页现已公开。现在可以以机构名义发布信息、参与揭榜。"
                    )
                    if is_organisation
                    else _("%(city)s管理员已核验您提交的信息，现已公开展示。")
                )
                % values,
                url=_public_url(listing_type, record),
                about=record,
            )
        else:
            notify(
                recipients=decision_recipients(record, actor),
                kind=REJECTED_KIND,
                title=_("%(kind)s“%(name)s”被退回：%(reason)s") % values,
                body=_("退回理由：%(reason)s\n请按理由修改后重新提交核验。") % values,
                url=_workspace_url(listing_type, record),
                about=record,
            )


# -- arrivals in the queue --------------------------------------------------------------------------


@dataclass
class QueueBatch:
    """Arrivals collected by ``queue_batch``: records by kind (re-read when the batch ends, so a row
    whose savepoint was rolled back is not counted) and counts reported in bulk."""

    description: str
    actor: Any = None
    source: str = ""
    records: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    counts: Counter[tuple[int, str]] = field(default_factory=Counter)  # (city id, kind) → records

    def add(self, listing_type: ListingType, record: Any) -> None:
        self.records[listing_type.key].add(record.pk)

    def add_counts(self, type_key: str, per_city: dict[int, int]) -> None:
        """Records written in bulk: ``per_city`` maps a city id to how many entered its queue."""
        for city_id, n in per_city.items():
            self.counts[(city_id, type_key)] += n

    def _waiting(self) -> Counter[tuple[int, str]]:
        waiting = Counter(self.counts)
        for type_key, pks in self.records.items():
            model = LISTING_TYPES[type_key].model
            ordered = sorted(pks)
            for start in range(0, len(ordered), _PK_CHUNK):
                rows = (
                    model._default_manager.filter(
                        pk__in=ordered[start : start + _PK_CHUNK], status=model.WORKFLOW.submitted
                    )
                    .order_by()
                    .values("city_id")
                    .annotate(n=Count("pk"))
                )
                for row in rows:
                    waiting[(row["city_id"], type_key)] += row["n"]
        return waiting

    def send(self) -> None:
        """One summary per city with arrivals, to that city's administrators."""
        from innomarket.notifications.services import notify

        by_city: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for (city_id, type_key), n in sorted(self._waiting().items()):
            if n:
                by_city[city_id].append((type_key, n))
        with translation.override(settings.LANGUAGE_CODE):
            for city_id, kinds in by_city.items():
                total = sum(n for _key, n in kinds)
                parts = "、".join(
                    _("%(kind)s %(n)d 条") % {"kind": LISTING_TYPES[key].model._meta.verbose_name, "n": n}
                    for key, n in kinds
                )
                notify(
                    recipients=_city_admins_but(city_id, self.actor),
                    kind=QUEUED_BATCH_KIND,
                    title=_("%(what)s：%(n)d 条记录待核验") % {"what": self.description, "n": total},
                    body=_(
                        "%(what)s新增或更新的 %(n)d 条记录已进入本市核验队列：%(parts)s。请在核验队列中逐条或批量核验。"
                    )
                    % {"what": self.description, "n": total, "parts": parts},
                    url=_queue_url(source=self.source),
                )


_current_batch: ContextVar[QueueBatch | None] = ContextVar("verification_queue_batch", default=None)


@contextmanager
def queue_batch(*, description: str, actor: Any = None, source: str = "") -> Iterator[QueueBatch]:
    """Collect the arrivals in the verification queue made inside the block and, if the block ends
    without an error, send each city's administrators one summary (``description`` names the batch:
    "批量导入“政策.xlsx”"). Inside an enclosing batch, the arrivals join that one. Run it inside the
    batch's transaction, so that the summary is written (and mailed on commit) with the records."""
    outer = _current_batch.get()
    if outer is not None:
        yield outer
        return
    batch = QueueBatch(description=description, actor=actor, source=source)
    token = _current_batch.set(batch)
    try:
        yield batch
    finally:
        _current_batch.reset(token)
    batch.send()


def queue_arrival(*, record: Any, actor: Any = None) -> None:
    """``record`` has just entered its city's verification queue: tell the city's administrators
    (not ``actor``), or add it to the enclosing ``queue_batch``. Anything that is not a kind of the
    queue is ignored."""
    from innomarket.notifications.services import notify

    listing_type = queue_kind(record)
    if listing_type is None:
        return
    batch = _current_batch.get()
    if batch is not None:
        batch.add(listing_type, record)
        return
    owner = getattr(record, "owner", None)
    values = {"kind": _kind_label(record), "name": record, "owner": owner or "", "city": record.city}
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=_city_admins_but(record.city_id, actor),
            kind=QUEUED_KIND,
            title=_("待核验：%(kind)s“%(name)s”") % values,
            body=(
                _("“%(owner)s”提交的%(kind)s“%(name)s”已进入%(city)s核验队列，请核验后发布或说明理由退回。")
                if owner
                else _("%(kind)s“%(name)s”已进入%(city)s核验队列，请核验后发布或说明理由退回。")
            )
            % values,
            url=_admin_change_url(record) or _queue_url(),
            about=record,
        )
