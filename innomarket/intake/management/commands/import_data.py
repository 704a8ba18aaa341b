"""``manage.py import_data KIND FILE [--commit] [--keep-valid] [--city CODE]``: 批量导入 from the command line.

Without ``--commit`` the file is only validated. One line per problem, ``row N, column NAME: message``
(NAME is the Chinese header); exit status 1 when any row is invalid and nothing was written, else 0.
With ``--commit --keep-valid`` the valid rows are written and the others skipped (exit 0 if any row
was written). The command runs as the system (no actor): ``--city`` restricts it to one city.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from innomarket.common.exceptions import ApplicationError
from innomarket.intake import services
from innomarket.intake.specs import get_spec, kinds


class Command(BaseCommand):
    help = "批量导入：校验（并可提交）Excel/CSV 文件中的数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="数据类型：" + ", ".join(kinds()))
        parser.add_argument("file", help="Excel (.xlsx) 或 CSV 文件")
        parser.add_argument("--commit", action="store_true", help="校验通过后写入数据库（默认只校验）")
        parser.add_argument(
            "--keep-valid", action="store_true", help="有错误的行跳过，只导入正确的行（须与 --commit 同用）"
        )
        parser.add_argument(
            "--city", default=None, help="只导入到这个城市（网址标识或中文名，如 suzhou 或 苏州市）"
        )
        parser.add_argument("--batch-size", type=int, default=services.COMMIT_BATCH, help="每批写入的行数")

    def handle(self, *args: Any, **options: Any) -> None:
        err = self.stderr
        try:
            spec = get_spec(options["kind"])
            report = services.validate(spec.kind, options["file"], city=options["city"])
        except ApplicationError as exc:
            err.write(f"error: {exc}")
            sys.exit(1)
        for problem in report.problems:
            self.stdout.write(f"row {problem.row}, column {problem.column or '-'}: {problem.message}")
        self.stdout.write(
            f"共 {report.total_rows} 行：正确 {report.valid_rows} 行，有误 {report.invalid_rows} 行"
            f"（{len(report.problems)} 个问题）。"
        )
        if not options["commit"]:
            sys.exit(1 if report.problems else 0)
        if report.problems and not options["keep_valid"]:
            self.stdout.write("有错误，未导入任何数据（可加 --keep-valid 只导入正确的行）。")
            sys.exit(1)
        if not report.valid:
            self.stdout.write("没有可以导入的数据行，未导入任何数据。")
            sys.exit(1)
        total = report.valid_rows
        err.write("committing")  # marker: from here on the transaction is open
        err.flush()

        def progress(done: int, _total: int | None) -> None:
            err.write(f"已写入 {done}/{total}")
            err.flush()

        try:
            result = services.commit(
                report, keep_valid=options["keep_valid"], batch_size=options["batch_size"], progress=progress
            )
        except ApplicationError as exc:
            err.write(f"error: {exc}")
            sys.exit(1)
        self.stdout.write(f"已导入 {result.created} 条{spec.label}，状态为“待核验”。")
        if result.skipped_rows:
            self.stdout.write(f"已跳过 {result.skipped_rows} 行有误的数据。")
