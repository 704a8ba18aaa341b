"""The English version of the site: pages switch language, and the committed catalogue is complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from innomarket.matching.services import rebuild_index
from innomarket.regions.tests.helpers import make_listing

LOCALE_DIR = Path(settings.BASE_DIR) / "innomarket" / "locale"
PO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"

SECTION_NAMES_EN = (
    "Policy Releases",
    "Resource Sharing",
    "Technology Matching",
    "Financial Services",
    "Talent Exchange",
    "Achievement Showcase",
)
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|\{[A-Za-z_]*\}")


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English leaves English active in this thread; later tests expect the default."""
    yield
    translation.deactivate()


def _english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_in_english_after_switching_language(client):
    html = _english(client).get(reverse("site:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Shanghai–Nanjing Corridor Innovation Marketplace" in html
    for name in SECTION_NAMES_EN:
        assert name in html
    assert "Six service sections" in html
    assert "Post a challenge" in html
    assert "Take a challenge" in html
    assert "Integrated resource navigation" in html
    assert "我要发榜" not in html
    assert "我要揭榜" not in html
    assert "六大服务板块" not in html


@pytest.mark.django_db
def test_home_in_english_by_accept_language(client):
    html = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Post a challenge" in html
    assert "我要发榜" not in html


@pytest.mark.django_db
def test_list_page_in_english(client):
    make_listing("policy", city="nanjing", title="示例政策甲")
    html = client.get(reverse("policies:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Policies</h1>" in html
    assert "1 item" in html
    assert "示例政策甲" in html  # the data stays as published
    assert "Filter" in html
    assert "共 1 条" not in html
    assert "筛选" not in html


@pytest.mark.django_db
def test_search_page_in_english(client):
    client = _english(client)
    html = client.get(reverse("matching:search")).content.decode()
    assert "Search tips" in html
    assert "All types" in html
    assert "搜索提示" not in html

    make_listing("policy", city="nanjing", title="人工智能产业政策")
    rebuild_index()
    html = client.get(reverse("matching:search"), {"q": "人工智能"}).content.decode()
    assert "1 result for “人工智能”" in html
    assert "Policies (1)" in html
    assert "共找到" not in html


@pytest.mark.django_db
def test_chinese_remains_the_default(client):
    html = client.get(reverse("site:home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我要发榜" in html
    assert "六大服务板块" in html
    assert "Post a challenge" not in html

    html = client.get(reverse("policies:list")).content.decode()
    assert "Policies" not in html


@pytest.mark.django_db
def test_switching_back_to_chinese(client):
    _english(client)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("site:home")).content.decode()
    assert "我要发榜" in html
    assert "Post a challenge" not in html


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def _parse_po(text: str) -> list[dict]:
    """Entries of a PO file: flags, msgid, msgid_plural, msgstr (list; one item unless plural)."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple[str, int] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        starts_entry = line.startswith("#") or line.startswith("msgid ") or line.startswith("msgctxt ")
        if not line or (starts_entry and entry is not None and entry["msgstr"]):
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            if not line:
                continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#~"):
            entry["flags"].add("obsolete")
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            key, index = field
            if key == "msgstr":
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = ("msgstr", int(match[1]))
                entry["msgstr"][field[1]] = _unquote(value)
            elif keyword == "msgstr":
                field = ("msgstr", 0)
                entry["msgstr"][0] = _unquote(value)
            else:
                field = (keyword, 0)
                entry[keyword] = _unquote(value)
    if entry is not None:
        entries.append(entry)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return _parse_po(PO_PATH.read_text(encoding="utf-8"))


def test_po_is_complete(po_entries):
    assert len(po_entries) > 300
    header = PO_PATH.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "fuzzy" not in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    problems = []
    for e in po_entries:
        expected_forms = 2 if e["msgid_plural"] is not None else 1
        if e["flags"] & {"fuzzy", "obsolete"}:
            problems.append(("flag", e["msgid"], sorted(e["flags"])))
        if len(e["msgstr"]) != expected_forms or not all(e["msgstr"].values()):
            problems.append(("untranslated", e["msgid"]))
            continue
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for text in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(("placeholders", e["msgid"], text))
    assert problems == []


def test_po_uses_the_agreed_names(po_entries):
    translations = {e["msgid"]: e["msgstr"][0] for e in po_entries if e["msgid_plural"] is None}
    assert translations["沿沪宁协同创新集市"] == "Shanghai–Nanjing Corridor Innovation Marketplace"
    assert translations["我要发榜"] == "Post a challenge"
    assert translations["我要揭榜"] == "Take a challenge"
    assert translations["示例"] == "Sample"
    assert translations["联盟管理员"] == "Alliance administrator"
    assert "seven cities and one district" in translations["联盟地图 · 七市一区"]


def test_mo_matches_po(po_entries):
    """The committed .mo is compiled from the committed .po: every message translates as the .po says."""
    with MO_PATH.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    mismatches = []
    for e in po_entries:
        if e["msgid_plural"] is None:
            got = [catalogue.gettext(e["msgid"])]
            want = [e["msgstr"][0]]
        else:
            got = [catalogue.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            want = [e["msgstr"][0], e["msgstr"][1]]
        if got != want:
            mismatches.append((e["msgid"], got, want))
    assert mismatches == []
    singular_ids = {key[0] if isinstance(key, tuple) else key for key in catalogue._catalog if key}
    assert singular_ids == {e["msgid"] for e in po_entries}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext")
def test_catalogue_covers_every_translatable_string(settings, tmp_path, monkeypatch, po_entries):
    """Re-extract into a scratch directory: nothing wrapped in the code is missing from the committed .po."""
    committed = PO_PATH.read_bytes()
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(settings.BASE_DIR)
    # Ignoring "locale" keeps makemessages from adopting innomarket/locale (and rewriting the real .po).
    ignore = [".venv", "node_modules", "var", "tests", "locale"]
    call_command("makemessages", locale=["en"], ignore_patterns=ignore, verbosity=0)
    assert PO_PATH.read_bytes() == committed
    fresh = _parse_po((tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    assert len(fresh) > 300
    missing = {e["msgid"] for e in fresh} - {e["msgid"] for e in po_entries}
    assert missing == set(), "run `make messages` and translate the new strings"
