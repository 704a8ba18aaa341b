"""预约时间的规则: opening hours, booking units, lead time in working days, the half-hour cells a
period occupies, and the calendar of the next weeks. Pure computation: no database.

Times are aware datetimes; rules are read in the site's time zone (Asia/Shanghai). Working days are
Monday to Friday; public holidays are the owner's blocked periods (the platform does not guess them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CELL = dt.timedelta(minutes=30)
NOON = dt.time(12, 0)
# Monday first (ISO 1–7); lazy, so each page shows them in its own language.
WEEKDAY_NAMES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


@dataclass(frozen=True)
class Rules:
    """The availability settings a period is checked against (``BookableResource`` as plain data)."""

    unit: str = "hour"  # "hour" | "half_day" | "day"
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: Monday is 1
    opens_at: dt.time = dt.time(9, 0)
    closes_at: dt.time = dt.time(17, 0)
    lead_days: int = 1
    horizon_days: int = 60

    @classmethod
    def of(cls, bookable: object) -> Rules:
        return cls(
            unit=bookable.unit,  # type: ignore[attr-defined]
            weekdays=frozenset(int(c) for c in bookable.weekdays),  # type: ignore[attr-defined]
            opens_at=bookable.opens_at,  # type: ignore[attr-defined]
            closes_at=bookable.closes_at,  # type: ignore[attr-defined]
            lead_days=bookable.lead_days,  # type: ignore[attr-defined]
            horizon_days=bookable.horizon_days,  # type: ignore[attr-defined]
        )


class PeriodError(ValueError):
    """A requested period breaks a rule. ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "date") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- small helpers


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def weekday_name(day: dt.date) -> str:
    return str(WEEKDAY_NAMES[day.weekday()])


def day_label(day: dt.date) -> str:
    return _("%(m)d月%(d)d日（%(w)s）") % {"m": day.month, "d": day.day, "w": weekday_name(day)}


def period_label(start: dt.datetime, end: dt.datetime) -> str:
    """「12月11日（周四）09:00–12:00」, or across days「12月11日（周四）09:00 至 12月12日（周五）17:00」."""
    start, end = local(start), local(end)
    if start.date() == end.date() or (end - start <= dt.timedelta(days=1) and end.time() == dt.time(0)):
        end_text = "24:00" if end.time() == dt.time(0) and end.date() != start.date() else f"{end:%H:%M}"
        return f"{day_label(start.date())} {start:%H:%M}–{end_text}"
    return _("%(start)s 至 %(end)s") % {
        "start": f"{day_label(start.date())} {start:%H:%M}",
        "end": f"{day_label(end.date())} {end:%H:%M}",
    }


def weekdays_label(weekdays: Iterable[int]) -> str:
    days = sorted(set(weekdays))
    if days == [1, 2, 3, 4, 5]:
        return _("周一至周五")
    if days == [1, 2, 3, 4, 5, 6, 7]:
        return _("每天")
    # Translators: the separator between listed weekdays (English: ", ").
    return _("、").join(str(WEEKDAY_NAMES[d - 1]) for d in days)


def is_working_day(day: dt.date) -> bool:
    return day.isoweekday() <= 5


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def earliest_day(rules: Rules, today: dt.date) -> dt.date:
    """提前 N 个工作日: the first day a request made today may use."""
    return add_working_days(today, rules.lead_days)


def latest_day(rules: Rules, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=rules.horizon_days)


