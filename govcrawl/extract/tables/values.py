"""Value cells: what a cell's text means as a number (schema.md "Values").

A cell either is a value (a number, possibly signed and with a unit, or one of the ways reports
write "nothing": blank, -, /, 无 …) or it is not, in which case it is a label. The raw text is
never thrown away; the record stores the number and the cell feed keeps the raw string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# Ways of writing "nothing" in a value cell, after NFKC and whitespace removal.
ZERO_MARKS = frozenset({"-", "--", "---", "—", "——", "–", "−", "/", "无", "不适用"})
NEGATIVE_SIGNS = frozenset({"减", "减少", "-", "--", "−"})
COUNT_UNITS = frozenset({"次", "件", "条", "个", "项", "人次", "人", "家", "篇"})
MONEY_UNITS = {"元": Decimal(10000), "万元": Decimal(1)}  # divisor to 万元

_NUMBER = re.compile(
    r"(?P<sign>增加|减少|增|减|\+|-{1,2}|−)?"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\(?(?P<unit>万元|元|人次|[次件条个项人家篇])?\)?"
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CellValue:
    number: Decimal  # 0 for the "nothing" encodings
    unit: str | None  # as written in the cell: "元", "万元", "次", …
    blank: bool  # the source left the cell empty (a check on it is not assessable, not failed)


# Value cells repeat ("0", "1", "/") on every line and every page: the parse of a text is cached.
# CellValue is frozen, so a cached one can be shared.
@lru_cache(maxsize=16384)
def parse_value(text: str) -> CellValue | None:
    """The value a cell holds, or None when the text is not a value (a label, a remark)."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    if not compact:
        return CellValue(Decimal(0), None, blank=True)
    if compact in ZERO_MARKS:
        return CellValue(Decimal(0), None, blank=False)
    match = _NUMBER.fullmatch(compact)
    if not match:
        return None
    number = Decimal(match["digits"].replace(",", ""))
    if match["sign"] in NEGATIVE_SIGNS:
        number = -number
    return CellValue(number, match["unit"], blank=False)


@lru_cache(maxsize=16384)  # a table reader asks this of every cell of every line: a hit is answered in C
def is_value(text: str) -> bool:
    return parse_value(text) is not None


def as_count(value: CellValue) -> int | None:
    """A count as an integer; None where the cell cannot be a count (decimals, a money unit)."""
    if value.unit is not None and value.unit not in COUNT_UNITS:
        return None
    if value.number != value.number.to_integral_value():
        return None
    return int(value.number)


def as_wan_yuan(value: CellValue, column_unit: str | None) -> float | None:
    """Money in 万元. The cell's own unit wins over the column header's; with neither the
    magnitude is unknowable (元 and 万元 differ 10,000-fold), so the value is not read."""
    if value.number == 0:
        return 0.0
    unit = value.unit or column_unit
    if unit not in MONEY_UNITS:
        return None
    return float(value.number / MONEY_UNITS[unit])
