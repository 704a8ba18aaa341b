"""Where uploaded files are stored."""

from __future__ import annotations


def random_upload_path(prefix: str, filename: str) -> str:
    """``prefix/YYYY/MM/<random>.<suffix>``: the user's file name is kept in the database, never on disk."""
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"{prefix}/{timezone.now():%Y/%m}/{get_random_string(24)}.{suffix}"
