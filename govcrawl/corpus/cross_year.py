"""Checks along each unit's series of reports (report-format.md §4, soft identities T3-X, T2-X):

- `cross_year.carried_over.<col>`: 表三 上年结转 (carried_over_in) of year Y equals 结转下年度继续办理
  (carried_over_out) of Y−1, per applicant column and the total;
- `cross_year.normative_docs_in_force` (gov2021 表二, soft): 现行有效件数 of Y equals 现行有效件数 of
  Y−1 + 本年制发件数 − 本年废止件数 of Y. It breaks where a body re-classifies its documents,
  so it is reported, never acted on.

Each check is between a report of year Y and one of Y−1 of the same unit (a unit with two
reports for a year gets a check for each pair). `not_assessable` where a side lacks the table.
Numbers are never changed. Also here: the gaps in each unit's series.
"""

from __future__ import annotations

from collections import defaultdict

from govcrawl.corpus.records import CorpusReport, series_key
from govcrawl.extract.tables.labels import APPLICATION_COLUMNS, GOV2021

CARRIED_OVER = "cross_year.carried_over"
IN_FORCE = "cross_year.normative_docs_in_force"
SOFT_RULES = frozenset({IN_FORCE})


def series(reports: list[CorpusReport]) -> dict[tuple[str, str], dict[int, list[CorpusReport]]]:
    """(region code, unit name) → year → its reports."""
    by_unit: dict[tuple[str, str], dict[int, list[CorpusReport]]] = defaultdict(lambda: defaultdict(list))
    for report in reports:
        if report.record.get("year") is not None and report.record["unit"].get("name"):
            by_unit[series_key(report.record)][report.record["year"]].append(report)
    return by_unit


def cross_year_checks(reports: list[CorpusReport]) -> list[dict]:
    checks = []
    for years in series(reports).values():
        for year in sorted(years):
            for current in years[year]:
                for previous in years.get(year - 1, []):
                    checks += _pair_checks(current.record, previous.record)
    return checks


def gaps(reports: list[CorpusReport]) -> dict[tuple[str, str], list[int]]:
    """Years missing between two present years of a unit's series."""
    found = {}
    for unit, years in series(reports).items():
        missing = [y for y in range(min(years), max(years)) if y not in years]
        if missing:
            found[unit] = missing
    return found


def _pair_checks(current: dict, previous: dict) -> list[dict]:
    checks = []
    now, before = _table(current, "applications"), _table(previous, "applications")
    for col in APPLICATION_COLUMNS:
        left = _value(now, "carried_over_in", col)
        right = _value(before, "carried_over_out", col)
        checks.append(_check(f"{CARRIED_OVER}.{col}", current, previous, left, right))
    if current.get("format") == GOV2021:
        now, before = _table(current, "active_disclosure"), _table(previous, "active_disclosure")
        in_force, issued, repealed = (_value(now, "normative_docs", col) for col in ("in_force", "issued", "repealed"))
        in_force_before = _value(before, "normative_docs", "in_force") if previous.get("format") == GOV2021 else None
        parts = (in_force_before, issued, repealed)
        right = None if None in parts else in_force_before + issued - repealed
        checks.append(_check(IN_FORCE, current, previous, in_force, right))
    return checks


def _table(record: dict, name: str) -> dict | None:
    return (record.get("tables") or {}).get(name)


def _value(table: dict | None, row: str, col: str):
    return ((table or {}).get(row) or {}).get(col)


def _check(rule: str, current: dict, previous: dict, left, right) -> dict:
    status = "not_assessable" if left is None or right is None else ("pass" if left == right else "fail")
    return {"rule": rule, "status": status, "left": left, "right": right, "soft": rule in SOFT_RULES,
            "report_id": current["id"], "year": current["year"], "other_report_id": previous["id"],
            "other_year": previous["year"]}
