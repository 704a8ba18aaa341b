"""Forms of the workspace's organisation pages. They validate input; ``services`` write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.validators import validate_http_url, validate_uscc
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag

from .models import Membership, Organisation


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")  # Django 6's default for links typed without a scheme
    return db_field.formfield(**kwargs)


class OrganisationRegisterForm(forms.Form):
    """登记机构. A plain form over the model's fields: ``organisation_register`` validates the record
    (``full_clean``) and checks that the credit code and the name are free, naming who holds them."""

    FIELDS = ["name", "short_name", "kind", "city", "credit_code", "address", "website", "intro", "fields"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Organisation,
                fields=self.FIELDS,
                formfield_callback=_formfield,
                widgets={
                    "fields": forms.CheckboxSelectMultiple,
                    "intro": forms.Textarea(attrs={"rows": 4}),
                    "credit_code": forms.TextInput(attrs={"autocapitalize": "characters", "maxlength": 18}),
                },
                help_texts={
                    "credit_code": _("18 位，见营业执照或登记证书；系统会检查校验位。"),
                    "city": _("由该城市的管理员核验。"),
                },
            )
        )
        self.fields["city"].queryset = City.objects.order_by("sort_order", "id")
        self.fields["fields"].queryset = FieldTag.objects.all()
        self.fields["credit_code"].required = True

    def clean_credit_code(self) -> str:
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        validate_uscc(code)
        return code

    def clean_website(self) -> str:
        website = self.cleaned_data.get("website") or ""
        validate_http_url(website)
        return website


class MembershipAddForm(forms.Form):
    identifier = forms.CharField(
        label=_("用户名或电子邮箱"),
        max_length=254,
        help_text=_("对方需要先注册账号。"),
    )
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class ProfileImportForm(forms.Form):
    """经营数据 from Excel: the upload. ``profile_import`` checks the content."""

    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("Excel（.xlsx）或 CSV，第 1 行为模板中的列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        from django.utils.translation import gettext

        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                gettext(
                    "只能上传 Excel（.xlsx）或 CSV 文件；“%(name)s”不是。旧版 .xls 请在 Excel 中另存为 .xlsx。"
                )
                % {"name": upload.name}
            )
        return upload


class ProfileBulkImportForm(ProfileImportForm):
    """A city administrator's import of many organisations' figures; may keep the valid rows."""

    keep_valid = forms.BooleanField(
        label=_("只导入正确的行（有错误的行跳过，需修改后另行上传）"),
        required=False,
        help_text=_("不勾选时，文件中任何一行有错误都不会导入任何数据。"),
    )