def cells(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The half-hour cells (their start times, UTC) that ``[start, end)`` touches."""
    start = start.astimezone(dt.UTC)
    end = end.astimezone(dt.UTC)
    first = start.replace(minute=0 if start.minute < 30 else 30, second=0, microsecond=0)
    result = []
    cell = first
    while cell < end:
        result.append(cell)
        cell += CELL
    return result


def is_aligned(value: dt.datetime) -> bool:
    value = local(value)
    return value.minute in (0, 30) and value.second == 0 and value.microsecond == 0


def half_day_windows(rules: Rules) -> list[tuple[dt.time, dt.time]]:
    """上午 and 下午: split at noon when the opening hours span it, else the whole day is one half."""
    if rules.opens_at < NOON < rules.closes_at:
        return [(rules.opens_at, NOON), (NOON, rules.closes_at)]
    return [(rules.opens_at, rules.closes_at)]


LEAD_TIME_PATTERN = re.compile(r"提前\s*(\d{1,2})\s*个?\s*工作日")


def lead_days_from_text(text: str) -> int | None:
    """「提前3个工作日线上预约」→ 3: the lead time an owner already wrote in its booking rules."""
    match = LEAD_TIME_PATTERN.search(text or "")
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- checking a requested period


def check_period(rules: Rules, start: dt.datetime, end: dt.datetime, *, now: dt.datetime) -> None:
    """Raise ``PeriodError`` (with the form field and a message saying what to do) when the period
    breaks the unit, the opening days and hours, the lead time or the booking horizon."""
    start, end = local(start), local(end)
    today = local(now).date()
    if end <= start:
        raise PeriodError(_("结束时间须晚于开始时间。"), "end_time")
    if start <= now:
        raise PeriodError(_("不能预约已经过去的时间。"), "date")
    first = earliest_day(rules, today)
    if start.date() < first:
        raise PeriodError(
            _("须提前 %(n)d 个工作日预约：最早可预约 %(day)s。")
            % {"n": rules.lead_days, "day": day_label(first)},
            "date",
        )
    last = latest_day(rules, today)
    if end.date() > last or (end.date() == last + dt.timedelta(days=1) and end.time() != dt.time(0)):
        raise PeriodError(
            _("最远只能预约 %(n)d 天以内（至 %(day)s）。")
            % {"n": rules.horizon_days, "day": day_label(last)},
            "date",
        )
    day = start.date()
    while day <= end.date():
        if day.isoweekday() not in rules.weekdays:
            raise PeriodError(
                _("%(day)s不开放，开放日为%(days)s。")
                % {"day": day_label(day), "days": weekdays_label(rules.weekdays)},
                "date",
            )
        day += dt.timedelta(days=1)
    hours = _("开放时间为 %(open)s–%(close)s。") % {
        "open": f"{rules.opens_at:%H:%M}",
        "close": f"{rules.closes_at:%H:%M}",
    }
    if rules.unit == "day":
        if start.time() != rules.opens_at or end.time() != rules.closes_at:
            raise PeriodError(_("按天预约：从开放时间用到关闭时间。") + hours, "date")
        return
    if start.date() != end.date():
        raise PeriodError(_("一次预约须在同一天内；跨天使用请按天预约或分开申请。"), "end_time")
    if rules.unit == "half_day":
        windows = half_day_windows(rules)
        allowed = {(a, b) for a, b in windows} | {(windows[0][0], windows[-1][1])}
        if (start.time(), end.time()) not in allowed:
            choices = "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in windows)
            raise PeriodError(_("按半天预约，可选时段为 %(choices)s。") % {"choices": choices}, "start_time")
        return
    if not (is_aligned(start) and is_aligned(end)):
        raise PeriodError(_("开始和结束时间须为整点或半点。"), "start_time")
    if (end - start) % dt.timedelta(hours=1):
        raise PeriodError(_("按小时预约：使用时长须为整小时。"), "end_time")
    if start.time() < rules.opens_at or end.time() > rules.closes_at or end.time() == dt.time(0):
        raise PeriodError(_("所选时间超出开放时间。") + hours, "start_time")


def units_of(rules: Rules, start: dt.datetime, end: dt.datetime) -> int:
    """How many booking units the period is (hours, half days or days), for the price estimate."""
    start, end = local(start), local(end)
    if rules.unit == "day":
        return (end.date() - start.date()).days + 1
    if rules.unit == "half_day":
        return len(
            [
                w
                for w in half_day_windows(rules)
                if at(start.date(), w[0]) >= start and at(start.date(), w[1]) <= end
            ]
        )
    return max(1, int((end - start) / dt.timedelta(hours=1)))


# ---------------------------------------------------------------- the calendar


@dataclass(frozen=True)
class Busy:
    start: dt.datetime
    end: dt.datetime
    kind: str  # "booked" | "blocked" | "mine"
    label: str = ""


@dataclass
class CalendarDay:
    day: dt.date
    label: str
    is_open: bool
    opens_at: dt.time | None
    closes_at: dt.time | None
    bookable: bool  # open, and within the lead time and the horizon
    busy: list[tuple[str, str, str, str]] = field(default_factory=list)  # (start, end, kind, label)
    free: list[tuple[str, str]] = field(default_factory=list)
    is_today: bool = False

    @property
    def is_full(self) -> bool:
        return self.is_open and not self.free


def _clip(busy: Busy, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    start, end = (
        max(local(busy.start), at(day, dt.time(0))),
        min(local(busy.end), at(day + dt.timedelta(days=1), dt.time(0))),
    )
    return (start, end) if start < end else None


def _hhmm(value: dt.datetime, day: dt.date) -> str:
    return "24:00" if value.date() > day else f"{value:%H:%M}"


def calendar(
    rules: Rules, *, first_day: dt.date, days: int, busy: Sequence[Busy], now: dt.datetime
) -> list[CalendarDay]:
    """One ``CalendarDay`` per day from ``first_day``: opening hours, the busy periods clipped to the
    day (booked ones without saying by whom), and the free windows within the opening hours."""
    today = local(now).date()
    first_bookable, last_bookable = earliest_day(rules, today), latest_day(rules, today)
    result = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        is_open = day.isoweekday() in rules.weekdays
        entry = CalendarDay(
            day=day,
            label=day_label(day),
            is_open=is_open,
            opens_at=rules.opens_at if is_open else None,
            closes_at=rules.closes_at if is_open else None,
            bookable=is_open and first_bookable <= day <= last_bookable,
            is_today=day == today,
        )
        spans = []
        for item in sorted(busy, key=lambda b: b.start):
            clipped = _clip(item, day)
            if clipped:
                spans.append(clipped)
                entry.busy.append((f"{clipped[0]:%H:%M}", _hhmm(clipped[1], day), item.kind, item.label))
        if is_open:
            cursor = at(day, rules.opens_at)
            close = at(day, rules.closes_at)
            for start, end in sorted(spans):
                if start > cursor:
                    entry.free.append((f"{cursor:%H:%M}", f"{min(start, close):%H:%M}"))
                cursor = max(cursor, end)
                if cursor >= close:
                    break
            if cursor < close:
                entry.free.append((f"{cursor:%H:%M}", f"{close:%H:%M}"))
            entry.free = [(a, b) for a, b in entry.free if a < b]
        result.append(entry)
    return result
