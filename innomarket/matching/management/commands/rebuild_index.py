"""manage.py rebuild_index: rebuild the search index from the database (it is derived data)."""

import time

from django.core.management.base import BaseCommand

from innomarket.matching.services import rebuild_index


class Command(BaseCommand):
    help = "从数据库重建检索索引（只收录已核验公开的信息；未改动的记录复用已存向量）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="新记录先按关键词可检索，语义向量交给后台任务（db_worker）计算",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()

        def progress(type_key, report):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {type_key}: {report.as_dict()}")

        report = rebuild_index(background=options["background"], progress=progress)
        figures = report.as_dict()
        self.stdout.write(
            self.style.SUCCESS(
                "search index: {upserted} stored, {unchanged} unchanged, {removed} removed, "
                "{embedded_passages} passages embedded, {deferred} left to the background worker, in {secs:.1f} s".format(
                    **figures, secs=time.perf_counter() - started
                )
            )
        )
