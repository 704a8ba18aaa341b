"""Demo data for the alliance map: the members' 科创云平台 entries (flagged 待核实) and every record's point.

The source documents say the map will "支持一键跳转各城市科创云平台" (DOC_001) but name no city's
platform and give no address. The demo therefore writes the documents' own designation for each
member ("<城市>科创云平台"), flags it 待核实 and says where it comes from; it never writes a URL, so
the site shows 「网址待核实」 instead of a link until a city administrator enters the real one.
Only blank fields are filled: what an administrator entered is never overwritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from innomarket.demo import seed_facts as F
from innomarket.regions.models import City
from innomarket.regions.services import records_geocode

if TYPE_CHECKING:
    from innomarket.demo.loader import DemoLoader

CLOUD_PLATFORM_NOTE = (
    f"通称，取自{F.DOC_001}“支持一键跳转各城市科创云平台”；该文件未列出平台名称与网址，待本市核实。"
)


def cloud_platform_name(city: City) -> str:
    return f"{city.name}科创云平台"


@transaction.atomic
def load_map(loader: DemoLoader) -> None:
    """Fill the members' blank 科创云平台 entries (待核实, no URL), then place every record on the map."""
    for city in City.objects.filter(is_member=True, cloud_platform_name=""):
        city.cloud_platform_name = cloud_platform_name(city)
        city.cloud_platform_unconfirmed = True
        if not city.cloud_platform_note:
            city.cloud_platform_note = CLOUD_PLATFORM_NOTE
        city.full_clean()
        city.save(
            update_fields=[
                "cloud_platform_name",
                "cloud_platform_unconfirmed",
                "cloud_platform_note",
                "updated_at",
            ]
        )
        loader.updated["regions.City"] += 1
    records_geocode()
