"""The harvester: pull a member city's feed into that city's verification queue.

A run is a ``HarvestRun`` from start to end: ``harvest`` refuses to start while another run of the
same feed is queued or running (``HarvestBusy``; the database refuses a second active row too), marks
runs whose process died as interrupted first (``reap_interrupted_runs``), beats a heartbeat after each
page, and writes the counts (read, created, updated, taken down, unchanged, errors) at the end.
``harvest_request`` is the back office's 立即采集: it queues a run for the worker.

``harvest(feed)`` fetches every page first (following ``next``), checks each envelope, and only then
writes, in one transaction: a source that times out, fails or sends something malformed leaves no
record half-written, only a clear message on the feed (``Feed.last_result``) and a ``HarvestRun``.
Inside a good page, a malformed item is counted and reported and the others still go in.

Records are idempotent by ``(feed, external id)`` (``HarvestedItem``): a new id creates a record with
status "submitted", source "feed"; a known id whose content hash changed updates the record and sends
it back to verification; an unchanged one is left alone. A deletion marker (``deleted``) archives the
local copy (or returns it, when it was still waiting for verification). The sample flag travels.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.backoffice.models import Feed
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.models import Source
from innomarket.verification.notices import queue_arrival, queue_batch
from innomarket.verification.services import record_event, transition

from . import client
from .models import HarvestedItem, HarvestRun
from .schema import FEED_VERSION, MAX_LIMIT, content_hash, data_to_values, kind_for_target, listing_type
from .selectors import due_feeds, last_high_water_mark

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "TIMEOUT": 10.0,  # seconds per request, in total (connect and read)
    "ATTEMPTS": 3,  # tries per page, the first included
    "BACKOFF": 1.0,  # seconds before the first retry, doubled before each next one
    "MAX_BYTES": 20 * 1024 * 1024,  # per page
    "MAX_PAGES": 1000,
    "PAGE_LIMIT": MAX_LIMIT,  # the limit asked for when the feed's address names none
    "USER_AGENT": "innomarket-harvester/1",
    # A run silent this long (no heartbeat, or queued and never started) is taken as interrupted, for
    # processes on another host; on this host a dead process id says so at once.
    "STALE_MINUTES": 30,
}
MAX_REPORTED_ERRORS = 50  # item errors kept on the run; the feed's message shows the first few
SHOWN_ERRORS = 3


def harvest_settings() -> dict[str, Any]:
    """``settings.INNOMARKET_FEEDS`` over the defaults above."""
    return {**DEFAULTS, **getattr(settings, "INNOMARKET_FEEDS", {})}


class HarvestBusy(ApplicationError):
    """Another run of the feed is queued or running."""

    def __init__(self, run: HarvestRun):
        super().__init__(
            _("数据源“%(feed)s”正在采集（%(status)s，%(since)s 开始），请等这次结束后再试。")
            % {
                "feed": run.feed.name,
                "status": run.get_status_display(),
                "since": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="harvest_in_progress",
            extra={"run_id": run.pk},
        )
        self.run = run


class HarvestError(Exception):
    """The run cannot go on; ``message`` goes into ``Feed.last_result`` after “失败：”."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class HarvestResult:
    feed_id: int
    ok: bool = False
    fetched: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: int = 0
    busy: bool = False  # not run: another run of the feed was active
    item_errors: list[str] = field(default_factory=list)
    error: str = ""
    pages: int = 0
    attempts: int = 0
    retries: int = 0
    since: dt.datetime | None = None
    high_water_mark: dt.datetime | None = None
    run_id: int | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("since", "high_water_mark"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class _Item:
    page: int
    index: int
    raw: Any
    deleted: bool = False  # a deletion marker of the envelope's ``deleted`` list


# --------------------------------------------------------------------------- fetching


def _with_params(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        query.setdefault(key, value)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme.lower(), pa.netloc.lower()) == (pb.scheme.lower(), pb.netloc.lower())


def _check_envelope(body: Any, *, page: int, kind: str) -> None:
    where = _("第 %(page)d 页") % {"page": page}
    if not isinstance(body, dict):
        raise HarvestError(
            _("%(where)s：数据应为 JSON 对象，收到的是 %(type)s")
            % {"where": where, "type": type(body).__name__}
        )
    version = body.get("version")
    if str(version) != FEED_VERSION or not isinstance(version, str):
        raise HarvestError(
            _("%(where)s：不支持的数据格式版本“%(version)s”，本站只支持版本 %(supported)s")
            % {"where": where, "version": version, "supported": FEED_VERSION}
        )
    if body.get("kind") != kind:
        raise HarvestError(
            _("%(where)s：数据类型不符，数据源设置为“%(expected)s”，收到“%(got)s”")
            % {"where": where, "expected": kind, "got": body.get("kind")}
        )
    if not isinstance(body.get("items"), list):
        raise HarvestError(_("%(where)s：缺少 items 列表") % {"where": where})
    if body.get("next") is not None and not isinstance(body.get("next"), str):
        raise HarvestError(_("%(where)s：next 应为地址或 null") % {"where": where})
    if body.get("deleted") is not None and not isinstance(body.get("deleted"), list):
        raise HarvestError(_("%(where)s：deleted 应为删除标记的列表") % {"where": where})


def _fetch_all(
    feed: Feed,
    *,
    kind: str,
    since: dt.datetime | None,
    options: dict[str, Any],
    result: HarvestResult,
    sleep: Callable[[float], None],
    heartbeat: Callable[[], None] = lambda: None,
) -> list[_Item]:
    params = {"limit": str(options["PAGE_LIMIT"])}
    if since is not None:
        params["since"] = since.isoformat()
    url: str | None = _with_params(feed.url, params)
    stats = client.FetchStats()
    opener = client.build_opener()
    seen: set[str] = set()
    items: list[_Item] = []
    try:
        while url is not None:
            if url in seen:
                raise HarvestError(
                    _("第 %(page)d 页：next 指回已读过的页面，已停止") % {"page": result.pages + 1}
                )
            if len(seen) >= options["MAX_PAGES"]:
                raise HarvestError(_("页数超过 %(n)d 页的上限，已停止") % {"n": options["MAX_PAGES"]})
            seen.add(url)
            page_no = result.pages + 1
            try:
                raw = client.fetch(
                    url,
                    timeout=float(options["TIMEOUT"]),
                    attempts=int(options["ATTEMPTS"]),
                    backoff=float(options["BACKOFF"]),
                    max_bytes=int(options["MAX_BYTES"]),
                    user_agent=options["USER_AGENT"],
                    stats=stats,
                    sleep=sleep,
                    opener=opener,
                )
            except client.FetchError as exc:
                raise HarvestError(
                    _("第 %(page)d 页：%(reason)s") % {"page": page_no, "reason": exc.message}
                ) from exc
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                detail = (
                    _("第 %(line)d 行第 %(col)d 列：%(msg)s")
                    % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
                    if isinstance(exc, json.JSONDecodeError)
                    else str(exc)
                )
                raise HarvestError(
                    _("第 %(page)d 页不是有效的 JSON（%(detail)s）：%(url)s")
                    % {"page": page_no, "detail": detail, "url": url}
                ) from exc
            _check_envelope(body, page=page_no, kind=kind)
            result.pages = page_no
            items.extend(_Item(page_no, i, raw_item) for i, raw_item in enumerate(body["items"], start=1))
            start = len(body["items"]) + 1
            items.extend(
                _Item(page_no, i, marker, deleted=True)
                for i, marker in enumerate(body.get("deleted") or [], start=start)
            )
            heartbeat()
            next_url = body.get("next")
            if next_url:
                next_url = urljoin(url, next_url)
                if not _same_origin(next_url, feed.url):
                    raise HarvestError(
                        _("第 %(page)d 页：next 地址“%(url)s”与数据源不同源，已拒绝")
                        % {"page": page_no, "url": next_url}
                    )
            url = next_url or None
    finally:
        result.attempts, result.retries = stats.attempts, stats.retries
    return items


# --------------------------------------------------------------------------- writing


class _ItemError(Exception):
    pass


def _join(messages: list[str]) -> str:
    return "；".join(m.rstrip("。.") for m in messages)


def _describe(exc: ValidationError, model: Any) -> str:
    if not hasattr(exc, "error_dict"):
        return _join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = name
        messages = _join(errors)
        parts.append(
            _("字段“%(label)s”（%(name)s）：%(msg)s") % {"label": label, "name": name, "msg": messages}
        )
    return "；".join(parts)


def _external_id(raw: Any) -> str:
    if not isinstance(raw, dict):
        raise _ItemError(_("条目应为 JSON 对象"))
    ext_id = raw.get("id")
    if not isinstance(ext_id, str) or not ext_id.strip() or len(ext_id) > 200:
        raise _ItemError(_("缺少 id，或 id 不是 1–200 个字符的字符串"))
    return ext_id.strip()


def _aware_time(raw: dict[str, Any], key: str) -> dt.datetime:
    try:
        value = parse_datetime(raw[key]) if isinstance(raw.get(key), str) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise _ItemError(
            _("%(key)s 应为带时区的 ISO 8601 时间，收到“%(v)s”") % {"key": key, "v": raw.get(key)}
        )
    return value


def _parse_item(
    raw: Any, model: Any, kind: str
) -> tuple[str, dt.datetime, dict[str, Any], dict[str, Any], list[FieldTag]]:
    ext_id = _external_id(raw)
    updated_at = _aware_time(raw, "updated_at")
    is_sample = raw.get("is_sample", False)
    if not isinstance(is_sample, bool):
        raise _ItemError(_("is_sample 应为 true 或 false，收到“%(v)s”") % {"v": is_sample})
    data = raw.get("data")
    if not isinstance(data, dict):
        raise _ItemError(_("缺少 data 对象"))
    try:
        values, slugs = data_to_values(model, kind, data)
    except ValidationError as exc:
        raise _ItemError(_describe(exc, model)) from exc
    values["is_sample"] = is_sample
    tags = list(FieldTag.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {t.slug for t in tags})
    if unknown:
        raise _ItemError(
            _("字段“领域/产业”（fields）：未知的领域标识 %(slugs)s") % {"slugs": "、".join(unknown)}
        )
    return ext_id, updated_at, data, values, tags


def _source_note(feed: Feed, ext_id: str) -> str:
    return (_("数据源“%(feed)s”：%(id)s") % {"feed": feed.name, "id": ext_id})[:300]


def _apply_item(feed: Feed, kind: str, item: _Item, now: dt.datetime) -> tuple[str, dt.datetime]:
    """Create, update or leave one record; returns ("created" | "updated" | "unchanged", updated_at)."""
    model = listing_type(kind).model  # type: ignore[union-attr]
    workflow = model.WORKFLOW
    ext_id, updated_at, data, values, tags = _parse_item(item.raw, model, kind)
    digest = content_hash(data, is_sample=values["is_sample"])
    content_type = ContentType.objects.get_for_model(model)
    link = HarvestedItem.objects.filter(feed=feed, external_id=ext_id).first()
    record = None
    if link is not None and link.content_type_id == content_type.pk:
        record = model._default_manager.filter(pk=link.object_id).first()
    source_url = item.raw.get("url") if isinstance(item.raw.get("url"), str) else ""
    if record is not None and link is not None and link.content_hash == digest:
        HarvestedItem.objects.filter(pk=link.pk).update(last_harvested_at=now, source_updated_at=updated_at)
        return "unchanged", updated_at

    if record is not None:
        if record.status not in workflow.editable:
            raise _ItemError(
                _("本地记录当前为“%(status)s”状态，不能被数据源更新")
                % {"status": record.get_status_display()}
            )
        for name, value in values.items():
            setattr(record, name, value)
        record.source_note = _source_note(feed, ext_id)
        outcome = "updated"
    else:
        record = model(
            **values,
            city=feed.city,
            status=workflow.submitted,
            source=Source.FEED,
            source_note=_source_note(feed, ext_id),
        )
        outcome = "created"
    try:
        record.full_clean()
    except ValidationError as exc:
        raise _ItemError(_describe(exc, model)) from exc
    record.save()
    record.fields.set(tags)
    if outcome == "created":
        record_event(
            record=record,
            actor=None,
            from_status="",
            to_status=record.status,
            reason=_("数据源采集：%(feed)s") % {"feed": feed.name},
        )
        queue_arrival(record=record)  # counted in the run's summary (see _apply_all)
    elif record.status != workflow.submitted and workflow.allows(record.status, workflow.submitted):
        transition(
            record=record,
            actor=None,
            to_status=workflow.submitted,
            reason=_("数据源内容已更新，重新提交核验"),
        )
    HarvestedItem.objects.update_or_create(
        feed=feed,
        external_id=ext_id,
        defaults={
            "content_type": content_type,
            "object_id": record.pk,
            "content_hash": digest,
            "source_updated_at": updated_at,
            "source_url": source_url[:500],
            "last_harvested_at": now,
        },
        create_defaults={
            "content_type": content_type,
            "object_id": record.pk,
            "content_hash": digest,
            "source_updated_at": updated_at,
            "source_url": source_url[:500],
            "first_harvested_at": now,
            "last_harvested_at": now,
        },
    )
    return outcome, updated_at


def _apply_tombstone(feed: Feed, kind: str, item: _Item, now: dt.datetime) -> str:
    """Archive the local copy of a record the source took down ("deleted"), or return it when it was
    still waiting for verification; "unchanged" when there is no copy or it is not public anyway.

    The link's hash is cleared: if the source publishes the record again, the copy is updated and
    sent back to verification instead of being skipped as unchanged.
    """
    ext_id = _external_id(item.raw)
    _aware_time(item.raw, "deleted_at")
    model = listing_type(kind).model  # type: ignore[union-attr]
    workflow = model.WORKFLOW
    link = HarvestedItem.objects.filter(
        feed=feed, external_id=ext_id, content_type=ContentType.objects.get_for_model(model)
    ).first()
    record = model._default_manager.filter(pk=link.object_id).first() if link is not None else None
    if link is None or record is None:
        return "unchanged"
    HarvestedItem.objects.filter(pk=link.pk).update(content_hash="", last_harvested_at=now)
    if record.status == workflow.submitted and workflow.allows(record.status, workflow.rejected):
        target = workflow.rejected
    elif workflow.allows(record.status, workflow.archived):
        target = workflow.archived
    else:
        return "unchanged"
    transition(
        record=record,
        actor=None,
        to_status=target,
        reason=_("来源城市已撤下此条目（数据源“%(feed)s”：%(id)s）") % {"feed": feed.name, "id": ext_id},
    )
    return "deleted"


def _apply_all(feed: Feed, kind: str, items: list[_Item], result: HarvestResult, now: dt.datetime) -> None:
    result.fetched = len(items)
    # The city's administrators get one summary of what entered their queue, not one per record.
    batch = queue_batch(description=_("数据源“%(feed)s”采集") % {"feed": feed.name}, source=Source.FEED)
    with transaction.atomic(), batch:
        # Writes of one feed never interleave (besides the one-active-run rule).
        Feed.objects.select_for_update().filter(pk=feed.pk).first()
        for item in items:
            try:
                with transaction.atomic():
                    if item.deleted:
                        outcome, updated_at = _apply_tombstone(feed, kind, item, now), None
                    else:
                        outcome, updated_at = _apply_item(feed, kind, item, now)
            except _ItemError as exc:
                result.errors += 1
                if len(result.item_errors) < MAX_REPORTED_ERRORS:
                    ext_id = item.raw.get("id") if isinstance(item.raw, dict) else None
                    result.item_errors.append(
                        _("第 %(page)d 页第 %(index)d 项（%(id)s）：%(msg)s")
                        % {"page": item.page, "index": item.index, "id": ext_id or _("无编号"), "msg": exc}
                    )
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            # Only items move the mark: a marker read after the items may be newer than an item
            # changed meanwhile, which the next run must still ask for. Markers come again, harmlessly.
            if updated_at is None:
                continue
            if result.high_water_mark is None or updated_at > result.high_water_mark:
                result.high_water_mark = updated_at


# --------------------------------------------------------------------------- the run


def _success_message(result: HarvestResult) -> str:
    message = _(
        "成功：新增 %(created)d，更新 %(updated)d，下架 %(deleted)d，未变 %(unchanged)d，错误 %(errors)d"
    ) % {
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "unchanged": result.unchanged,
        "errors": result.errors,
    }
    if result.item_errors:
        shown = "；".join(result.item_errors[:SHOWN_ERRORS])
        more = (
            _("（另有 %(n)d 项错误）") % {"n": result.errors - SHOWN_ERRORS}
            if result.errors > SHOWN_ERRORS
            else ""
        )
        message = f"{message}。{shown}{more}"
    return message


def _target_kind(feed: Feed) -> str:
    if feed.kind != Feed.Kind.JSON_API:
        raise HarvestError(
            _("暂只支持“JSON 接口”类型的数据源，此数据源为“%(kind)s”") % {"kind": feed.get_kind_display()}
        )
    if not feed.url:
        raise HarvestError(_("未填写数据源地址"))
    try:
        client.check_url(feed.url)
    except client.FetchError as exc:
        raise HarvestError(exc.message) from exc
    kind = kind_for_target(feed.target)
    if kind is None:
        raise HarvestError(_("不支持导入为“%(target)s”") % {"target": feed.target})
    return kind


HOST = socket.gethostname()[:255]


def _process_alive(pid: int) -> bool:
    """Is process ``pid`` of this host alive (a zombie, killed but not yet reaped, is not)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True  # no /proc: trust kill()


def _interruption(run: HarvestRun, now: dt.datetime, stale: dt.timedelta) -> str:
    """Why ``run`` (queued or running) is taken as interrupted, or "" while it may still be alive."""
    if run.status == HarvestRun.Status.QUEUED:
        if run.started_at <= now - stale:
            return _("排队超过 %(n)d 分钟仍未开始（后台任务进程 db_worker 是否在运行？）") % {
                "n": stale.total_seconds() // 60
            }
        return ""
    if run.host == HOST and run.pid and not _process_alive(run.pid):
        return _("采集进程（%(host)s 上的 %(pid)d 号进程）已退出，未能完成") % {
            "host": run.host,
            "pid": run.pid,
        }
    last_sign = run.heartbeat_at or run.started_at
    if last_sign <= now - stale:
        return _("超过 %(n)d 分钟没有心跳，采集进程（%(host)s 上的 %(pid)s 号进程）应已中断") % {
            "n": stale.total_seconds() // 60,
            "host": run.host or "?",
            "pid": run.pid or "?",
        }
    return ""


def reap_interrupted_runs(*, feed: Feed | None = None, now: dt.datetime | None = None) -> list[HarvestRun]:
    """Mark the queued or running runs whose process is gone as interrupted (for ``feed``, or all);
    the feed's last result says so. Returns the runs marked."""
    now = now or timezone.now()
    stale = dt.timedelta(minutes=float(harvest_settings()["STALE_MINUTES"]))
    runs = HarvestRun.objects.filter(status__in=HarvestRun.ACTIVE).select_related("feed")
    if feed is not None:
        runs = runs.filter(feed=feed)
    reaped = []
    for run in runs:
        reason = _interruption(run, now, stale)
        if not reason:
            continue
        message = _("已中断：%(reason)s") % {"reason": reason}
        marked = HarvestRun.objects.filter(pk=run.pk, status=run.status).update(
            status=HarvestRun.Status.INTERRUPTED, finished_at=now, error=reason, message=message
        )
        if marked:
            Feed.objects.filter(pk=run.feed_id).update(last_result=message, updated_at=now)
            run.status, run.finished_at, run.error, run.message = (
                HarvestRun.Status.INTERRUPTED,
                now,
                reason,
                message,
            )
            reaped.append(run)
            logger.warning("harvest run %s of feed %s interrupted: %s", run.pk, run.feed_id, reason)
    return reaped


def _start_run(feed: Feed, *, run: HarvestRun | None, trigger: str, since: dt.datetime | None) -> HarvestRun:
    """The run this harvest writes to: ``run`` (queued by ``harvest_request``) now running, or a new
    running one. Raises ``HarvestBusy`` while another run of ``feed`` is active."""
    now = timezone.now()
    alive = {"host": HOST, "pid": os.getpid(), "heartbeat_at": now, "since": since}
    with transaction.atomic():
        Feed.objects.select_for_update().filter(pk=feed.pk).first()
        reap_interrupted_runs(feed=feed, now=now)
        if run is not None:
            claimed = HarvestRun.objects.filter(pk=run.pk, status=HarvestRun.Status.QUEUED).update(
                status=HarvestRun.Status.RUNNING, started_at=now, **alive
            )
            if claimed:
                return HarvestRun.objects.get(pk=run.pk)
        active = (
            HarvestRun.objects.filter(feed=feed, status__in=HarvestRun.ACTIVE).select_related("feed").first()
        )
        if active is not None:
            raise HarvestBusy(active)
        try:
            with transaction.atomic():
                return HarvestRun.objects.create(
                    feed=feed, status=HarvestRun.Status.RUNNING, trigger=trigger, started_at=now, **alive
                )
        except IntegrityError:  # another process started one between our check and our insert
            active = (
                HarvestRun.objects.filter(feed=feed, status__in=HarvestRun.ACTIVE)
                .select_related("feed")
                .first()
            )
            if active is None:
                raise
            raise HarvestBusy(active) from None


def harvest(
    feed: Feed,
    *,
    full: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    run: HarvestRun | None = None,
    trigger: str = HarvestRun.Trigger.COMMAND,
) -> HarvestResult:
    """Harvest ``feed`` once and record the outcome on the feed and a ``HarvestRun``.

    Incremental: asks for items changed after the newest ``updated_at`` a previous successful run saw,
    unless ``full``. Never raises for a bad source; the result (and ``feed.last_result``) says what
    happened. While another run of the feed is active nothing happens and the result says so
    (``busy``; the feed is not touched). ``run`` is a queued run to carry out (``harvest_request``).
    ``sleep`` is what waits between retries (tests pass a recorder).
    """
    options = harvest_settings()
    since = None if full else last_high_water_mark(feed)
    result = HarvestResult(feed_id=feed.pk, since=since, high_water_mark=since)
    try:
        run = _start_run(feed, run=run, trigger=trigger, since=since)
    except HarvestBusy as busy:
        result.busy, result.error, result.run_id = True, str(busy.message), busy.run.pk
        result.message = _("未执行：%(error)s") % {"error": result.error}
        return result
    result.run_id = run.pk
    now = timezone.now()

    def heartbeat() -> None:
        HarvestRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now(), pages=result.pages)

    try:
        kind = _target_kind(feed)
        items = _fetch_all(
            feed, kind=kind, since=since, options=options, result=result, sleep=sleep, heartbeat=heartbeat
        )
        _apply_all(feed, kind, items, result, now)
        result.ok = True
    except HarvestError as exc:
        result.error = exc.message
    except Exception as exc:  # a bug or the database: the run is rolled back, the feed still says so
        logger.exception("harvest of feed %s failed", feed.pk)
        result.error = _("内部错误（%(type)s）：%(msg)s") % {"type": type(exc).__name__, "msg": exc}
    if not result.ok:
        result.created = result.updated = result.deleted = result.unchanged = result.errors = 0
        result.item_errors = []
        result.high_water_mark = since
    result.message = _success_message(result) if result.ok else _("失败：%(error)s") % {"error": result.error}

    finished = timezone.now()
    HarvestRun.objects.filter(pk=run.pk).update(
        status=HarvestRun.Status.SUCCEEDED if result.ok else HarvestRun.Status.FAILED,
        finished_at=finished,
        heartbeat_at=finished,
        high_water_mark=result.high_water_mark,
        pages=result.pages,
        attempts=result.attempts,
        retries=result.retries,
        fetched=result.fetched,
        created=result.created,
        updated=result.updated,
        deleted=result.deleted,
        unchanged=result.unchanged,
        errors=result.errors,
        error=result.error,
        item_errors=result.item_errors,
        message=result.message,
    )
    Feed.objects.filter(pk=feed.pk).update(
        last_harvested_at=finished, last_result=result.message, updated_at=finished
    )
    feed.last_harvested_at, feed.last_result = finished, result.message
    return result


