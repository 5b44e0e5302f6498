"""表三 收到和处理政府信息公开申请情况: rows by row label, columns by the n-th value cell.

Each data row has seven value cells (natural_person … org_other, total) after its label cells.
Columns are taken by position among the value cells, never by grid column: pingtan 2021 puts
colspan=2 on 自然人 in the header and on the 商业企业 value in the data rows.

Row labels come in up to three levels — the heading 「三、本年度办理结果」, a group
（三）不予公开 / （四）无法提供 / （五）不予处理 / （六）其他处理, and a numbered sub-row
「1.属于国家秘密」. The group is carried forward from row to row, because flattened copies write it
only on the first row of the group.
"""

from __future__ import annotations

from govcrawl.extract.tables.grid import Line
from govcrawl.extract.tables.labels import (
    APPLICANT_HEADING,
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_NOTE,
    APPLICATION_RESULTS_HEADING,
    APPLICATION_ROWS,
    APPLICATION_SUBROWS,
    GOV2019,
    GOV2021,
    ITEM,
    SINGLE_ROW_GROUPS,
    SUB,
    SourceLabel,
    best_match,
    label_key,
    normalise,
    source_label,
)
from govcrawl.extract.tables.result import TableResult, split_line
from govcrawl.extract.tables.values import as_count, is_value, parse_value

HEADING, GROUP, ROW = "heading", "group", "row"

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
        if normalise(text).startswith(APPLICATION_NOTE) or label_key(text) == APPLICANT_HEADING:
            return True
        label = source_label(text)
        if label.level not in (None, SUB) and _top_label(label) is not None:
            return True
    return False


def read_applications(lines: list[Line]) -> TableResult | None:
    table = TableResult("applications")
    group: str | None = None
    for line in lines:
        labels, raws = split_line(line, len(APPLICATION_COLUMNS))
        row, label, group = _row_key(labels, group)
        if raws is None or label is None:
            continue
        if row is None:
            table.add_extra_row(label, raws)
            continue
        if row.startswith("other_handling"):
            table.formats.append(GOV2021 if "." in row else GOV2019)
        entries = [(col, raw, as_count(parse_value(raw))) for col, raw in zip(APPLICATION_COLUMNS, raws)]
        table.add_row(row, label, entries)
    return table if table.values else None


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
            if "." not in key:
                group = None
        elif kind == HEADING:
            label = row = None
        else:
            row = None
    return row, label, group


def _classify(label: SourceLabel, group: str | None) -> tuple[str | None, str | None]:
    if group is not None and label.level in (SUB, None):
        sub = best_match(label, [(key, number, text) for key, number, text in APPLICATION_SUBROWS[group]])
        if sub is not None:
            return ROW, f"{group}.{sub}"
    if label.level == SUB:
        return None, None
    return _top_label(label) or (None, None)


def _top_label(label: SourceLabel) -> tuple[str, str | None] | None:
    candidates = [
        (payload, number, text) for payload, level, number, text in _TOP_LABELS if label.level in (None, level)
    ]
    return best_match(label, candidates)
