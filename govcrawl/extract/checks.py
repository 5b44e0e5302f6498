"""The arithmetic identities of schema.md ("Checks").

CONTRACT (implemented by the tables work):

    run_checks(reading: TableReading, stats: dict[str, int | float]) -> list[dict]

returns [{"rule", "status": "pass"|"fail"|"not_assessable", "left", "right"}, …]; never
changes a number.

Each check compares a sum of cells on the left with a sum on the right. It is `not_assessable`
when a cell it needs was not read, or when one side was left entirely blank in the source while
the other is not zero (上海 2019 leaves 总计 blank; other copies fill only 总计): a blank there
means "not filled in", not 0, although the record stores 0.
"""

from __future__ import annotations

from govcrawl.extract.tables import TableReading
from govcrawl.extract.tables.labels import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    APPLICATION_SUBROWS,
    ORG_GROUP_COLUMN,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    SINGLE_ROW_GROUPS,
)
from govcrawl.extract.tables.values import parse_value

Ref = tuple[str, str, str]  # (table, row, col)

BALANCE_IN = ("new_received", "carried_over_in")
BALANCE_OUT = ("results_total", "carried_over_out")
APPLICATION_ROW_KEYS = frozenset(
    [key for key, *_ in APPLICATION_ROWS]
    + [f"{group}.{key}" for group, subrows in APPLICATION_SUBROWS.items() for key, _, _ in subrows]
    + list(SINGLE_ROW_GROUPS)
)
REVIEW_STATS = {"review.total": ("admin_review",), "litigation.total": ("litigation_direct", "litigation_after_review")}
REVIEW_PARTS = tuple(outcome for outcome, _ in REVIEW_OUTCOMES if outcome != "total")


def run_checks(reading: TableReading, stats: dict[str, int | float]) -> list[dict]:
    values = {
        (cell["table"], cell["row"], cell["col"]): (cell["value"], parse_value(cell["raw"]).blank)
        for cell in reading.cells
    }
    checks = []
    applications = reading.tables["applications"]
    if applications is not None:
        outcome_rows = _outcome_rows(applications)
        # the columns this copy of 表三 has (a copy may merge or lack some: tables/applications.py)
        columns = [col for col in (*APPLICATION_COLUMNS, ORG_GROUP_COLUMN[0]) if any(col in row for row in applications.values())]
        parts = [col for col in columns if col != "total"]
        for col in columns:
            checks.append(
                _check(
                    f"applications_balance.{col}",
                    values,
                    [("applications", row, col) for row in BALANCE_IN],
                    [("applications", row, col) for row in BALANCE_OUT],
                )
            )
        for col in columns:
            checks.append(
                _check(
                    f"applications_sum.{col}",
                    values,
                    [("applications", row, col) for row in outcome_rows],
                    [("applications", "results_total", col)],
                )
            )
        for row in applications if "total" in columns else ():
            checks.append(
                _check(
                    f"applications_row_total.{row}",
                    values,
                    [("applications", row, col) for col in parts],
                    [("applications", row, "total")],
                )
            )
    if reading.tables["review_litigation"] is not None:
        for group, _ in REVIEW_GROUPS:
            checks.append(
                _check(
                    f"review_litigation_total.{group}",
                    values,
                    [("review_litigation", group, outcome) for outcome in REVIEW_PARTS],
                    [("review_litigation", group, "total")],
                )
            )
    for stat, figure in stats.items():
        if stat in reading.statistics:
            table_figure = reading.statistics[stat]
            status = "pass" if figure == table_figure else "fail"
            checks.append({"rule": f"stats_vs_table.{stat}", "status": status, "left": figure, "right": table_figure})
            continue
        refs = _table_refs(stat, reading)
        if refs:
            checks.append(_check(f"stats_vs_table.{stat}", values, None, refs, left_figure=figure))
    return checks


def _outcome_rows(applications: dict) -> list[str]:
    """Every row that adds up to （七）总计, with （六）其他处理 as the one row or the three
    sub-rows the source has. A row that was not read stays in the list so that the sum is not
    assessable rather than short."""
    rows = ["granted", "partially_granted"]
    for group in APPLICATION_SUBROWS:
        rows += _group_rows(group, applications)
    return rows


def _group_rows(group: str, applications: dict) -> list[str]:
    if group in SINGLE_ROW_GROUPS and not any(row.startswith(f"{group}.") for row in applications):
        return [group]
    return [f"{group}.{key}" for key, _, _ in APPLICATION_SUBROWS[group]]


def _table_refs(stat: str, reading: TableReading) -> list[Ref]:
    """The table cells a prose figure corresponds to; empty for a figure without a counterpart.

    applications.<row> is that row's total, applications.<group> the sum of the group's rows,
    applications.by_applicant.<col> the new_received cell of that column; review.total is 表四's
    行政复议 total, litigation.total the sum of its two 行政诉讼 totals."""
    applications = reading.tables["applications"]
    if stat in REVIEW_STATS and reading.tables["review_litigation"] is not None:
        return [("review_litigation", group, "total") for group in REVIEW_STATS[stat]]
    name = stat.removeprefix("applications.")
    if name == stat or applications is None:
        return []
    if name.startswith("by_applicant."):
        col = name.removeprefix("by_applicant.")
        return [("applications", "new_received", col)] if col in APPLICATION_COLUMNS else []
    if name in APPLICATION_SUBROWS:
        return [("applications", row, "total") for row in _group_rows(name, applications)]
    return [("applications", name, "total")] if name in APPLICATION_ROW_KEYS else []


def _check(rule, values, left_refs, right_refs, left_figure=None) -> dict:
    right, right_blank, right_missing = _side(values, right_refs)
    if left_refs is None:
        left, left_blank, left_missing = left_figure, False, False
    else:
        left, left_blank, left_missing = _side(values, left_refs)
    if left_missing or right_missing:
        status = "not_assessable"
    elif (left_blank and right) or (right_blank and left):
        status = "not_assessable"
    else:
        status = "pass" if left == right else "fail"
    return {"rule": rule, "status": status, "left": left, "right": right}


def _side(values, refs: list[Ref]) -> tuple[int | float | None, bool, bool]:
    """(sum, every cell left blank in the source, a cell was not read)."""
    found = list(map(values.get, refs))  # a report runs dozens of checks: the lookups and tests in C
    if None in found:
        return None, False, True
    numbers, blanks = zip(*found) if found else ((), ())
    if None in numbers:
        return None, False, True
    return sum(numbers), all(blanks), False
