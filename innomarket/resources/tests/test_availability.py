"""The pure rules of booking periods: working days, units, opening hours, cells, the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from innomarket.resources import availability as av

NOW = av.at(dt.date(2027, 3, 1), dt.time(10, 0))  # a Monday
RULES = av.Rules(unit="hour", lead_days=3, horizon_days=30)


def p(day: dt.date, a: str, b: str) -> tuple[dt.datetime, dt.datetime]:
    return av.at(day, dt.time.fromisoformat(a)), av.at(day, dt.time.fromisoformat(b))


def error(rules: av.Rules, start: dt.datetime, end: dt.datetime) -> tuple[str, str] | None:
    try:
        av.check_period(rules, start, end, now=NOW)
    except av.PeriodError as exc:
        return exc.field, exc.message
    return None


def test_working_days_skip_the_weekend():
    friday = dt.date(2027, 3, 5)
    assert av.add_working_days(friday, 1) == dt.date(2027, 3, 8)
    assert av.add_working_days(dt.date(2027, 3, 1), 3) == dt.date(2027, 3, 4)
    assert av.add_working_days(friday, 0) == friday


def test_lead_time_names_the_earliest_day():
    field, message = error(RULES, *p(dt.date(2027, 3, 3), "09:00", "10:00"))
    assert field == "date"
    assert message == "须提前 3 个工作日预约：最早可预约 3月4日（周四）。"
    assert error(RULES, *p(dt.date(2027, 3, 4), "09:00", "10:00")) is None


def test_closed_weekday_and_hours_are_refused_with_the_rule():
    assert error(RULES, *p(dt.date(2027, 3, 6), "09:00", "10:00")) == (
        "date",
        "3月6日（周六）不开放，开放日为周一至周五。",
    )
    field, message = error(RULES, *p(dt.date(2027, 3, 4), "16:00", "18:00"))
    assert field == "start_time" and "开放时间为 09:00–17:00" in message
    assert error(RULES, *p(dt.date(2027, 3, 4), "09:15", "10:15"))[0] == "start_time"
    assert error(RULES, *p(dt.date(2027, 3, 4), "09:00", "10:30"))[1] == "按小时预约：使用时长须为整小时。"
    assert error(RULES, *p(dt.date(2027, 3, 4), "10:00", "09:00"))[0] == "end_time"


def test_horizon():
    field, message = error(RULES, *p(dt.date(2027, 4, 5), "09:00", "10:00"))
    assert field == "date" and "最远只能预约 30 天以内" in message


def test_half_day_and_day_units():
    half = av.Rules(unit="half_day", lead_days=0)
    assert error(half, *p(dt.date(2027, 3, 2), "09:00", "12:00")) is None
    assert error(half, *p(dt.date(2027, 3, 2), "12:00", "17:00")) is None
    assert error(half, *p(dt.date(2027, 3, 2), "09:00", "17:00")) is None
    assert (
        error(half, *p(dt.date(2027, 3, 2), "10:00", "12:00"))[1]
        == "按半天预约，可选时段为 09:00–12:00、12:00–17:00。"
    )
    day = av.Rules(unit="day", lead_days=0)
    start = av.at(dt.date(2027, 3, 2), dt.time(9))
    assert error(day, start, av.at(dt.date(2027, 3, 4), dt.time(17))) is None
    assert "周六" in error(day, start, av.at(dt.date(2027, 3, 8), dt.time(17)))[1]
    assert av.units_of(day, start, av.at(dt.date(2027, 3, 4), dt.time(17))) == 3


def test_cells_are_half_hours_of_the_whole_period():
    cells = av.cells(*p(dt.date(2027, 3, 4), "09:00", "11:00"))
    assert len(cells) == 4 and cells[1] - cells[0] == av.CELL
    # A blocked period at odd minutes covers every cell it touches.
    assert len(av.cells(*p(dt.date(2027, 3, 4), "09:10", "09:40"))) == 2


def test_lead_days_from_the_owners_own_rules():
    assert av.lead_days_from_text("提前3个工作日线上预约；首次使用需参加操作培训") == 3
    assert av.lead_days_from_text("请提前 5 工作日 电话预约") == 5
    assert av.lead_days_from_text("随到随测") is None


def test_calendar_shows_busy_and_free_windows_without_names():
    day = dt.date(2027, 3, 4)
    busy = [
        av.Busy(*p(day, "09:00", "12:00"), "booked", "已预约"),
        av.Busy(*p(day, "14:00", "15:00"), "blocked", "维护保养"),
    ]
    days = av.calendar(RULES, first_day=dt.date(2027, 3, 1), days=7, busy=busy, now=NOW)
    thursday = days[3]
    assert thursday.busy == [
        ("09:00", "12:00", "booked", "已预约"),
        ("14:00", "15:00", "blocked", "维护保养"),
    ]
    assert thursday.free == [("12:00", "14:00"), ("15:00", "17:00")]
    assert thursday.bookable and not days[2].bookable  # Wednesday is inside the lead time
    assert not days[5].is_open and days[5].free == []


@pytest.mark.parametrize("text", ["", "提前个工作日"])
def test_no_lead_time_in_text(text):
    assert av.lead_days_from_text(text) is None
