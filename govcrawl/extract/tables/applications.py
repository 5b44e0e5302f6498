"""表三 收到和处理政府信息公开申请情况: rows by row label, columns by the n-th value cell.

Each data row has one value cell per column after its label cells: seven in the national format
(natural_person … org_other, total). Which columns a copy has is read from its header labels
(APPLICATION_COLUMN_LABELS): 法人或其他组织 as one column (org_total), no 其他, no 总计, or a
local column the format does not know (read for the count, then dropped). A column the source
does not have is absent, never zero. Without a header (a text copy that lost it) the national
columns apply. Columns are taken by position among the value cells, never by grid column:
pingtan 2021 puts colspan=2 on 自然人 in the header and on the 商业企业 value in the data rows.

Row labels come in up to three levels — the heading 「三、本年度办理结果」, a group
（三）不予公开 / （四）无法提供 / （五）不予处理 / （六）其他处理, and a numbered sub-row
「1.属于国家秘密」. The group is carried forward from row to row, because flattened copies write it
only on the first row of the group.
"""

from __future__ import annotations

from functools import lru_cache

from govcrawl.extract.tables.grid import Line
from govcrawl.extract.tables.labels import (
    APPLICANT_HEADING,
    APPLICATION_COLUMN_LABELS,
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_NOTE,
    APPLICATION_RESULTS_HEADING,
    APPLICATION_ROWS,
    APPLICATION_SUBROWS,
    GOV2019,
    GOV2021,
    ITEM,
    ORG_GROUP_COLUMN,
    SINGLE_ROW_GROUPS,
    SUB,
    SourceLabel,
    best_match,
    label_key,
    matches_leading,
    normalise,
    source_label,
)
from govcrawl.extract.tables.result import TableResult, split_line
from govcrawl.extract.tables.values import as_count, is_value, parse_value

HEADING, GROUP, ROW = "heading", "group", "row"
SPANNING_COLUMNS = frozenset({"natural_person", "total"})  # header cells spanning the header's rows

# (kind, key) of every label above the sub-rows, with its enumerator level and number.
_TOP_LABELS = (
    [((ROW, key), level, number, label) for key, level, number, label in APPLICATION_ROWS]
    + [((GROUP, key), ITEM, number, label) for key, number, label in APPLICATION_GROUPS]
    + [((HEADING, None), *APPLICATION_RESULTS_HEADING)]
)


def is_applications_line(line: Line) -> bool:
    """The line carries the check note, the applicant heading or an enumerated 表三 label.

    Sub-row labels alone do not count: 「1.…」 rows occur in other tables too."""
    for text in line:
        if is_value(text):
            continue
        if _is_header_note(text):
            return True
        label = source_label(text)
        if label.level not in (None, SUB) and _top_label(label) is not None:
            return True
    return False


def read_applications(lines: list[Line]) -> TableResult | None:
    table = TableResult("applications")
    group: str | None = None
    columns = _columns(lines) or list(APPLICATION_COLUMNS)
    for line in lines:
        labels, raws = split_line(line, len(columns))
        row, label, group = _row_key(labels, group)
        if raws is None or label is None:
            continue
        if row is None:
            table.add_extra_row(label, raws)
            continue
        if row.startswith("other_handling"):
            table.formats.append(GOV2021 if "." in row else GOV2019)
        entries = [(col, raw, as_count(parse_value(raw))) for col, raw in zip(columns, raws) if col is not None]
        table.add_row(row, label, entries)
    return table if table.values else None


