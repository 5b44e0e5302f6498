"""表四 政府信息公开行政复议、行政诉讼情况: one data row of 15 value cells.

The header names the three groups (行政复议; 行政诉讼 split into 未经复议直接起诉 and 复议后起诉)
and under each the five outcomes. A transposed copy writes the five outcomes as the header and
the three groups as rows; it is read by the same labels. The order is read from the header where there is one, so a
copy that orders its columns differently is still read right; a header that cannot be read as
3 × 5 outcomes rejects the table rather than guess. Without any header (a text copy that lost it)
the national order applies.
"""

from __future__ import annotations

from functools import lru_cache

from govcrawl.extract.tables.grid import Line
from govcrawl.extract.tables.labels import LITIGATION_HEADING, REVIEW_GROUPS, REVIEW_OUTCOMES, best_match, source_label
from govcrawl.extract.tables.result import TableResult, all_blank, split_line
from govcrawl.extract.tables.values import as_count, is_value, parse_value

VALUE_COUNT = len(REVIEW_GROUPS) * len(REVIEW_OUTCOMES)
NATIONAL_COLUMNS = [(group, outcome) for group, _ in REVIEW_GROUPS for outcome, _ in REVIEW_OUTCOMES]

Layout = tuple[list[tuple[str, str]], list[tuple[str, str]]]  # (group, outcome) per value; (group, label)


def is_review_header(line: Line) -> bool:
    names = {_group(text) for text in line if not is_value(text)}
    if "admin_review" in names and (LITIGATION_HEADING in names or "litigation_direct" in names):
        return True
    return _outcome_columns(line) is not None  # the header of a transposed copy


def read_review_litigation(lines: list[Line]) -> TableResult | None:
    transposed = _read_transposed(lines) if lines and _outcome_columns(lines[0]) is not None else None
    return transposed or _read_national(lines)


def _outcome_columns(line: Line) -> list[str] | None:
    """The five outcomes, in order, of a line that names them and no group: the header of a copy
    that writes the groups as rows (行政复议 | 3 | 0 | …; 未经复议直接起诉 | …)."""
    texts = [text for text in line if text.strip() and not is_value(text)]
    if len(texts) != len(REVIEW_OUTCOMES):
        return None
    outcomes = [_outcome(text) for text in texts]
    return outcomes if set(outcomes) == {o for o, _ in REVIEW_OUTCOMES} else None


def _read_transposed(lines: list[Line]) -> TableResult | None:
    outcomes = _outcome_columns(lines[0])
    table = TableResult("review_litigation")
    for line in lines[1:]:
        labels, raws = split_line(line, len(REVIEW_OUTCOMES))
        groups = [g for g in (_group(text) for text in labels) if g in dict(REVIEW_GROUPS)]
        if raws is None or not groups:
            continue
        # 「行政诉讼」 over its two rows names no group: the row's own label (the last) decides
        group = groups[-1]
        label = next(text for text in reversed(labels) if _group(text) == group)
        table.add_row(group, label, [(outcome, raw, as_count(parse_value(raw))) for outcome, raw in zip(outcomes, raws)])
    return table if set(table.values) == {g for g, _ in REVIEW_GROUPS} else None


def _read_national(lines: list[Line]) -> TableResult | None:
    header: list[Line] = []
    data_rows: list[list[str]] = []
    for line in lines:
        labels, raws = split_line(line, VALUE_COUNT)
        if raws is not None and not any(text.strip() for text in labels):
            data_rows.append(raws)
        elif not data_rows:
            header.append(line)
    layout = _layout(header)
    if not data_rows or layout is None:
        return None
    # A copy may add all-blank rows under the data row (pingtan 2020); they are not the data.
    raws = next((row for row in data_rows if not all_blank(row)), data_rows[0])
    columns, groups = layout
    table = TableResult("review_litigation")
    for group, group_label in groups:
        entries = [(outcome, raw, as_count(parse_value(raw))) for (g, outcome), raw in zip(columns, raws) if g == group]
        table.add_row(group, group_label, entries)
    return table


def _layout(header: list[Line]) -> Layout | None:
    groups: list[tuple[str, str]] = []
    for text in (text for line in header for text in line):
        group = _group(text)
        if group in dict(REVIEW_GROUPS) and group not in {g for g, _ in groups}:
            groups.append((group, text))
    outcome_lines = [[outcome for text in line if (outcome := _outcome(text))] for line in header]
    # With rowspans the last header row repeats 行政复议's five outcomes and holds all 15;
    # without them the outcomes are spread over two rows in column order.
    outcomes = next((found for found in outcome_lines if len(found) == VALUE_COUNT), None)
    if outcomes is None:
        outcomes = [outcome for found in outcome_lines for outcome in found]
    if not outcomes and not groups:
        return NATIONAL_COLUMNS, list(REVIEW_GROUPS)
    size = len(REVIEW_OUTCOMES)
    if len(groups) != len(REVIEW_GROUPS) or len(outcomes) != VALUE_COUNT:
        return None
    if any(set(outcomes[i : i + size]) != {o for o, _ in REVIEW_OUTCOMES} for i in range(0, VALUE_COUNT, size)):
        return None
    columns = [(group, outcome) for (group, _), i in zip(groups, range(0, VALUE_COUNT, size)) for outcome in outcomes[i : i + size]]
    return columns, groups


@lru_cache(maxsize=4096)  # header words repeat on every line a table reader looks at
def _group(text: str) -> str | None:
    candidates = [(key, None, label) for key, label in (*REVIEW_GROUPS, (LITIGATION_HEADING, LITIGATION_HEADING))]
    return best_match(source_label(text), candidates)


@lru_cache(maxsize=4096)
def _outcome(text: str) -> str | None:
    return best_match(source_label(text), [(key, None, label) for key, label in REVIEW_OUTCOMES])
