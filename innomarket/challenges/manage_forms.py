"""Forms of the owner's console (榜单管理) and the evaluators' pages. They parse input only; every rule
about the challenge's state is checked by the services they feed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from innomarket.common.forms import MultipleFileField
from innomarket.talent.models import Expert, TechManager

from .models import Bid, EvaluationCriterion

CRITERIA_ROWS = 6


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("所有揭榜方都会收到这条理由。"),
        error_messages={"required": _("取消榜单必须填写理由，所有揭榜方都会收到。")},
    )


class TechManagerForm(forms.Form):
    tech_manager = forms.ModelChoiceField(
        label=_("技术经理人"),
        queryset=TechManager.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择技术经理人。"),
            "invalid_choice": _("请从列表中选择技术经理人。"),
        },
    )

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            _set_queryset(self, "tech_manager", queryset)


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.title, obj.professional_title, obj.affiliation]
        return " · ".join(p for p in parts if p)


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class EvaluatorForm(forms.Form):
    expert = ExpertChoiceField(
        label=_("评审专家"),
        queryset=Expert.objects.none(),
        empty_label=_("请选择"),
        help_text=_("只列出已核验、已关联平台账号并接受评审邀请的专家。"),
        error_messages={"required": _("请选择评审专家。"), "invalid_choice": _("请从列表中选择评审专家。")},
    )

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            _set_queryset(self, "expert", queryset)


class CriteriaForm(forms.Form):
    """评审指标: up to six rows of name / weight / description (a blank name skips the row)."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        criteria: list[EvaluationCriterion] | None = None,
        initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = dict(initial or {})
        for i, criterion in enumerate((criteria or [])[:CRITERIA_ROWS]):
            initial.update(
                {
                    f"name_{i}": criterion.name,
                    f"weight_{i}": criterion.weight,
                    f"description_{i}": criterion.description,
                }
            )
        super().__init__(data, files, initial=initial, **kwargs)
        for i in range(CRITERIA_ROWS):
            self.fields[f"name_{i}"] = forms.CharField(label=_("指标名称"), max_length=100, required=False)
            self.fields[f"weight_{i}"] = forms.IntegerField(
                label=_("权重"),
                required=False,
                validators=[MinValueValidator(1), MaxValueValidator(100)],
                widget=forms.NumberInput(attrs={"min": 1, "max": 100, "inputmode": "numeric"}),
            )
            self.fields[f"description_{i}"] = forms.CharField(label=_("说明"), max_length=300, required=False)

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"name_{i}"], self[f"weight_{i}"], self[f"description_{i}"]) for i in range(CRITERIA_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(CRITERIA_ROWS):
            named = bool((cleaned.get(f"name_{i}") or "").strip())
            if named and cleaned.get(f"weight_{i}") is None and f"weight_{i}" not in self.errors:
                self.add_error(f"weight_{i}", _("第 %(row)d 行请填写 1–100 的权重。") % {"row": i + 1})
        return cleaned

    def items(self) -> list[tuple[str, int, str]]:
        """Every row, blank ones included: ``criteria_set`` skips rows without a name, and the row
        numbers in its errors then match the rows on the page."""
        d = self.cleaned_data
        return [
            (
                (d.get(f"name_{i}") or "").strip(),
                d.get(f"weight_{i}") or 0,
                (d.get(f"description_{i}") or "").strip(),
            )
            for i in range(CRITERIA_ROWS)
        ]

    def add_row_error(self, row: int | None, message: str) -> None:
        """Show a service error on the row it names (1-based), or above the form."""
        self.add_error(f"name_{row - 1}" if row and 1 <= row <= CRITERIA_ROWS else None, message)


class AttachForm(forms.Form):
    attachments = MultipleFileField(
        label=_("上传附件"),
        error_messages={"required": _("请选择要上传的文件。")},
        help_text=_("附件只向入围揭榜方、评审专家、发榜机构和城市管理员开放，每次查看都会记录。"),
    )


class DetachForm(forms.Form):
    attachment = forms.IntegerField(widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("未入选原因（可多选）"),
        choices=Bid.DeclineReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择未入选的原因（可多选）。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("揭榜方会看到原因和说明；选择“其他”时必须填写。"),
    )


class AwardForm(forms.Form):
    milestones = forms.CharField(
        label=_("里程碑"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-03-31 样机交付\n2027-09-30 现场验收"}),
        help_text=_("每行一个：计划完成日期 名称，例如“2027-03-31 样机交付”。"),
        error_messages={"required": _("请至少填写一个里程碑，每行一个：日期 名称。")},
    )


class DeclarationForm(forms.Form):
    """利益冲突声明, made once before any bid is shown."""

    has_conflict = forms.TypedChoiceField(
        label=_("利益冲突声明"),
        choices=[("no", _("本人与各揭榜机构不存在利益冲突")), ("yes", _("本人存在利益冲突，申请回避"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否存在利益冲突。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("存在利益冲突时请说明（例如任职、合作或亲属关系）。"),
    )


class ScoreForm(forms.Form):
    """打分: one 0–100 score per criterion (``score_<criterion pk>``, the services' field names) + comment."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        criteria: list[EvaluationCriterion],
        previous: dict[int, int] | None = None,
        comment: str = "",
        initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = {**(initial or {}), "comment": comment}
        initial.update({f"score_{pk}": value for pk, value in (previous or {}).items()})
        super().__init__(data, files, initial=initial, **kwargs)
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=100,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
                error_messages={"required": _("“%(name)s”请打 0–100 分。") % {"name": criterion.name}},
            )
        self.fields["comment"] = forms.CharField(
            label=_("评审意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
        )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("score_")]

    def scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("score_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }
