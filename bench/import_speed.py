"""批量导入 speed: N organisation rows as xlsx and as csv, validated and committed by the intake
pipeline, next to django-import-export importing the same file into the same model in the same run.

    .venv/bin/python bench/import_speed.py [--rows 100000] [--formats xlsx,csv] [--json]

Rows are realistic: Chinese company names (unique), valid 统一社会信用代码 with the city's region
code, the eight member cities (full or short names), kinds, addresses, one or two field tags and an
introduction. (Organisation has no phone or e-mail field, so the file has none.)

Ours: ``intake.services.validate`` (read + parse + duplicate checks in the file and against the
database) then ``commit`` (bulk inserts, M2M tags, one StatusEvent per record, one transaction).
Baseline: a django-import-export ``ModelResource`` for Organisation with the same columns (the Chinese
labels of kind and city resolved by widgets, tags by a ManyToManyWidget, ``import_id_fields`` the
credit code so a re-import does not duplicate), ``dry_run=False, use_transactions=True``. Each run
starts from an empty table. ``--baseline-rows N`` gives the baseline the first N rows of the same
data (written as its own xlsx/csv) when the full file would take it too long; its rate is per row. Uses a throwaway SQLite database in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CITIES = [
    ("普陀区", "普陀", "310107"),
    ("南京市", "南京", "320100"),
    ("无锡市", "无锡", "320200"),
    ("常州市", "常州", "320400"),
    ("苏州市", "苏州", "320500"),
    ("南通市", "南通", "320600"),
    ("镇江市", "镇江", "321100"),
    ("泰州市", "泰州", "321200"),
]
WORDS = list("华创科智联芯新源盛达通信电子微纳光磁云数能材医康瑞博安泰恒宏远鼎晟昊锐启航星辰")
TRADES = [
    "智能科技",
    "半导体",
    "生物医药",
    "新材料",
    "信息技术",
    "机器人",
    "新能源",
    "医疗器械",
    "软件",
    "精密制造",
]
FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
KINDS = ["企业"] * 8 + ["科研院所", "服务机构"]
TAGS = ["人工智能", "集成电路", "生物医药", "新材料", "智能制造", "软件和信息服务", "绿色低碳", "数字经济"]
HEADER = ["机构名称*", "机构类型*", "统一社会信用代码", "所属城市*", "地址", "领域/产业", "简介"]


def make_rows(n: int, seed: int = 5) -> list[list[str]]:
    from innomarket.intake.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    rnd = random.Random(seed)
    rows, names, codes = [], set(), set()
    while len(rows) < n:
        city, short, region = rnd.choice(CITIES)
        name = f"{short}{''.join(rnd.sample(WORDS, 2))}{rnd.choice(TRADES)}{rnd.choice(FORMS)}"
        if name in names:
            name = f"{short}{''.join(rnd.sample(WORDS, 3))}{rnd.choice(TRADES)}{rnd.choice(FORMS)}"
        if name in names:
            continue
        body = "91" + region + "".join(rnd.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
        code = body + credit_code_check_char(body)
        if code in codes:
            continue
        names.add(name)
        codes.add(code)
        rows.append(
            [
                name,
                rnd.choice(KINDS),
                code,
                rnd.choice((city, short)),
                f"{city}{rnd.choice(WORDS)}{rnd.choice(WORDS)}路{rnd.randint(1, 999)}号",
                "、".join(rnd.sample(TAGS, rnd.randint(1, 2))),
                f"专注于{rnd.choice(TRADES)}领域的研发与产业化，服务长三角企业。",
            ]
        )
    return rows


def write_files(rows: list[list[str]], directory: Path) -> dict[str, Path]:
    import csv

    from openpyxl import Workbook

    paths = {"csv": directory / "orgs.csv", "xlsx": directory / "orgs.xlsx"}
    with open(paths["csv"], "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("机构")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(paths["xlsx"])
    return paths


def reset_tables() -> None:
    from django.db import connection

    from innomarket.organisations.models import Organisation
    from innomarket.verification.models import StatusEvent

    with connection.cursor() as cursor:
        for model in (Organisation.fields.through, Organisation.tags.through, StatusEvent, Organisation):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our own table names


def make_resource():
    from import_export import fields, resources, widgets

    from innomarket.organisations.models import Organisation
    from innomarket.regions.models import City
    from innomarket.taxonomy.models import FieldTag

    kinds = {str(label): value for value, label in Organisation.Kind.choices}

    class ChoiceLabelWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return kinds[str(value).strip()]

    class CityWidget(widgets.ForeignKeyWidget):
        def __init__(self):
            super().__init__(City, "name")
            self.cities = {}
            for c in City.objects.all():
                self.cities[c.name] = self.cities[c.short_name] = c

        def clean(self, value, row=None, **kwargs):
            return self.cities[str(value).strip()]

    class OrganisationResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="机构名称*")
        kind = fields.Field(attribute="kind", column_name="机构类型*", widget=ChoiceLabelWidget())
        credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码")
        city = fields.Field(attribute="city", column_name="所属城市*", widget=CityWidget())
        address = fields.Field(attribute="address", column_name="地址")
        fields_ = fields.Field(
            attribute="fields",
            column_name="领域/产业",
            widget=widgets.ManyToManyWidget(FieldTag, field="name", separator="、"),
        )
        intro = fields.Field(attribute="intro", column_name="简介")

        class Meta:
            model = Organisation
            import_id_fields = ("credit_code",)
            fields = ("name", "kind", "credit_code", "city", "address", "fields_", "intro")
            skip_unchanged = False

        def before_save_instance(self, instance, row, **kwargs):
            instance.status = "submitted"
            instance.source = "import"

    return OrganisationResource()


def run_ours(path: Path, rows: int) -> dict[str, float]:
    from innomarket.intake import services

    t0 = time.perf_counter()
    report = services.validate("organisation", path, limit_bytes=10**9, limit_rows=10**7)
    t1 = time.perf_counter()
    assert report.ok, report.problems[:5]
    result = services.commit(report)
    t2 = time.perf_counter()
    assert result.created == rows
    return {
        "validate_s": round(t1 - t0, 2),
        "commit_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "validated_rows_per_s": round(rows / (t1 - t0)),
        "rows_per_s": round(rows / (t2 - t0)),
    }


def run_import_export(path: Path, fmt: str, rows: int) -> dict[str, float]:
    import tablib

    from innomarket.organisations.models import Organisation

    resource = make_resource()
    t0 = time.perf_counter()
    mode = "rb" if fmt == "xlsx" else "r"
    with open(path, mode, **({} if fmt == "xlsx" else {"encoding": "utf-8-sig"})) as f:
        dataset = tablib.Dataset().load(f.read(), format=fmt)
    t1 = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    t2 = time.perf_counter()
    assert not result.has_errors() and not result.has_validation_errors()
    created = Organisation.objects.count()
    assert created == rows, created
    return {"load_s": round(t1 - t0, 2), "total_s": round(t2 - t0, 2), "rows_per_s": round(rows / (t2 - t0))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--skip-baseline", action="store_true", help="only our pipeline")
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=None,
        help="django-import-export imports the first N rows of the same data (default: all; it runs at "
        "tens of rows/s here, so 100,000 rows would take about an hour per format)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="innomarket-import-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "INNOMARKET_EMBEDDER": "",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    t = time.perf_counter()
    rows = make_rows(args.rows)
    paths = write_files(rows, tmp)
    baseline_rows = min(args.baseline_rows or args.rows, args.rows)
    baseline_paths = paths
    if baseline_rows < args.rows:
        (tmp / "baseline").mkdir()
        baseline_paths = write_files(rows[:baseline_rows], tmp / "baseline")
    prepare_s = time.perf_counter() - t
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    out: dict[str, object] = {
        "rows": args.rows,
        "baseline_rows": baseline_rows,
        "prepare_s": round(prepare_s, 1),
        "sizes_mb": {k: round(p.stat().st_size / 1e6, 1) for k, p in paths.items()},
        "loadavg_before": loadavg_before,
        "results": {},
    }
    results: dict[str, dict[str, object]] = out["results"]  # type: ignore[assignment]
    for fmt in args.formats.split(","):
        reset_tables()
        ours = run_ours(paths[fmt], args.rows)
        entry: dict[str, object] = {"ours": ours}
        print(
            f"{fmt}: ours validate {ours['validated_rows_per_s']:,} rows/s "
            f"({ours['validate_s']} s), validate+commit {ours['rows_per_s']:,} rows/s ({ours['total_s']} s)",
            flush=True,
        )
        if not args.skip_baseline:
            reset_tables()
            theirs = run_import_export(baseline_paths[fmt], fmt, baseline_rows)
            entry["django_import_export"] = theirs
            entry["ratio"] = round(float(ours["rows_per_s"]) / float(theirs["rows_per_s"]), 1)
            print(
                f"{fmt}: django-import-export {theirs['rows_per_s']:,} rows/s "
                f"({baseline_rows:,} rows in {theirs['total_s']} s); "
                f"ratio {entry['ratio']}×",
                flush=True,
            )
        results[fmt] = entry
    out["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average before {' '.join(loadavg_before)}, after {' '.join(out['loadavg_after'])}")  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
