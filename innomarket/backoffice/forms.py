"""Forms of the back office's intermediate pages (退回/下架理由, 设为城市管理员)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innomarket.regions.models import City


class ReasonForm(forms.Form):
    """The reason an administrator gives when returning or archiving records; the owner sees it."""

    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("请写明需要修改或下架的原因，发布机构会看到这段文字。"),
        error_messages={"required": _("请填写理由。")},
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        if not required:
            field.label = _("核验说明（可选）")
            field.help_text = _("可留空；填写后记入状态变更记录。")

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if self.fields["reason"].required and not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


class CityChoiceForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("管理城市"), queryset=City.objects.order_by("sort_order", "id"), empty_label=None
    )
