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


def add_service_error(form: forms.Form, exc: Exception) -> None:
    """Show a service's error where it belongs: an ``ApplicationError`` on the field its
    ``extra["field"]`` names (above the form when the form has no such field), a model
    ``ValidationError`` on each of its fields, anything else above the form."""
    from django.core.exceptions import ValidationError

    from innomarket.common.exceptions import ApplicationError

    if isinstance(exc, ApplicationError):
        field = exc.extra.get("field")
        form.add_error(field if field in form.fields else None, str(exc))
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, str(exc))
