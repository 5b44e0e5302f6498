"""The engine's fast paths give what their plain forms give (README "The engine").

Each shortcut taken for speed is checked here against the plain way of computing the same thing:
NFKC with full-width forms folded first against unicodedata alone, the patterns that look behind
after their first character (the prose form's, the figures') against the same patterns looking
behind first, a page parsed from
its UTF-8 bytes against the page parsed from its text, a cell's one-text-node shortcut against the
cell read line by line, the Traditional-only characters against converting each one alone, the
grid's shared slots against a slot made for every position."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from govcrawl.extract import chrome, htmltable, sections, stats
from govcrawl.extract.decoding import decode_with_utf8, nfkc
from govcrawl.extract.document import Cell
from govcrawl.extract.htmlpage import document_from_html, parse_page
from govcrawl.extract.script import FIRST_HAN, LAST_HAN, _converter, _traditional_only
from govcrawl.extract.tables import grid
from govcrawl.extract.tables.values import is_value

# Characters the engine's patterns and NFKC care about, and some they do not.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789. ,，。；:：（）()|[]「」　\u00a0\n\t一二三四五六七八九十百千万零〇两第件条次篇起宗个、")
        + list("政府信息公开申请未没有无行政复议诉讼总体情况主动ａＡ１\u0301\u3099ｶﾞ﹙①㈠中文")
    ),
    max_size=30,
)


@given(st.text(max_size=40) | TEXT)
@settings(max_examples=500, deadline=None)
def test_nfkc_is_unicodedata_nfkc(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


# The prose-form and heading patterns as first written: a look-behind before the first character.
CJK, UNITS, NUMERALS, SPACE = stats.CJK, stats.COUNT_UNITS, stats.NUMERALS, stats.SPACE
LOOKING_BEHIND_FIRST = {
    stats._SPACE_BY_DIGIT: re.compile(rf"(?<=[\d{CJK}]){SPACE}+(?=\d)|(?<=\d){SPACE}+(?=[{CJK}])"),
    stats._SPACED_DIGITS: re.compile(rf"(?<![\d.])\d(?: \d)+(?= ?[{UNITS}])"),
    stats._CHINESE_NUMBER: re.compile(rf"(?<![第{NUMERALS}])([{NUMERALS}]+)(?=[{UNITS}])"),
    sections.HEADING: re.compile(
        rf"(?:^|(?<=\s))(?P<number>十[{sections.NUMERALS[:9]}]|[{sections.NUMERALS}])\s*[、.]\s*(?P<title>[^\s。；;，,]{{2,40}})(?=\s|$)",
        re.M,
    ),
}


@given(TEXT)
@settings(max_examples=1000, deadline=None)
def test_patterns_find_what_they_find_looking_behind_first(text):
    for pattern, plain in LOOKING_BEHIND_FIRST.items():
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


# A figure as first written: the look-behind before its first digit.
FIGURE_LOOKING_BEHIND_FIRST = r"(?<![\d.\-~～至约近超逾])(?P<n>\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?![\d.])"
FIGURE_TEXT = st.text(alphabet=st.sampled_from(list("0123456789,.-~～至约近件申请 ")), max_size=30)
PROSE_PIECES = st.lists(
    st.sampled_from(
        ["共", "全区", "本年度", "2020年", "收到", "受理", "政府信息公开申请", "申请", "12", "1,234", "12,34", "3.5", "约", "至",
         "-", "件", "条", "起", "结转至", "下一年度", "上年结转", "自然人", "其他", "予以公开", "不予公开", "行政复议", "行政诉讼",
         "主动公开", "信息", "规范性文件", "制发", "办结", "，", "的"]
    ),
    max_size=12,
).map("".join)


@given(FIGURE_TEXT)
@settings(max_examples=1000, deadline=None)
def test_a_figure_is_found_where_it_was_found_looking_behind_first(text):
    for context in ("{}", "{}件", "申请{}件"):
        pattern, plain = re.compile(context.format(stats.N)), re.compile(context.format(FIGURE_LOOKING_BEHIND_FIRST))
        assert [(m.span(), m.groupdict()) for m in pattern.finditer(text)] == [(m.span(), m.groupdict()) for m in plain.finditer(text)]


@given(PROSE_PIECES)
@settings(max_examples=500, deadline=None)
def test_the_figure_patterns_find_what_they_found_looking_behind_first(sentence):
    for _key, pattern, _gate in stats.STAT_PATTERNS:
        plain = pattern.replace(stats.N, FIGURE_LOOKING_BEHIND_FIRST)
        found, expected = re.search(pattern, sentence), re.search(plain, sentence)
        assert (found and (found.span(), found.groupdict())) == (expected and (expected.span(), expected.groupdict()))


@given(st.text(alphabet=st.characters(blacklist_characters="|["), max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_line_without_the_marks_holds_no_chrome_fragment(line):
    assert chrome._FRAGMENT.search(line) is None


def test_traditional_only_characters_are_those_converted_alone():
    t2s = _converter("t2s")
    alone = "".join(chr(code) for code in range(FIRST_HAN, LAST_HAN + 1) if t2s.convert(chr(code)) != chr(code))
    assert _traditional_only().pattern == f"[{alone}]"


CELL_CONTENT = st.lists(
    st.sampled_from(["12", " ", "\n ", "\u00a0", "结", "果", "<br>", "<p>", "</p>", "<span>", "</span>", "<!-- c -->", "<div>x</div>", "<b> 3 </b>"]),
    max_size=8,
)


@given(CELL_CONTENT)
@settings(max_examples=300, deadline=None)
def test_a_cell_of_one_text_node_reads_as_the_cell_read_line_by_line(pieces):
    cell = html.fragment_fromstring(f"<table><tr><td>{''.join(pieces)}</td></tr></table>").find(".//td")
    assert htmltable.cell_text(cell, all_shown=True) == htmltable.cell_text(cell)


PAGES = [
    "<!DOCTYPE html><html><head><meta charset='gb2312'><title>报告_网站</title></head><body><div id='zoom'><p>一、总体情况</p>"
    "<table><tr><td>１２</td><td>a\r\nb</td></tr></table></div></body></html>",
    "<!-- only a comment -->",
    "<p>\U0001F600 𠀀 &nbsp;&#12288;</p>" + "<div>" * 600 + "deep" + "</div>" * 600,
]


def test_a_page_parsed_from_its_utf8_bytes_is_the_page_parsed_from_its_text():
    for page in PAGES:
        text, utf8 = decode_with_utf8(page.encode("utf-8"), "text/html")
        assert utf8 is not None
        from_text, from_bytes = parse_page(text), parse_page(text, utf8)
        assert etree.tostring(from_text.getroottree()) == etree.tostring(from_bytes.getroottree())
        assert document_from_html(text) == document_from_html(text, None, utf8)


def grid_slot_per_position(rows: list[list[Cell]]) -> list[list[grid.Slot]]:
    """The grid as first written: a slot made for every position a cell covers."""
    positions: list[dict[int, grid.Slot]] = [{} for _ in rows]
    cell_id = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c in positions[r]:
                c += 1
            for dr in range(min(cell.rowspan, len(rows) - r)):
                for dc in range(cell.colspan):
                    positions[r + dr].setdefault(c + dc, grid.Slot(cell_id, cell.text, first_row=dr == 0))
            c += cell.colspan
            cell_id += 1
    return [[columns[c] for c in sorted(columns)] for columns in positions]


def lines_by_cell_id(rows: list[list[Cell]]) -> list[list[str]]:
    result = []
    for grid_row in grid_slot_per_position(rows):
        seen, line = set(), []
        for slot in grid_row:
            if slot.cell_id not in seen and (slot.first_row or not is_value(slot.text)):
                seen.add(slot.cell_id)
                line.append(slot.text)
        result.append(line)
    return result


SPANNED_TABLES = st.lists(
    st.lists(
        st.builds(Cell, st.sampled_from(["", "1", "0", "/", "合计", "申请", "（三）不予公开"]), st.integers(1, 4), st.integers(1, 4)),
        max_size=6,
    ),
    max_size=8,
)


@given(SPANNED_TABLES)
@settings(max_examples=1000, deadline=None)
def test_the_grid_of_shared_slots_is_the_grid_of_a_slot_per_position(rows):
    assert grid.expand(rows) == grid_slot_per_position(rows)
    assert grid.lines(rows) == lines_by_cell_id(rows)
