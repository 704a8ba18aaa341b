"""Moving the clock forward in tests (instead of sleeping): ``timezone.now`` everywhere it is looked up,
and django-axes' own reference to it. TOTP codes still follow the real clock (``time.time``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.utils import timezone

_real_now = timezone.now


@contextmanager
def clock_ahead(delta: timedelta) -> Iterator[None]:
    def shifted():
        return _real_now() + delta

    with (
        mock.patch("django.utils.timezone.now", shifted),
        mock.patch("axes.handlers.proxy.now", shifted),
        mock.patch("axes.attempts.now", shifted),
    ):
        yield
