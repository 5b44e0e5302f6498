"""The pre-2019 《政府信息公开情况统计表》 (国办发〔2014〕32号, its provincial copies and the older
coded forms of 2008–2013), read into the `stats` keys of report-format.md §5.3.

The table is found by its header row: a 指标 column (统计指标, 指标名称, 项目) and a 单位 column
or a value column named as the year's (本年度, 2018年度, 数量). Columns are taken from the header,
never guessed from positions: 序号/代码 columns are skipped, a 历年累计 (cumulative) column is
never the year's figure, and a table with two candidate value columns that no header tells apart
is not read at all (a wrong figure is worse than a missing one).

Rows are mapped by their labels. Many labels are only meaningful under the row above them
(「被依法纠错数」 under 行政复议 or 行政诉讼, 「其中：主要负责同志参加…」 under 新闻发布会 or 在线访谈),
so a row that names a group sets the context for the generic rows after it. A row whose label
maps to no key — a combined label (信函、传真申请数) or a local indicator — is kept under its raw
label in `stats_extra` rather than forced onto a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govcrawl.extract.document import Cell
from govcrawl.extract.tables.grid import Slot, expand
from govcrawl.extract.tables.labels import SECTION, label_key, source_label
from govcrawl.extract.tables.values import as_count, as_wan_yuan, parse_value

# Header words. A cell is the label column, the unit column, a column to skip, or a value
# column (cumulative or the year's).
LABEL_HEADER = re.compile(r"^(统计)?(指标|项目)(名称)?$|^(统计)?指标(名称)?及?(代码|编号)?$|^内容$")
UNIT_HEADER = re.compile(r"^(计量)?单位$")
SKIP_HEADER = re.compile(r"^(序号|代码|编号|行次|栏次)$")
CUMULATIVE_HEADER = re.compile(r"累计|历年|总计至今|截至")
YEAR_HEADER = re.compile(r"本年|本期|当年|(19|20)\d{2}年|^(数量|数值|统计数|数据|合计|本年度)$")
UNITS = frozenset({"条", "件", "次", "篇", "个", "人", "人次", "万元", "元", "项", "家", "场", "期"})
MONEY_UNITS = frozenset({"万元", "元"})
# The header is among a table's first rows, and names its label column with one of these words.
HEADER_ROWS = 6
HEADER_WORDS = ("指标", "项目", "内容")
# A statistics table has at least this many rows mapped to §5.3 keys.
MIN_KEYED_ROWS = 3
_OF_WHICH = re.compile(r"^(其中|含|包括)")

# Rows that set the context of the generic rows under them: (pattern, group, key of the row).
GROUP_ROWS: tuple[tuple[str, str, str | None], ...] = (
    (r"行政复议", "review", "review.total"),
    (r"行政诉讼", "litigation", "litigation.total"),
    (r"举报投诉|投诉举报", "complaints", "complaints.total"),
    (r"新闻发布会", "press", "response.press_conferences"),
    (r"在线访谈", "interviews", "response.online_interviews"),
    (r"^(收到|受理)?申请(总)?数$|^收到申请|^申请总数|^受理申请", "received", "apply.received"),
    (r"^申请办结|^办结(申请)?数", "completed", "apply.completed"),
    (r"不同意公开|不予公开|否决", "denied", "apply.reply.denied"),
    (r"工作人员|人员数", "staff", None),
)
# Generic rows read in their group's context: (pattern, {group: key}).
CONTEXT_ROWS: tuple[tuple[str, dict[str, str]], ...] = (
    (r"维持|驳回", {g: f"{g}.upheld" for g in ("review", "litigation", "complaints")}),
    (r"纠错|纠正", {g: f"{g}.corrected" for g in ("review", "litigation", "complaints")}),
    (r"其他情形", {g: f"{g}.other" for g in ("review", "litigation", "complaints")} | {"denied": "apply.reply.denied.other_law"}),
    (r"主要负责同志|主要负责人", {"press": "response.press_conferences.principal",
                                  "interviews": "response.online_interviews.principal"}),
    (r"当面", {"received": "apply.received.in_person"}),
    (r"传真", {"received": "apply.received.fax"}),
    (r"网络|网上|互联网|电子邮件", {"received": "apply.received.online"}),
    (r"信函", {"received": "apply.received.letter"}),
    (r"按时办结|按期办结", {"completed": "apply.completed.on_time"}),
    (r"延期办结|延期", {"completed": "apply.completed.extended"}),
    (r"国家秘密", {"denied": "apply.reply.denied.state_secret"}),
    (r"商业秘密", {"denied": "apply.reply.denied.commercial_secret"}),
    (r"个人隐私", {"denied": "apply.reply.denied.privacy"}),
    (r"国家安全|公共安全|社会稳定", {"denied": "apply.reply.denied.security_stability"}),
    (r"不是.*所指|不属于政府信息|非政府信息", {"denied": "apply.reply.denied.not_government_info"}),
    (r"专职", {"staff": "org.staff_full_time"}),
    (r"兼职", {"staff": "org.staff_part_time"}),
)
# Rows that name their indicator on their own, tried in order (longer phrases first).
OWN_ROWS: tuple[tuple[str, str], ...] = (
    (r"主动公开(行政)?规范性文件", "active.normative_docs_published"),
    (r"制发(行政)?规范性文件", "active.normative_docs_issued"),
    (r"^(政府)?公报公开", "active.channel.gazette"),
    (r"^(政府)?网站公开", "active.channel.website"),
    (r"^政务微博公开|^微博公开", "active.channel.weibo"),
    (r"^政务微信公开|^微信公开", "active.channel.wechat"),
    (r"^其他方式公开", "active.channel.other"),
    (r"主动公开(政府)?信息(数|总数|条数)", "active.items"),
    (r"回应(公众)?关注热点|重大舆情", "response.hot_topics"),
    (r"政策解读稿件", "response.interpretations"),
    (r"微博微信回应", "response.social_media"),
    (r"其他方式回应", "response.other"),
    (r"已主动公开范围", "apply.reply.already_public"),
    (r"同意部分公开|部分同意公开|^部分公开", "apply.reply.partially_granted"),
    (r"^同意公开", "apply.reply.granted"),
    (r"不属于本(行政)?机关", "apply.reply.not_this_agency"),
    (r"申请(的)?信息不存在", "apply.reply.not_exist"),
    (r"告知作出更改补充", "apply.reply.notify_amend"),
    (r"告知通过其他途径", "apply.reply.notify_other_channel"),
    (r"收取(的)?(费用|费)|收费", "fees_wan_yuan"),
    (r"专门机构", "org.units"),
    (r"查阅(点|场所)", "org.reading_points"),
    (r"专项经费|工作经费|保障经费数", "org.budget_wan_yuan"),
    (r"(工作)?会议|专题会议", "training.meetings"),
    (r"培训班", "training.courses"),
    (r"(接受)?培训(的)?人员|培训人次", "training.trainees"),
)
MONEY_KEYS = frozenset({"fees_wan_yuan", "org.budget_wan_yuan"})

_GROUP_ROWS = tuple((re.compile(p), g, k) for p, g, k in GROUP_ROWS)
_CONTEXT_ROWS = tuple((re.compile(p), keys) for p, keys in CONTEXT_ROWS)
_OWN_ROWS = tuple((re.compile(p), k) for p, k in OWN_ROWS)
_CHANNELS = re.compile(r"当面|传真|网络|网上|信函|电子邮件")


@dataclass
class StatisticsReading:
    stats: dict[str, int | float] = field(default_factory=dict)
    extra: dict[str, int | float] = field(default_factory=dict)  # raw label → value
    # the cell feed: {"table": "statistics", "row": key (or the raw label), "col": "year", "value", "raw", "label"}
    cells: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class _Columns:
    header_rows: int  # the header's last row + 1
    label: list[int]  # grid columns holding label text
    unit: int | None
    year: int
    width: int  # grid columns: the part of the table on the next page has as many


def read_statistics(tables: list[list[list[Cell]]]) -> StatisticsReading:
    """The statistics table among the document's tables (a table split over blocks or pages is
    read part by part, each part with the header its block carries or, when it has the same
    columns, the last one seen)."""
    reading = StatisticsReading()
    columns: _Columns | None = None
    for rows in tables:
        if columns is None and not _may_have_header(rows):
            continue
        grid = expand(rows)
        found = _columns(grid)
        start = 0
        if found is not None:
            columns, start = found, found.header_rows
        elif columns is None or not reading.stats or not grid or len(grid[0]) != columns.width:
            continue
        part = _read_rows(grid[start:], columns)
        if len(part.stats) >= MIN_KEYED_ROWS or (reading.stats and part.cells):
            for key, value in part.stats.items():
                reading.stats.setdefault(key, value)
            for label, value in part.extra.items():
                reading.extra.setdefault(label, value)
            reading.cells.extend(part.cells)
    return reading


def _may_have_header(rows: list[list[Cell]]) -> bool:
    """A cheap look for a header word among the first rows before the grid is built."""
    return any(word in cell.text for row in rows[:HEADER_ROWS] for cell in row for word in HEADER_WORDS)


def is_statistics_header(text: str) -> bool:
    """The first cell of the table's header: its label column or its 序号 column."""
    key = label_key(text)
    return bool(LABEL_HEADER.search(key) or SKIP_HEADER.search(key))


