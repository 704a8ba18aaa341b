"""Forms of the back office's import pages: the upload and the commit confirmation (input only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.regions.models import City

from . import specs

ACCEPTED_EXTENSIONS = (".xlsx", ".csv")


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind, specs.get_spec(kind).label) for kind in specs.kinds()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第 1 行为模板中的列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    city = forms.ModelChoiceField(
        label=_("导入城市"),
        queryset=City.objects.none(),
        required=False,
        empty_label=_("按文件中的“所属城市”列"),
        help_text=_("选定城市后，文件中的每一行都导入到该城市；不选则按每行的“所属城市”。"),
    )

    def __init__(self, *args: Any, alliance: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = kind_choices()
        if alliance:
            city: Any = self.fields["city"]
            city.queryset = City.objects.filter(is_member=True).order_by("sort_order", "id")
        else:
            # A city administrator imports into their own city only: the city is not theirs to pick.
            del self.fields["city"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(
                gettext(
                    "只能上传 Excel（.xlsx）或 CSV 文件；“%(name)s”不是。旧版 .xls 请在 Excel 中另存为 .xlsx。"
                )
                % {"name": upload.name}
            )
        return upload


class CommitForm(forms.Form):
    """全部导入 (``keep_valid`` off) or 只导入正确的行 (``keep_valid`` on, with an explicit confirmation)."""

    keep_valid = forms.BooleanField(required=False)
    confirm = forms.BooleanField(
        label=_("我已了解：有错误的行不会导入，需要修改后另行上传。"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep_valid") and not data.get("confirm"):
            self.add_error("confirm", gettext("请先勾选确认：只导入正确的行，有错误的行将被跳过。"))
        return data
