"""Which tables read by OCR are accepted: only those the report's own arithmetic confirms.

OCR makes a wrong digit look exactly like a right one, so a reading is data only when:

- 表三 (applications): every identity of the format holds — the balance of each column, the sum
  of the outcome rows, every row's total — and none is `not_assessable` (a row or cell that was
  not read, or a total left blank). Each cell of 表三 enters at least two of these identities,
  so one misread digit always breaks one.
- 表四 (review_litigation): the total of each of the three groups holds, all three assessable.
- 表二 (active_disclosure) has no identity in the format. It is accepted only beside a 表三 or
  表四 of the same pictures that the identities confirmed (the pictures read right) and when
  each of its cells read as a number with at least MIN_ACTIVE_CONFIDENCE, and every nonzero
  本年增/减 with its sign (a lost minus is the one misreading no confidence reveals).
- In every table, every value cell must have been read as a number.
- A pre-2019 statistics table has no identity either; its figures read by OCR are never accepted.

A table that is not accepted is kept under `tables_ocr_unverified` with what failed; the
record's `tables` keep null for it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from govcrawl.extract.checks import run_checks
from govcrawl.extract.cell_text import confidence_of
from govcrawl.extract.tables import TABLE_NAMES, TableReading

IDENTITY_PREFIXES = {
    "applications": ("applications_balance.", "applications_sum.", "applications_row_total."),
    "review_litigation": ("review_litigation_total.",),
}
MIN_ACTIVE_CONFIDENCE = 0.8
# 本年增/减 may be negative, and a scan can lose a minus whole (-3 read as 3, at high confidence):
# a change read without its sign is refused. (Signs as the value parser knows them.)
SIGNED_COLUMNS = ("items_change",)
SIGNS = ("+", "-", "−", "增", "减")


@dataclass
class Verdict:
    accepted: TableReading  # the accepted tables (others null) and their cells
    unverified: dict | None  # {"format", "tables": {name: values}, "failing": [...]} or None


def verify(reading: TableReading) -> Verdict:
    checks = run_checks(reading, {})
    failing: dict[str, list[dict]] = {}
    for name, prefixes in IDENTITY_PREFIXES.items():
        if reading.tables[name] is not None:
            failing[name] = [c for c in checks if c["rule"].startswith(prefixes) and c["status"] != "pass"]
    for cell in reading.cells:
        if cell["value"] is None and cell["table"] in TABLE_NAMES:
            failing.setdefault(cell["table"], []).append(_cell_rule("unread", cell))
    confirmed = any(reading.tables[name] is not None and not failing[name] for name in IDENTITY_PREFIXES)
    if reading.tables["active_disclosure"] is not None:
        active = failing.setdefault("active_disclosure", [])
        if not confirmed:
            active.append({"rule": "ocr.unconfirmed_pictures", "status": "not_assessable", "left": None, "right": None})
        for cell in reading.cells:
            if cell["table"] != "active_disclosure":
                continue
            confidence = confidence_of(cell["raw"])
            if confidence is not None and confidence < MIN_ACTIVE_CONFIDENCE:
                active.append(_cell_rule("low_confidence", cell, confidence))
            if cell["col"] in SIGNED_COLUMNS and cell["value"] and not str(cell["raw"]).lstrip().startswith(SIGNS):
                active.append(_cell_rule("unsigned_change", cell, confidence))
    rejected = {name for name, rules in failing.items() if rules}
    accepted = replace(
        reading,
        tables={name: None if name in rejected else values for name, values in reading.tables.items()},
        cells=[cell for cell in reading.cells if cell["table"] not in rejected],
        extra_rows=[row for row in reading.extra_rows if row["table"] not in rejected],
        statistics={},
        statistics_extra={},
    )
    if not rejected and not reading.statistics:
        return Verdict(accepted, None)
    unverified = {
        "format": reading.format,
        "tables": {name: reading.tables[name] for name in TABLE_NAMES if name in rejected},
        "failing": [rule for name in TABLE_NAMES for rule in failing.get(name, [])],
    }
    if reading.statistics:
        unverified["statistics"] = reading.statistics
        unverified["failing"].append({"rule": "ocr.unconfirmed_statistics", "status": "not_assessable", "left": None, "right": None})
    return Verdict(accepted, unverified)


def _cell_rule(kind: str, cell: dict, confidence: float | None = None) -> dict:
    return {
        "rule": f"ocr.{kind}.{cell['table']}.{cell['row']}.{cell['col']}",
        "status": "fail",
        "left": cell["raw"],
        "right": confidence,
    }