def _columns(lines: list[Line]) -> list[str | None] | None:
    """The columns the header names, in order (None for a column the format does not know), or
    None without a usable header: the last line naming 自然人 and the types itself (the last
    header row of a grid, where rowspan labels repeat), else the line naming 法人或其他组织 with
    that group replaced by the types on the line under it (or one column, org_total, when none
    follows), else the last line naming columns. Seven columns that are not all known (a header word split over two
    rows, 商业 / 企业) are the national ones."""
    header: list[list[str]] = []
    for line in lines:
        texts = [text for text in line if text.strip() and not is_value(text) and not _is_header_note(text)]
        if any(text.strip() and is_value(text) for text in line) or any(source_label(t).level for t in texts):
            break  # the first data row
        if any(_applicant_column(text) is not None or _is_org_group(text) for text in texts):
            header.append(texts)
    if not header:
        return None
    # a line naming 自然人 and the organisation types itself (the last header row of a grid)
    leaves = [[_applicant_column(t) for t in texts] for texts in header if not any(_is_org_group(t) for t in texts)]
    leaves = [columns for columns in leaves if "natural_person" in columns and len(set(columns) - {None}) >= 3]
    if leaves:
        columns = leaves[-1]
    else:
        top = next((texts for texts in header if any(_is_org_group(t) for t in texts)), header[-1])
        below = header[header.index(top) + 1 :]
        # the types under 法人或其他组织; 自然人 and 总计 repeated there are their rowspans
        subtypes = [_applicant_column(t) for t in below[0] if _applicant_column(t) not in SPANNING_COLUMNS] if below else []
        columns = [c for t in top for c in (subtypes or [ORG_GROUP_COLUMN[0]] if _is_org_group(t) else [_applicant_column(t)])]
    while columns and columns[0] is None:
        columns = columns[1:]  # the rest of a label or note over the label columns
    if not columns or (None in columns and len(columns) == len(APPLICATION_COLUMNS)):
        return None
    return columns


def _applicant_column(text: str) -> str | None:
    key = label_key(text)
    return next((col for col, label in APPLICATION_COLUMN_LABELS if key == label), None)


def _is_org_group(text: str) -> bool:
    return label_key(text) == ORG_GROUP_COLUMN[1]


def is_check_note(text: str) -> bool:
    """表三's 「（本列数据的勾稽关系为：…）」, also without its opening bracket."""
    return normalise(text).lstrip("(").startswith(APPLICATION_NOTE)


def _is_header_note(text: str) -> bool:
    """The check note or 申请人情况."""
    return is_check_note(text) or label_key(text) == APPLICANT_HEADING


def _row_key(labels: list[str], group: str | None) -> tuple[str | None, str | None, str | None]:
    """(row key or None for an unknown row, the label text that named it, the group after this
    line). The last label cell decides the row; the ones before it only set the group."""
    row = label = None
    for text in labels:
        if not text.strip():
            continue
        kind, key = _classify(source_label(text), group)
        label = text
        if kind == GROUP:
            group = key
            row = key if key in SINGLE_ROW_GROUPS else None
        elif kind == ROW:
            row = key
            group = key.split(".")[0] if "." in key else None
        elif kind == HEADING:
            label = row = None
        else:
            row = None
    return row, label, group


@lru_cache(maxsize=4096)  # the same labels are classified under the same groups on every page
def _classify(label: SourceLabel, group: str | None) -> tuple[str | None, str | None]:
    if group is not None and label.level in (SUB, None):
        sub = best_match(label, [(key, number, text) for key, number, text in APPLICATION_SUBROWS[group]])
        if sub is not None:
            return ROW, f"{group}.{sub}"
    if label.level == SUB:
        # A sub-row whose group label stands elsewhere (a PDF without rulings centres the vertical
        # 「（三）不予公开」 on a middle row): the sub-labels differ across groups, so an exact one
        # names its group.
        found = {
            f"{g}.{key}"
            for g, subrows in APPLICATION_SUBROWS.items()
            for key, _, text in subrows
            if label.key == label_key(text) or matches_leading(label.key, text)
        }
        return (ROW, found.pop()) if len(found) == 1 else (None, None)
    return _top_label(label) or (None, None)


@lru_cache(maxsize=4096)  # the same labels are compared on every page
def _top_label(label: SourceLabel) -> tuple[str, str | None] | None:
    candidates = [
        (payload, number, text) for payload, level, number, text in _TOP_LABELS if label.level in (None, level)
    ]
    return best_match(label, candidates)
