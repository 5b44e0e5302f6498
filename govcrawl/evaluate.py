"""Score records against the development gold (../shared/gold/*.json) and list every difference.

A gold file names its source file in "seed" and lists only the fields it checks. Scored groups:
metadata (title, unit name, region code, year, published, publisher, format, script), sections
(titles in order), cells (every table cell; a table the gold says is null counts as one item),
stats, checks (the exact set of failing rules, one item per rule in either set) and text
(boilerplate_absent and text_contains strings).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govcrawl.extract import ExtractionError, extract_file

GROUPS = ("metadata", "sections", "cells", "stats", "checks", "text")
METADATA_FIELDS = {
    "title": lambda r: r["title"],
    "unit": lambda r: r["unit"]["name"],
    "region_code": lambda r: r["unit"]["region_code"],
    "year": lambda r: r["year"],
    "published": lambda r: r["published"],
    "publisher": lambda r: r["publisher"],
    "format": lambda r: r["format"],
    "script": lambda r: r["script"],
}


@dataclass
class FileScore:
    name: str
    scored: Counter = field(default_factory=Counter)  # group → items in the gold
    matched: Counter = field(default_factory=Counter)  # group → items reproduced
    differences: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Evaluation:
    files: list[FileScore]
    skipped: list[str]  # files without gold

    def total(self, group: str) -> tuple[int, int]:
        return sum(f.matched[group] for f in self.files), sum(f.scored[group] for f in self.files)


def evaluate(gold_dir: Path, files: list[Path]) -> Evaluation:
    gold_by_source = {}
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold_by_source[gold.get("seed") or gold_path.stem] = gold
    scores, skipped = [], []
    for path in files:
        gold = gold_by_source.get(Path(path).name)
        if gold is None:
            skipped.append(Path(path).name)
            continue
        try:
            record = extract_file(path).record
        except (ExtractionError, OSError, NotImplementedError, ImportError) as error:
            scores.append(_unreadable(Path(path).name, gold, f"{type(error).__name__}: {error}"))
            continue
        scores.append(score_record(Path(path).name, record, gold))
    return Evaluation(scores, skipped)


def score_record(name: str, record: dict, gold: dict) -> FileScore:
    score = FileScore(name)

    def item(group: str, ok: bool, difference: str):
        score.scored[group] += 1
        score.matched[group] += ok
        if not ok:
            score.differences.append(f"{group}: {difference}")

    for key, read in METADATA_FIELDS.items():
        if key in gold:
            got = read(record)
            item("metadata", got == gold[key], f"{key} {got!r} ≠ gold {gold[key]!r}")
    if "sections" in gold:
        titles = [s["title"] for s in record["sections"]]
        for index, want in enumerate(gold["sections"]):
            got = titles[index] if index < len(titles) else None
            item("sections", got == want, f"#{index + 1} {got!r} ≠ gold {want!r}")
        for extra in titles[len(gold["sections"]):]:
            score.differences.append(f"sections: extra {extra!r}")
    for table, want_table in (gold.get("tables") or {}).items():
        got_table = record["tables"].get(table)
        if want_table is None:
            item("cells", got_table is None, f"{table} should be null")
            continue
        if got_table is None:
            cells = _cells(want_table)
            score.scored["cells"] += len(cells)
            score.differences.append(f"cells: {table} not read ({len(cells)} cells)")
            continue
        for path, want in _cells(want_table):
            got = _lookup(got_table, path)
            item("cells", got == want, f"{table}.{'.'.join(path)} {got!r} ≠ gold {want!r}")
    for key, want in (gold.get("stats") or {}).items():
        got = record["stats"].get(key)
        item("stats", got == want, f"{key} {got!r} ≠ gold {want!r}")
    unscored = gold.get("stats_unscored") or {}
    for key in record["stats"].keys() - (gold.get("stats") or {}).keys() - unscored.keys():
        score.differences.append(f"stats: not in gold {key}={record['stats'][key]!r}")
    if "checks_failing" in gold:
        got = {c["rule"] for c in record["checks"] if c["status"] == "fail"}
        want = set(gold["checks_failing"])
        for rule in sorted(got | want):
            item("checks", rule in got and rule in want, f"{rule} {'fails' if rule in got else 'does not fail'}, gold says otherwise")
    for text in gold.get("boilerplate_absent", []):
        item("text", text not in record["text"], f"boilerplate present: {text!r}")
    for text in gold.get("text_contains", []):
        item("text", text in record["text"], f"missing: {text!r}")
    return score


def _unreadable(name: str, gold: dict, error: str) -> FileScore:
    """A file the engine could not read scores nothing in every group its gold checks."""
    blank = {
        "title": None, "unit": {"name": None, "region_code": None}, "year": None, "published": None,
        "publisher": None, "format": None, "script": None, "sections": [], "text": "",
        "tables": {}, "stats": {}, "checks": [],
    }
    score = score_record(name, blank, gold)
    score.matched.clear()
    score.error = error
    return score


def _cells(table: dict, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    cells = []
    for key, value in table.items():
        if isinstance(value, dict):
            cells.extend(_cells(value, (*path, key)))
        else:
            cells.append(((*path, key), value))
    return cells


def _lookup(table: dict | None, path: tuple[str, ...]):
    for key in path:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table


def _share(matched: int, total: int) -> str:
    return f"{matched}/{total} ({100 * matched / total:.1f}%)" if total else "-"


def format_evaluation(evaluation: Evaluation) -> str:
    lines = []
    for score in evaluation.files:
        shares = " | ".join(f"{g} {_share(score.matched[g], score.scored[g])}" for g in GROUPS if score.scored[g])
        lines.append(f"{score.name}: {shares}")
        if score.error:
            lines.append(f"  unreadable: {score.error}")
        lines.extend(f"  - {difference}" for difference in score.differences)
    for name in evaluation.skipped:
        lines.append(f"{name}: skipped (no gold)")
    matched = sum(evaluation.total(g)[0] for g in GROUPS)
    total = sum(evaluation.total(g)[1] for g in GROUPS)
    unreadable = sum(1 for s in evaluation.files if s.error)
    lines += [
        "overall: " + " | ".join(f"{g} {_share(*evaluation.total(g))}" for g in GROUPS[:3]),
        "overall: " + " | ".join(f"{g} {_share(*evaluation.total(g))}" for g in GROUPS[3:]),
        f"overall: {_share(matched, total)} of gold items over {len(evaluation.files)} files"
        f" ({unreadable} unreadable, {len(evaluation.skipped)} without gold)",
    ]
    return "\n".join(lines)