def is_statistics_header_word(text: str) -> bool:
    key = label_key(text)
    return bool(key) and _is_header_word(key)


def is_skipped_column(text: str) -> bool:
    """The header of a 序号 or 代码 column."""
    return bool(SKIP_HEADER.search(label_key(text)))


def is_unit(text: str) -> bool:
    """A unit cell, or an empty one."""
    key = label_key(text)
    return not key or key in UNITS


def _keys(row: list[Slot]) -> dict[int, str]:
    """The comparable text of each cell of a row, at the first grid column it covers."""
    seen: dict[int, int] = {}
    for column, slot in enumerate(row):
        if slot.first_row and slot.cell_id not in seen:
            seen[slot.cell_id] = column
    return {column: label_key(row[column].text) for column in seen.values()}


def _is_header_word(key: str) -> bool:
    return any(p.search(key) for p in (UNIT_HEADER, SKIP_HEADER, CUMULATIVE_HEADER, YEAR_HEADER, LABEL_HEADER))


def _columns(grid: list[list[Slot]]) -> _Columns | None:
    """The header among the first rows and the columns it names. Header rows stacked under the
    first one (数量 over 本年度 | 历年累计) are read together, column by column."""
    for index, row in enumerate(grid[:HEADER_ROWS]):
        first = _keys(row)
        if not any(LABEL_HEADER.search(key) for key in first.values()):
            continue
        end = index + 1
        while end < len(grid) and (keys := _keys(grid[end])) and all(not k or _is_header_word(k) for k in keys.values()):
            end += 1
        width = max(len(r) for r in grid[index:end])
        joined = ["".join(dict.fromkeys(label_key(r[c].text) for r in grid[index:end] if c < len(r))) for c in range(width)]
        label = [c for c in first if LABEL_HEADER.search(first[c])]
        unit = next((c for c in first if UNIT_HEADER.search(first[c])), None)
        after = max(label + ([unit] if unit is not None else []))
        bottom = grid[end - 1]
        values = [c for c in range(after + 1, width) if joined[c] and not SKIP_HEADER.search(joined[c])
                  and (c >= len(bottom) or c == 0 or bottom[c].cell_id != bottom[c - 1].cell_id)]
        current = [c for c in values if not CUMULATIVE_HEADER.search(joined[c])]
        if len(current) > 1:
            current = [c for c in current if YEAR_HEADER.search(joined[c]) and not CUMULATIVE_HEADER.search(joined[c])]
        if len(current) != 1:
            return None
        label_columns = [c for c in range(min(label), unit if unit is not None else current[0])
                         if not SKIP_HEADER.search(joined[c])]
        return _Columns(end, label_columns, unit, current[0], width)
    return None


