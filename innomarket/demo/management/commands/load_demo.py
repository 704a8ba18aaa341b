"""``manage.py load_demo``: the source documents' facts and clearly-marked samples. Safe to run on every start."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from innomarket.demo.loader import DEFAULT_ACHIEVEMENTS, DemoLoader


class Command(BaseCommand):
    help = "载入演示数据：公开文件中的真实信息与明确标注的示例数据（可重复运行，不会产生重复记录）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--achievements",
            type=int,
            default=DEFAULT_ACHIEVEMENTS,
            help=f"从 csl-match 语料载入的论文/研究成果数量（默认 {DEFAULT_ACHIEVEMENTS}，0 表示不载入）",
        )
        parser.add_argument("--no-users", action="store_true", help="不创建演示账号")
        parser.add_argument("--quiet", action="store_true", help="只输出警告，不输出汇总")

    def handle(self, *args, achievements: int, no_users: bool, quiet: bool, **options):
        started = time.monotonic()
        loader = DemoLoader(
            achievements=achievements,
            with_users=not no_users,
            log=lambda message: self.stderr.write(self.style.WARNING(message)),
        ).run()
        if quiet:
            return
        for line in loader.summary_lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（{time.monotonic() - started:.1f} 秒）。"))
