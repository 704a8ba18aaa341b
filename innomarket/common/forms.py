"""Form pieces shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's “Uploading multiple files”); cleans to a list, possibly empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [f for f in (single_file_clean(d, initial) for d in data) if f]
        cleaned = single_file_clean(data, initial)
        return [cleaned] if cleaned else []
