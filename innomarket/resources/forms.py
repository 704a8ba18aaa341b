"""Forms of 资源共享 booking. They parse input and turn dates and times into a period; the rules
(opening hours, lead time, conflicts, who may do what) are the services'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from innomarket.common.exceptions import ApplicationError

from . import availability as av
from .models import BlockedPeriod, BookableResource, Booking, BookingCompletion, BookingUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M")


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's error on the field it names (the date fields stand for the period)."""
    field = exc.extra.get("field")
    if field in ("start", "end") and "start_date" in form.fields:
        field = {"start": "start_date", "end": "end_date"}[field]
    if field in ("start_time", "end_time") and field not in form.fields:
        field = "half" if "half" in form.fields else "date"
    form.add_error(field if field in form.fields else None, str(exc))


class PeriodForm(forms.Form):
    """The period fields that fit the resource's booking unit: a date and times (按小时), a date and
    上午/下午/全天 (按半天), or first and last day (按天). ``cleaned_data`` gets ``starts_at``/``ends_at``."""

    def __init__(self, *args: Any, bookable: BookableResource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bookable = bookable
        self.rules = av.Rules.of(bookable)
        period: dict[str, forms.Field] = {"date": forms.DateField(label=_("使用日期"), widget=DATE)}
        if bookable.unit == BookingUnit.HOUR:
            hours = _("开放时间 %(open)s–%(close)s，整点或半点，按整小时。") % {
                "open": f"{bookable.opens_at:%H:%M}",
                "close": f"{bookable.closes_at:%H:%M}",
            }
            period["start_time"] = forms.TimeField(label=_("开始时间"), widget=TIME, help_text=hours)
            period["end_time"] = forms.TimeField(label=_("结束时间"), widget=TIME)
        elif bookable.unit == BookingUnit.HALF_DAY:
            windows = av.half_day_windows(self.rules)
            choices = [
                (f"{a:%H:%M}-{b:%H:%M}", f"{label} {a:%H:%M}–{b:%H:%M}")
                for (a, b), label in zip(
                    windows, (_("上午"), _("下午")) if len(windows) == 2 else (_("半天"),), strict=True
                )
            ]
            if len(windows) == 2:
                choices.append(
                    (
                        f"{windows[0][0]:%H:%M}-{windows[1][1]:%H:%M}",
                        _("全天 %(a)s–%(b)s")
                        % {"a": f"{windows[0][0]:%H:%M}", "b": f"{windows[1][1]:%H:%M}"},
                    )
                )
            period["half"] = forms.ChoiceField(label=_("时段"), choices=choices, widget=forms.RadioSelect)
        else:
            period["date"] = forms.DateField(label=_("开始日期"), widget=DATE)
            period["end_date"] = forms.DateField(
                label=_("结束日期"),
                widget=DATE,
                required=False,
                help_text=_("只用一天可不填。每天 %(open)s–%(close)s。")
                % {"open": f"{bookable.opens_at:%H:%M}", "close": f"{bookable.closes_at:%H:%M}"},
            )
        # The period first, then the form's own fields.
        self.fields = {**period, **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("date")
        if day is None:
            return data
        unit = self.bookable.unit
        if unit == BookingUnit.HOUR:
            start_time, end_time = data.get("start_time"), data.get("end_time")
            if start_time is None or end_time is None:
                return data
            start, end = av.at(day, start_time), av.at(day, end_time)
        elif unit == BookingUnit.HALF_DAY:
            if not data.get("half"):
                return data
            a, b = (dt.time.fromisoformat(t) for t in data["half"].split("-"))
            start, end = av.at(day, a), av.at(day, b)
        else:
            last = data.get("end_date") or day
            if last < day:
                self.add_error("end_date", _("结束日期不能早于开始日期。"))
                return data
            start, end = av.at(day, self.bookable.opens_at), av.at(last, self.bookable.closes_at)
        data["starts_at"], data["ends_at"] = start, end
        return data


class BookingRequestForm(PeriodForm):
    organisation = forms.ModelChoiceField(label=_("申请机构"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    purpose = forms.CharField(
        label=_("使用目的与实验内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("做什么测试或活动、需要的条件与参数。"),
    )
    samples = forms.CharField(
        label=_("样品信息"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("样品名称、数量、特性；有毒、易燃、放射性等请注明。"),
    )
    needs_operator = forms.BooleanField(label=_("需要机构人员代为操作（委托测试）"), required=False)
    use_voucher = forms.BooleanField(label=_("拟使用创新券支付"), required=False)
    contact = forms.CharField(label=_("联系人及电话"), max_length=120)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not self.bookable.vouchers_accepted:
            del self.fields["use_voucher"]


class ProposeForm(PeriodForm):
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="propose", **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明（选填）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("婉拒原因"), choices=Booking.DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("具体说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选择“其他”时必填。"),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("使用情况"),
        choices=BookingCompletion.Outcome.choices,
        widget=forms.RadioSelect,
        initial="used",
    )
    used_hours = forms.DecimalField(
        label=_("实际使用时长（小时）"), required=False, min_value=0, max_digits=7, decimal_places=1
    )
    fee = forms.DecimalField(
        label=_("实际费用（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("使用记录说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(n, _("%(n)d 星") % {"n": n}) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


WEEKDAY_CHOICES = [(str(n), name) for n, name in enumerate(av.WEEKDAY_NAMES, start=1)]
_SETTINGS_FIELDS = fields_for_model(
    BookableResource,
    fields=[
        "is_open",
        "unit",
        "opens_at",
        "closes_at",
        "lead_days",
        "horizon_days",
        "price",
        "price_note",
        "accepts_vouchers",
        "notes",
    ],
    widgets={"opens_at": TIME, "closes_at": TIME, "notes": forms.Textarea(attrs={"rows": 3})},
)


class BookableSettingsForm(forms.Form):
    """预约设置; ``accepts_vouchers`` only for spaces (an instrument's is on its verified listing)."""

    is_open = _SETTINGS_FIELDS["is_open"]
    unit = _SETTINGS_FIELDS["unit"]
    weekdays = forms.MultipleChoiceField(
        label=_("开放日"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["1", "2", "3", "4", "5"],
    )
    opens_at = _SETTINGS_FIELDS["opens_at"]
    closes_at = _SETTINGS_FIELDS["closes_at"]
    lead_days = _SETTINGS_FIELDS["lead_days"]
    horizon_days = _SETTINGS_FIELDS["horizon_days"]
    price = _SETTINGS_FIELDS["price"]
    price_note = _SETTINGS_FIELDS["price_note"]
    accepts_vouchers = _SETTINGS_FIELDS["accepts_vouchers"]
    notes = _SETTINGS_FIELDS["notes"]

    def __init__(self, *args: Any, is_instrument: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_instrument:
            del self.fields["accepts_vouchers"]

    def clean_weekdays(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", _("关闭时间须晚于开放时间。"))
        for name in ("opens_at", "closes_at"):
            value = data.get(name)
            if value is not None and value.minute not in (0, 30):
                self.add_error(name, _("请填写整点或半点。"))
        return data


def settings_initial(bookable: BookableResource | None, resource: Any) -> dict[str, Any]:
    """The current settings, or for a first opening the lead time the owner wrote in its rules."""
    if bookable is not None:
        return {
            name: getattr(bookable, name) for name in BookableSettingsForm.base_fields if name != "weekdays"
        } | {"weekdays": list(bookable.weekdays)}
    lead = av.lead_days_from_text(getattr(resource, "booking_rules", ""))
    return {
        "is_open": True,
        "unit": BookingUnit.HOUR,
        "weekdays": ["1", "2", "3", "4", "5"],
        "opens_at": dt.time(9, 0),
        "closes_at": dt.time(17, 0),
        "lead_days": lead if lead is not None else 1,
        "horizon_days": 60,
        "price_note": getattr(resource, "fee_note", "") or getattr(resource, "rent_note", ""),
    }


class BlockedPeriodForm(forms.Form):
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME, initial=dt.time(0, 0))
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    end_time = forms.TimeField(
        label=_("结束时间"),
        widget=TIME,
        initial=dt.time(23, 30),
        help_text=_("到当天结束请填 23:30 以后的时间或次日 00:00。"),
    )
    reason = forms.ChoiceField(label=_("原因"), choices=BlockedPeriod.Reason.choices)
    note = forms.CharField(label=_("说明（公开显示）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="block", **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(data.get(n) is not None for n in ("start_date", "start_time", "end_date", "end_time")):
            data["starts_at"] = av.at(data["start_date"], data["start_time"])
            data["ends_at"] = av.at(data["end_date"], data["end_time"])
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_date", _("结束时间须晚于开始时间。"))
        return data