def harvest_request(*, feed: Feed, actor: Any) -> HarvestRun:
    """立即采集: queue a run of ``feed`` for the background worker, on behalf of ``actor``.

    Only an administrator of the feed's city or of the alliance (``PermissionDenied``); refused with
    ``HarvestBusy`` (code ``harvest_in_progress``) while a run of the feed is queued or running. The
    task is queued when the transaction commits; the run shows as 排队中 until the worker starts it.
    """
    from .tasks import harvest_feed_task

    if not roles.can_administer_city(actor, feed.city_id):
        raise PermissionDenied(_("只有本城市管理员或联盟管理员可以采集此数据源。"))
    now = timezone.now()
    with transaction.atomic():
        Feed.objects.select_for_update().filter(pk=feed.pk).first()
        reap_interrupted_runs(feed=feed, now=now)
        active = (
            HarvestRun.objects.filter(feed=feed, status__in=HarvestRun.ACTIVE).select_related("feed").first()
        )
        if active is not None:
            raise HarvestBusy(active)
        try:
            with transaction.atomic():
                run = HarvestRun.objects.create(
                    feed=feed,
                    status=HarvestRun.Status.QUEUED,
                    trigger=HarvestRun.Trigger.MANUAL,
                    requested_by=actor,
                    started_at=now,
                )
        except IntegrityError:
            active = (
                HarvestRun.objects.filter(feed=feed, status__in=HarvestRun.ACTIVE)
                .select_related("feed")
                .first()
            )
            if active is None:
                raise
            raise HarvestBusy(active) from None
        transaction.on_commit(lambda: harvest_feed_task.enqueue(run.pk))
    return run


def harvest_due_feeds(
    *, now: dt.datetime | None = None, sleep: Callable[[float], None] = time.sleep
) -> list[HarvestResult]:
    """Mark runs whose process died as interrupted, then harvest every feed that is due (enabled,
    JSON, with an address, last harvest older than its schedule); a feed busy with another run is
    skipped (its result says so)."""
    reap_interrupted_runs(now=now)
    return [harvest(feed, sleep=sleep, trigger=HarvestRun.Trigger.SCHEDULE) for feed in due_feeds(now=now)]
