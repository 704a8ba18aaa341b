"""Workspace forms: one ModelForm per member-creatable listing type, each with an explicit field list.

Workflow and provenance fields (status, owner, source, is_sample, created_by, published_at,
last_verified_at, status_reason) are never in a form: the services set them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.achievements.models import Achievement
from innomarket.challenges.models import Challenge
from innomarket.common.forms import MultipleFileField
from innomarket.events.models import Event
from innomarket.finance.models import FinancialProduct, FinancingRequest, Fund
from innomarket.lists.models import Cooperation
from innomarket.organisations.models import OrganisationProfile
from innomarket.organisations.services import PROFILE_FIELDS
from innomarket.policies.models import Policy
from innomarket.regions.models import City
from innomarket.resources.models import Instrument, Space
from innomarket.talent.models import Expert, TalentPost, TalentStation, TechManager
from innomarket.taxonomy.models import FieldTag

# Never editable from the workspace (checked by a test on every form below).
SERVICE_OWNED_FIELDS = frozenset(
    {
        "status",
        "owner",
        "source",
        "is_sample",
        "created_by",
        "published_at",
        "last_verified_at",
        "status_reason",
    }
)


def listing_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Form fields for model fields; links without a scheme are read as https (Django 6 default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ListingMeta:
    """Base of every listing form's ``Meta``."""

    formfield_callback = staticmethod(listing_formfield)


class ListingForm(forms.ModelForm):
    """Shared widgets: date pickers, checkbox lists for tags and cities, the owner's city by default."""

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for name, field in self.fields.items():
            if name not in self._meta.fields:  # a form-only field such as attachments
                continue
            model_field = self._meta.model._meta.get_field(name)
            if isinstance(model_field, models.DateTimeField):
                field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            elif isinstance(model_field, models.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(model_field, models.TextField) and isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 5
        if "city" in self.fields:
            self.fields["city"].queryset = City.objects.order_by("sort_order", "id")
            if self.instance._state.adding and organisation is not None and not self.is_bound:
                self.initial.setdefault("city", organisation.city_id)
        if "fields" in self.fields:
            self.fields["fields"].queryset = FieldTag.objects.all()
            self.fields["fields"].widget = forms.CheckboxSelectMultiple(choices=self.fields["fields"].choices)
        if "partner_cities" in self.fields:
            self.fields["partner_cities"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["partner_cities"].choices
            )

    @property
    def m2m_field_names(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.many_to_many if f.name in self.fields]

    def changed_values(self) -> dict[str, Any]:
        """Plain (non-many-to-many) field values for ``listing_update``."""
        m2m = set(self.m2m_field_names)
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.fields and name not in m2m
        }

    def files_to_attach(self) -> list[Any]:
        return list(self.cleaned_data.get("attachments") or []) if "attachments" in self.fields else []

    def m2m_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.m2m_field_names}


class PolicyForm(ListingForm):
    class Meta(ListingMeta):
        model = Policy
        fields = [
            "title",
            "issuer",
            "document_number",
            "level",
            "support_type",
            "issued_on",
            "effective_from",
            "effective_to",
            "summary",
            "full_text",
            "original_url",
            "city",
            "fields",
        ]
        labels = {"title": _("政策名称"), "summary": _("政策要点")}


class SpaceForm(ListingForm):
    class Meta(ListingMeta):
        model = Space
        fields = [
            "title",
            "kind",
            "level",
            "address",
            "area_m2",
            "vacant_area_m2",
            "summary",
            "services",
            "rent_note",
            "website",
            "contact",
            "city",
            "fields",
        ]
        labels = {"title": _("载体名称")}


class InstrumentForm(ListingForm):
    class Meta(ListingMeta):
        model = Instrument
        fields = [
            "title",
            "category",
            "manufacturer",
            "model_number",
            "location",
            "summary",
            "booking_rules",
            "fee_note",
            "accepts_vouchers",
            "contact",
            "city",
            "fields",
        ]
        labels = {"title": _("仪器名称")}


