"""The report's numbered sections (report-format.md §1, and §5.2 for pre2019 reports).

A section heading is 「一、总体情况」: a Chinese numeral, 「、」, and a short title, at the start of
a line or inline after a space (pages flattened to one long line). Numbered rows of the
statutory tables (「四、结转下年度继续办理」) look the same, so headings are chosen in order 一, 二,
三…, preferring at each number a title that names a known section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcrawl.extract.decoding import nfkc

NUMERALS = "一二三四五六七八九十"

# key ← title keywords, tried in order. The first six are the national skeleton (§1); the
# rest are pre2019 headings (§5.2).
SECTION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("review_litigation", r"复议|诉讼"),
    ("applications", r"收到和处理|依申请|申请公开|申请情况|申请的情况"),
    ("active_disclosure", r"主动公开"),
    ("fees", r"收费|减免"),
    ("problems_improvements", r"问题|改进|不足"),
    ("other_matters", r"其他需要报告|其他事项|需要说明|说明的事项|其他"),
    ("overview", r"总体情况|概述|概况|基本情况|总体"),
)
STATUTORY_KEYS = ("active_disclosure", "applications", "review_litigation")

# The heading number stands at a line's start or after a space (十一…十九 before 一…十); the title
# runs to the end of the line, or to the next space when inline. The pattern starts with the
# numeral's class and looks behind only after it: starting with a look-behind (or ^), it would be
# tried at every character of the text.
HEADING = re.compile(
    rf"(?P<number>[{NUMERALS}](?<!\S[{NUMERALS}])(?:(?<=十)[{NUMERALS[:9]}])?)\s*[、.]\s*(?P<title>[^\s。；;，,]{{2,40}})(?=\s|$)",
    re.M,
)


@dataclass(frozen=True)
class Section:
    no: int
    key: str | None
    title: str
    start: int  # offset of the heading in the text
    end: int  # offset where the next section starts
    body_start: int

    def as_dict(self, text: str) -> dict:
        return {"no": self.no, "key": self.key, "title": self.title, "text": text[self.body_start : self.end].strip()}


def section_key(title: str) -> str | None:
    title = nfkc(title)
    for key, pattern in SECTION_KEYWORDS:
        if re.search(pattern, title):
            return key
    return None


def _number(numeral: str) -> int:
    """一…十 → 1…10, 十一…十九 → 11…19."""
    if len(numeral) == 2:
        return 10 + NUMERALS.index(numeral[1]) + 1
    return NUMERALS.index(numeral) + 1


def find_sections(text: str, tables: list[tuple[int, int]] = ()) -> list[Section]:
    """The sections of `text`; `tables` are the (start, end) offsets of its data tables, whose
    numbered rows (「一、主动公开情况」 in a statistics table) are not headings."""
    candidates = [
        (m, _number(m.group("number")))
        for m in HEADING.finditer(text)
        if not any(start <= m.start() < end for start, end in tables)
    ]
    chosen = []
    position, expected = 0, 1
    while True:
        later = [m for m, number in candidates if number == expected and m.start() >= position]
        if not later:
            break
        named = [m for m in later if section_key(m.group("title"))]
        heading = named[0] if named else later[0]
        chosen.append(heading)
        position, expected = heading.end(), expected + 1
    sections = []
    for index, heading in enumerate(chosen):
        end = chosen[index + 1].start() if index + 1 < len(chosen) else len(text)
        title = heading.group("title")
        sections.append(Section(index + 1, section_key(title), title, heading.start(), end, heading.end()))
    return sections