def _read_rows(grid: list[list[Slot]], columns: _Columns) -> StatisticsReading:
    reading = StatisticsReading()
    group: str | None = None
    for row in grid:
        if len(row) <= columns.year:
            continue
        label_ids = dict.fromkeys(row[c].cell_id for c in columns.label if c < len(row))
        texts = {row[c].cell_id: row[c].text for c in columns.label if c < len(row)}
        label = "".join(texts[i] for i in label_ids).strip()
        if not label:
            continue
        key, group = _row_key(label, group)
        slot = row[columns.year]
        if slot.cell_id in label_ids or not slot.first_row:
            continue  # a heading row whose label spans the value columns
        unit_text = label_key(row[columns.unit].text) if columns.unit is not None else ""
        value = _value(slot.text, key, unit_text)
        if value is None or (key is None and parse_value(slot.text).blank):
            continue  # the header repeated on a new page, a note, or a heading row left blank
        row_name = key or _raw_label(label)
        reading.cells.append({"table": "statistics", "row": row_name, "col": "year", "value": value, "raw": slot.text, "label": label})
        if key is None:
            reading.extra.setdefault(_raw_label(label), value)
        else:
            reading.stats.setdefault(key, value)
    return reading


def _value(raw: str, key: str | None, unit_text: str) -> int | float | None:
    parsed = parse_value(raw)
    if parsed is None:
        return None
    unit = unit_text if unit_text in UNITS else None
    if (key in MONEY_KEYS) or (unit in MONEY_UNITS) or (parsed.unit in MONEY_UNITS):
        return as_wan_yuan(parsed, unit)
    return as_count(parsed)


def _raw_label(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _row_key(label: str, group: str | None) -> tuple[str | None, str | None]:
    """(the §5.3 key a row label names or None, the group for the rows under it)."""
    source = source_label(label)
    if source.level == SECTION:
        group = None  # 「四、行政复议数量」: a new part of the table
    key_text = _OF_WHICH.sub("", source.key)
    if key_text.endswith("情况"):
        return None, group  # a heading: 「九、政府信息公开会议和培训情况」
    if len(_CHANNELS.findall(key_text)) > 1:
        return None, group  # a combined row (信函、传真申请数): raw label only
    for pattern, keys in _CONTEXT_ROWS:
        if group in keys and pattern.search(key_text):
            return keys[group], group
    for pattern, key in _OWN_ROWS:
        if pattern.search(key_text):
            return key, group if _OF_WHICH.match(source.key) else None
    for pattern, new_group, key in _GROUP_ROWS:
        if pattern.search(key_text):
            return key, new_group
    return None, group