class ChallengeForm(ListingForm):
    """发榜: the full challenge, checked by the demand diagnosis (需求诊断) before it is submitted.

    ``attachments`` are saved by ``challenges.services.challenge_attach`` after the challenge itself.
    """

    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("技术资料、图纸等；仅向入围揭榜方与评审专家开放。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "confidentiality" in self.fields:
            # A new challenge starts at the most protective level: opening it up is a deliberate choice.
            self.fields["confidentiality"].initial = Challenge.Confidentiality.CONFIDENTIAL

    class Meta(ListingMeta):
        model = Challenge
        fields = [
            "title",
            "kind",
            "summary",
            "problem_statement",
            "indicators",
            "acceptance_criteria",
            "constraints",
            "expected_trl",
            "budget_min",
            "budget_max",
            "deadline",
            "confidentiality",
            "fields",
            "city",
        ]
        labels = {"title": _("榜单名称"), "summary": _("公开摘要")}
        help_texts = {
            "summary": _("公开展示的简要说明，不要写入保密内容。"),
            "problem_statement": _("需要解决的技术问题、现状与瓶颈。按保密等级向揭榜方开放。"),
            "indicators": _("需要达到的关键技术指标，尽量量化。"),
            "expected_trl": _("1–9 级，期望揭榜成果达到的技术成熟度。"),
            "confidentiality": _(
                "公开：问题描述、技术指标、验收标准和约束条件对所有人公开；注册机构可见全文：已核验机构的成员"
                "登录即可查看；签署保密条款后可见全文：还须先签署保密条款（查看记录您可看到）。"
                "附件在任何等级下都只向入围揭榜方和评审专家开放。"
            ),
        }


class ExpertForm(ListingForm):
    class Meta(ListingMeta):
        model = Expert
        fields = [
            "title",
            "professional_title",
            "affiliation",
            "expertise",
            "summary",
            "accepts_evaluation",
            "city",
            "fields",
        ]
        labels = {"title": _("专家姓名")}
        help_texts = {"title": _("请确认本人同意公开展示。")}


class TechManagerForm(ListingForm):
    class Meta(ListingMeta):
        model = TechManager
        fields = ["title", "grade", "certificate", "services", "summary", "city", "fields"]
        labels = {"title": _("技术经理人姓名")}
        help_texts = {"title": _("请确认本人同意公开展示。")}


class FinancialProductForm(ListingForm):
    class Meta(ListingMeta):
        model = FinancialProduct
        fields = [
            "title",
            "product_type",
            "amount_min_wan",
            "amount_max_wan",
            "term_months",
            "rate_note",
            "eligibility",
            "uses_innovation_score",
            "min_tier",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("产品名称")}


class FundForm(ListingForm):
    class Meta(ListingMeta):
        model = Fund
        fields = [
            "title",
            "manager",
            "stage",
            "size_yi",
            "target_size_yi",
            "focus",
            "projects_count",
            "invested_yi",
            "invested_ratio",
            "exits_count",
            "exits_note",
            "paid_in_wan",
            "distributions_wan",
            "dpi",
            "figures_as_of",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("基金名称")}


class FinancingRequestForm(ListingForm):
    class Meta(ListingMeta):
        model = FinancingRequest
        fields = ["title", "round", "amount_wan", "use_of_funds", "valid_until", "summary", "city", "fields"]
        labels = {"title": _("融资项目名称")}


class TalentPostForm(ListingForm):
    class Meta(ListingMeta):
        model = TalentPost
        fields = [
            "title",
            "kind",
            "headcount",
            "qualifications",
            "salary_note",
            "location",
            "valid_until",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("岗位名称"), "summary": _("岗位职责")}


class TalentStationForm(ListingForm):
    class Meta(ListingMeta):
        model = TalentStation
        fields = ["title", "address", "services", "opening_hours", "contact", "summary", "city", "fields"]
        labels = {"title": _("服务站名称")}


class EventForm(ListingForm):
    class Meta(ListingMeta):
        model = Event
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "date_note",
            "venue",
            "organiser",
            "is_online",
            "registration_url",
            "takes_registrations",
            "capacity",
            "registration_deadline",
            "requires_review",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("活动名称")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("结束时间不能早于开始时间。"))
        deadline = data.get("registration_deadline")
        if data.get("takes_registrations") and not starts:
            self.add_error("starts_at", _("在平台报名的活动需要填写开始时间。"))
        if deadline and starts and deadline > starts:
            self.add_error("registration_deadline", _("报名截止时间不能晚于活动开始时间。"))
        if data.get("capacity") == 0:
            self.add_error("capacity", _("名额至少为 1；不限名额请留空。"))
        return data


class AchievementForm(ListingForm):
    class Meta(ListingMeta):
        model = Achievement
        fields = [
            "title",
            "kind",
            "abstract",
            "discipline",
            "trl",
            "ip_status",
            "patent_numbers",
            "transfer_mode",
            "team",
            "applications",
            "price_note",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("成果名称")}


class CooperationForm(ListingForm):
    """合作项目. Partner organisations and the source challenge are linked by later workflows."""

    class Meta(ListingMeta):
        model = Cooperation
        fields = [
            "title",
            "kind",
            "phase",
            "partner_cities",
            "started_on",
            "ended_on",
            "date_note",
            "amount_wan",
            "outcome",
            "summary",
            "city",
            "fields",
        ]
        labels = {"title": _("项目名称")}


LISTING_FORMS: dict[str, type[ListingForm]] = {
    "policy": PolicyForm,
    "space": SpaceForm,
    "instrument": InstrumentForm,
    "challenge": ChallengeForm,
    "expert": ExpertForm,
    "techmanager": TechManagerForm,
    "product": FinancialProductForm,
    "fund": FundForm,
    "financing": FinancingRequestForm,
    "talentpost": TalentPostForm,
    "station": TalentStationForm,
    "event": EventForm,
    "achievement": AchievementForm,
    "cooperation": CooperationForm,
}


class OrganisationProfileForm(forms.ModelForm):
    """经营数据 in the workspace (the policy calculator's input)."""

    class Meta:
        model = OrganisationProfile
        fields = PROFILE_FIELDS
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"})}
