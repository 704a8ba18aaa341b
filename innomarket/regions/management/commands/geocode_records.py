"""Place records on the alliance map from their addresses with the offline gazetteer (no web geocoder).

Idempotent: only rows whose point changes are written; points an administrator set by hand are kept.
The demo loader runs it after loading; run it again after a bulk change of addresses.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from innomarket.regions.models import Located
from innomarket.regions.services import records_geocode


class Command(BaseCommand):
    help = "按地址为载体、仪器、机构、人才服务站定位（离线地名表，不访问网络；人工标注的位置不变）。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = records_geocode()
        for label, checked in report.checked.items():
            self.stdout.write(
                _("%(model)s：检查 %(checked)s 条，更新 %(changed)s 条")
                % {
                    "model": apps.get_model(label)._meta.verbose_name,
                    "checked": checked,
                    "changed": report.changed[label],
                }
            )
        labels = dict(Located.Precision.choices)
        parts = [f"{labels.get(key, _('无法定位'))} {n}" for key, n in sorted(report.by_precision.items())]
        self.stdout.write(_("定位精度：") + "，".join(parts))
