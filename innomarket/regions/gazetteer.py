"""An offline gazetteer of the corridor: place a record on the map from its address, without a web geocoder.

``data/gazetteer.csv`` (provenance in ``data/GAZETTEER.md``) lists the seven Jiangsu member cities,
their districts and county-level cities, the sixteen Shanghai districts and a few well-known sub-areas
(苏州工业园区, 张江科学城 …), each with an approximate point. ``geocode(address, city)`` finds the most
specific place of the record's city that the address names and falls back to the city itself. It is
pure Python and never touches the network; no Django import, so it is tested without a database.

Coordinates are approximate (a district's point, not a building's): good for a map of the region,
not for directions. Records whose city the gazetteer does not know get no point at all.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA_FILE = Path(__file__).with_name("data") / "gazetteer.csv"

# Precision of a point, most specific first; the same values as regions.models.Located.Precision.
AREA = "area"  # a development zone or sub-area named in the address (苏州工业园区)
DISTRICT = "district"  # a district or county-level city (江宁区, 昆山市)
CITY = "city"  # only the record's city is known
SPECIFICITY = {AREA: 2, DISTRICT: 1, CITY: 0}

# A place name directly followed by one of these names a street, which is often somewhere else
# (上海的宝山路在虹口、黄浦路在虹口): it says nothing about where the address is.
STREET_SUFFIXES = ("路", "街", "大道", "公路", "巷", "弄")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # city, district or area
    scope: str  # the member city whose addresses may name it (上海市 for every Shanghai district)
    parent: str
    lng: float
    lat: float
    aliases: tuple[str, ...]
    source: str  # geojson-cp, geojson-centroid or table (see GAZETTEER.md)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Location(NamedTuple):
    lng: float
    lat: float
    precision: str  # AREA, DISTRICT or CITY
    place: str  # the gazetteer entry the point comes from (江宁区, 苏州工业园区, 南京市 …)


@cache
def places() -> tuple[Place, ...]:
    """Every entry of the data file, in its order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Place(
                name=row["name"],
                kind=row["kind"],
                scope=row["city"],
                parent=row["parent"],
                lng=float(row["lng"]),
                lat=float(row["lat"]),
                aliases=tuple(a for a in row["aliases"].split("|") if a),
                source=row["source"],
            )
            for row in csv.DictReader(fh)
        )


@cache
def _by_name() -> dict[str, Place]:
    return {p.name: p for p in places()}


@cache
def _matcher(scope: str) -> tuple[re.Pattern[str], dict[str, Place]]:
    """One regular expression for every name of the scope's places (longest first), and name → place."""
    by_name = {name: p for p in places() if p.scope == scope and p.kind != CITY for name in p.names}
    names = sorted(by_name, key=len, reverse=True)
    street = "|".join(map(re.escape, STREET_SUFFIXES))
    pattern = (
        re.compile(f"(?:{'|'.join(map(re.escape, names))})(?!{street})") if names else re.compile(r"(?!x)x")
    )
    return pattern, by_name


def place(name: str) -> Place | None:
    """The entry for a city or district by its full name (南京市, 普陀区), or None."""
    return _by_name().get(name)


def geocode(address: str, city: str) -> Location | None:
    """The point of ``address`` within ``city`` (the City's full name, e.g. 南京市 or 普陀区).

    The most specific place of the city that the address names wins (a sub-area over a district;
    between equals the longer name, then the one written first). A place name followed by 路/街/…
    is a street and does not count. Without such a place, the city's own point (precision ``city``,
    or ``district`` when the city is a Shanghai district). Returns None when the gazetteer does not
    know ``city``. Never calls the network.
    """
    home = place(city)
    if home is None:
        return None
    # A Shanghai district's records may sit in any district of Shanghai; a Jiangsu city's in its own.
    pattern, by_name = _matcher(home.scope)
    text = _SPACES.sub("", address or "")
    best: tuple[tuple[int, int, int], Place] | None = None
    for match in pattern.finditer(text):
        found = by_name[match.group(0)]
        rank = (SPECIFICITY[found.kind], len(match.group(0)), -match.start())
        if best is None or rank > best[0]:
            best = (rank, found)
    chosen = best[1] if best is not None else home
    return Location(chosen.lng, chosen.lat, chosen.kind, chosen.name)


@cache
def _by_point() -> dict[tuple[float, float], str]:
    return {(p.lng, p.lat): p.name for p in reversed(places())}


def place_at(lng: float, lat: float) -> str:
    """The name of the gazetteer entry exactly at this point ("" for a point set by hand)."""
    return _by_point().get((lng, lat), "")
