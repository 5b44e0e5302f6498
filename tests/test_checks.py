"""The identities of schema.md "Checks" on real pages and on hand-made tables."""

from __future__ import annotations

import json

import pytest

from govcrawl.extract.checks import run_checks
from govcrawl.extract.tables import TableReading, read_tables
from govcrawl.extract.tables.labels import APPLICATION_COLUMNS
from tests.test_tables import (
    SAMPLES,
    SHARED,
    application_row_labels,
    applications_html,
    blocks_from_html,
    review_html,
    sample_blocks,
)


def by_rule(checks):
    return {check["rule"]: check for check in checks}


@pytest.mark.parametrize("name", SAMPLES)
def test_failing_checks_equal_gold(name):
    gold = json.loads((SHARED / "gold" / f"{name}.json").read_text())
    checks = run_checks(read_tables(sample_blocks(name)), gold["stats"])
    assert {c["rule"] for c in checks if c["status"] == "fail"} == set(gold["checks_failing"])
    assert all(c["status"] != "not_assessable" for c in checks)
    assert {f"stats_vs_table.{stat}" for stat in gold["stats"]} <= set(by_rule(checks))


def test_source_error_is_reported_with_both_sides():
    checks = by_rule(run_checks(read_tables(sample_blocks("pingtan-2020")), {}))
    assert checks["applications_sum.natural_person"] == {
        "rule": "applications_sum.natural_person", "status": "fail", "left": 26, "right": 20,
    }
    assert checks["applications_balance.total"]["status"] == "pass"


def consistent_raws(fmt: str, blank_total=False, blank_parts=False) -> dict[str, list[str]]:
    """Every row 1 in natural_person and org_other, total 2, new_received = results_total."""
    rows = [key for key, _ in application_row_labels(fmt)]
    outcome_count = len(rows) - 4
    raws = {}
    for key in rows:
        n = {"new_received": outcome_count, "results_total": outcome_count, "carried_over_in": 0, "carried_over_out": 0}.get(key, 1)
        parts = [""] * 6 if blank_parts else [str(n), "0", "0", "0", "0", str(n)]
        raws[key] = parts + ["" if blank_total else str(2 * n)]
    return raws


def test_blank_totals_or_blank_parts_are_not_assessable():
    for blank in ({"blank_total": True}, {"blank_parts": True}):
        reading = read_tables(blocks_from_html(applications_html("gov2021", consistent_raws("gov2021", **blank))))
        checks = by_rule(run_checks(reading, {}))
        assert checks["applications_row_total.granted"]["status"] == "not_assessable"
        assert reading.tables["applications"]["granted"]["total" if "blank_total" in blank else "natural_person"] == 0


def test_consistent_table_passes_everything_and_stats_compare_with_group_sums():
    reading = read_tables(blocks_from_html(applications_html("gov2021", consistent_raws("gov2021")) + review_html(["1", "0", "0", "1", "2"] * 3)))
    stats = {
        "applications.new_received": 41,
        "applications.denied": 16,
        "applications.other_handling": 6,
        "applications.by_applicant.natural_person": 21,
        "active.items": 2602,  # no table counterpart: not compared
    }
    checks = run_checks(reading, stats)
    statuses = {c["rule"]: c["status"] for c in checks}
    assert statuses["stats_vs_table.applications.new_received"] == "fail"  # the table says 42
    assert statuses["stats_vs_table.applications.denied"] == "pass"
    assert statuses["stats_vs_table.applications.other_handling"] == "pass"
    assert statuses["stats_vs_table.applications.by_applicant.natural_person"] == "pass"
    assert "stats_vs_table.active.items" not in statuses
    assert [rule for rule, status in statuses.items() if status != "pass"] == ["stats_vs_table.applications.new_received"]
    assert len([r for r in statuses if r.startswith("applications_row_total.")]) == 25


def test_review_total_written_as_zero_fails_but_blank_is_not_assessable():
    # hongze 2023: 行政复议 10 1 0 0 总计 0 is a source error, not a blank.
    written = by_rule(run_checks(read_tables(blocks_from_html(review_html(["10", "1", "0", "0", "0"] + ["0"] * 10))), {}))
    assert written["review_litigation_total.admin_review"]["status"] == "fail"
    blank = by_rule(run_checks(read_tables(blocks_from_html(review_html(["10", "1", "0", "0", ""] + ["0"] * 10))), {}))
    assert blank["review_litigation_total.admin_review"]["status"] == "not_assessable"
    assert blank["review_litigation_total.litigation_direct"]["status"] == "pass"


def test_no_tables_no_table_checks():
    assert run_checks(TableReading(), {"applications.new_received": 5}) == []


def test_unread_row_makes_dependent_checks_not_assessable():
    reading = read_tables(blocks_from_html(applications_html("gov2019", consistent_raws("gov2019"))))
    del reading.tables["applications"]["granted"]
    reading.cells = [c for c in reading.cells if c["row"] != "granted"]
    checks = by_rule(run_checks(reading, {"applications.granted": 1}))
    assert checks["applications_sum.total"]["status"] == "not_assessable"
    assert "stats_vs_table.applications.granted" in checks
    assert checks["stats_vs_table.applications.granted"]["status"] == "not_assessable"
    assert set(APPLICATION_COLUMNS) == {r.split(".")[1] for r in checks if r.startswith("applications_balance.")}
