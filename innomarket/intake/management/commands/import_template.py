"""``manage.py import_template KIND OUT.xlsx``: write the import template of KIND (OUT.csv: the CSV header)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from innomarket.common.exceptions import ApplicationError
from innomarket.intake.specs import get_spec, kinds
from innomarket.intake.templates_xlsx import write_csv_template, write_template


class Command(BaseCommand):
    help = "生成批量导入模板（Excel 或 CSV）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="数据类型：" + ", ".join(kinds()))
        parser.add_argument("out", help="输出文件：.xlsx（Excel 模板）或 .csv（UTF-8 表头）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = get_spec(options["kind"])
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        out: str = options["out"]
        if out.lower().endswith(".csv"):
            write_csv_template(spec, out)
        else:
            write_template(spec, out)
        self.stdout.write(f"已生成“{spec.label}”导入模板：{out}")
