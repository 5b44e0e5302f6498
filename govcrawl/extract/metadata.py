"""Report metadata: title, unit, statistics year and period, publication date, publisher.

Every rule reads the NFKC form of the text, so 「２０２０年」 and 「发布时间：」 match like their
half-width forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcrawl.extract.decoding import nfkc
from govcrawl.extract.regions import ZONES, place_at_start

# A report title: "…政府信息公开…年度报告 / 年报 / 工作报告 / 工作的报告", short enough to be a
# heading (「…关于2020年度政府信息公开工作的报告」).
REPORT_TITLE = re.compile(r"政府信息公开.{0,12}?(年度报告|年报|工作报告|工作的报告|情况的报告)")
MAX_TITLE_CHARS = 60
# Pages in report columns that are about a report, not reports.
NOT_REPORT_TITLE = re.compile(r"解读|图解|答记者问|问答|通知|公告")

TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# The organ words a unit name ends with; a title prefix without one is a bare place name.
ORGAN_SUFFIX = re.compile(
    r"(人民政府|政府|管委会|管理委员会|办公室|办公厅|委员会|委|办|局|厅|署|中心|办事处|公司|院|所|站|队|会|部)$"
)
# A department named under its parent's level word alone: 「市发展改革委」 of 天津市.
UNDER_PARENT = re.compile(r"^[省市区县](?![辖级])")
# A report body that opens without a title: 「2024年，河东区坚持…」.
OPENING_PLACE = re.compile(r"^(?P<year>(?:19|20)\d{2})年度?[,，]?\s*(?P<place>[^\s,，。、]{2,14}?(?:省|市|区|县|旗|镇|乡|街道))")
# 天桥区政府 is the short form of 天桥区人民政府.
SHORT_GOVERNMENT = re.compile(r"(?<!人民)政府$")
# Organs below the county level: a street office or a town/township government. GB/T 2260 stops
# at the county, so such a unit has its county's code and the level "township".
TOWNSHIP_ORGAN = re.compile(r"(街道办事处|街道|[镇乡]人民政府|[镇乡])$")

DATE_TIME = re.compile(
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:时]\s*(\d{2})(?:\s*:\s*(\d{2}))?)?"
)
SOURCE_LABEL = re.compile(r"(?:信息)?来源\s*:\s*(.+?)(?=\s+(?:发布|时间|日期|浏览|字号|点击)|$)")
DATE_LABEL = re.compile(r"(?:发布时间|发布日期|成文日期|时间|日期)\s*:\s*([\d年月日:\-/. ]+)")
# A signature date: the whole line is a date.
SIGNATURE_DATE = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$")
MAX_SIGNATURE_NAME_CHARS = 30

# 「统计期限自2020年1月1日起至2020年12月31日止」, 「为2020年1月1日至2019年12月31日」, and the
# same with characters dropped: 「从202011日起至20201231日止」. Years are the first four digits.
PERIOD = re.compile(r"统计(?:期限|时限|区间|时间)[^0-9]{0,4}((?:19|20)\d{2})[^至到]{0,12}?[至到]\s*((?:19|20)\d{2})")


@dataclass(frozen=True)
class Period:
    start_year: int
    end_year: int

    @property
    def consistent(self) -> bool:
        return self.start_year == self.end_year


def is_report_title(line: str) -> bool:
    line = nfkc(line)
    return len(line) <= MAX_TITLE_CHARS and bool(REPORT_TITLE.search(line))


def is_not_report_title(title: str) -> bool:
    return bool(NOT_REPORT_TITLE.search(nfkc(title)))


def title_year(title: str | None) -> int | None:
    found = TITLE_YEAR.search(nfkc(title or ""))
    return int(found.group(1)) if found else None


def statistics_period(text: str) -> Period | None:
    found = PERIOD.search(nfkc(text))
    return Period(int(found.group(1)), int(found.group(2))) if found else None


def published_from(value: str | None) -> str | None:
    """ISO 8601: with +08:00 when a time is given, the date alone when only a date is."""
    found = DATE_TIME.search(nfkc(value or ""))
    if not found:
        return None
    year, month, day, hour, minute, second = found.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is None:
        return date
    return f"{date}T{int(hour):02d}:{minute}:{second or '00'}+08:00"


def labelled_source(lines: list[str]) -> str | None:
    for line in lines:
        found = SOURCE_LABEL.search(nfkc(line))
        if found and found.group(1).strip():
            return found.group(1).strip()
    return None


def labelled_date(lines: list[str]) -> str | None:
    for line in lines:
        found = DATE_LABEL.search(nfkc(line))
        if found and (published := published_from(found.group(1))):
            return published
    return None


def signature(lines: list[str]) -> tuple[int, str | None, str] | None:
    """The report's closing signature: (index of the date line, the signing body, ISO date).

    It is the last line that is a date alone; the line before it names the body when short."""
    for index in range(len(lines) - 1, -1, -1):
        found = SIGNATURE_DATE.match(nfkc(lines[index]).replace(" ", ""))
        if found:
            year, month, day = found.groups()
            name = lines[index - 1].strip() if index else ""
            body = name if 0 < len(name) <= MAX_SIGNATURE_NAME_CHARS and not re.search(r"[。，,；;:：]", name) else None
            return index, body, f"{year}-{int(month):02d}-{int(day):02d}"
    return None


@dataclass(frozen=True)
class Unit:
    name: str | None
    region_code: str | None
    level: str | None

    def as_dict(self) -> dict:
        return {"name": self.name, "region_code": self.region_code, "level": self.level}


def opening_year(text: str | None) -> int | None:
    """The year a body without a title opens with: 「2024年，河东区坚持…」."""
    found = OPENING_PLACE.match(nfkc(text or "").strip())
    return int(found["year"]) if found else None


def unit_from(title: str | None, hint: dict | None, opening: str | None = None) -> Unit:
    """The unit a report is of: named by its title when the title names one, else by the place
    the body opens with (「2024年，河东区坚持…」, for a body without a title), else the crawl's hint.

    A bare place name means its government (临海市 → 临海市人民政府); a district named without its
    city gets it (天桥区人民政府 → 济南市天桥区人民政府); a department named under its parent's level
    word (市发展改革委) gets the parent from the hint; the region code is the place's the name
    starts with, else the hint's."""
    hint = hint or {}
    hint_code = hint.get("region_code")
    prefix = _unit_words(title)
    if not prefix and opening and (found := OPENING_PLACE.match(nfkc(opening).strip())):
        prefix = found["place"]
    if UNDER_PARENT.match(prefix) and (parent := place_at_start(nfkc(hint.get("name") or ""), hint_code)):
        place = parent[0]
        if place.name.endswith(prefix[0]):
            prefix = place.name + prefix[1:]
    if not prefix:
        return Unit(hint.get("name"), hint_code, hint.get("level"))
    for zone_name, zone in ZONES.items():
        if prefix.startswith(zone_name):
            governs = prefix[len(zone_name):] in ("", "管委会", "管理委员会")
            return Unit(zone.organ if governs else prefix, hint_code or zone.code, "county" if governs else "department")
    found = place_at_start(prefix, hint_code)
    if found is None:
        # No place in the name (天津经济技术开发区管理委员会): the crawl knows where it is.
        name = prefix if ORGAN_SUFFIX.search(prefix) else prefix + "人民政府"
        if hint.get("name") == name and hint.get("level"):
            level = hint["level"]
        else:
            level = "department" if ORGAN_SUFFIX.search(name) and not name.endswith("人民政府") else None
        return Unit(name, hint_code, level)
    place, organ = found
    organ = SHORT_GOVERNMENT.sub("人民政府", organ) or "人民政府"
    if organ == "人民政府":
        level = place.level
    else:
        level = "township" if TOWNSHIP_ORGAN.search(organ) else "department"
    # The name's own place decides the code: a crawl's hint may be the portal owner's (a district
    # report found on the municipal portal).
    return Unit(place.name + organ, place.code, level)


def _unit_words(title: str | None) -> str:
    """The unit a report title names: the words before the year (「天津市红桥区人民政府」2020年…,
    「天津市发展和改革委员会」关于2020年度…), or, with the year first, the words after it
    (2019年「上海市人民政府办公厅」政府信息公开工作年度报告)."""
    title = nfkc(title or "").replace(" ", "")
    found = TITLE_YEAR.search(title)
    if not found:
        return ""
    before = re.sub(r"关于$", "", title[: found.start()].strip("《》“”\""))
    if before:
        return before
    after = re.match(r"度?(.+?)(?:关于)?(?:政府信息公开|政务公开)", title[found.end() :])
    return after.group(1) if after else ""
