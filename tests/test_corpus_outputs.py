"""What the corpus makes of real crawls — the demo's (tianjin with every district, tianqiao,
linhai), run once for the session: reparse, the exports and their data package, the cross-year
checks, the coverage report in Chromium.

Expected values come from the crawls' own feeds (reports.jsonl, cells.jsonl) and from
../shared/spec/report-format.md, never from the corpus code's output."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jsonlines
import pyarrow.parquet as pq
import pytest

from govcrawl.corpus.catalogue import open_catalogue
from govcrawl.corpus.reparse import reparse
from govcrawl.extract.limits import Limits
from govcrawl.workers import ExtractionPool

from .crawling import DEMO, OCR_CACHE, READING_OPTIONS, ROOT, TEST_SETTINGS, shared_run

TABLES = ("reports", "cells", "panel", "checks", "codebook")
APPLICATION_COLUMNS = ("natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service",
                       "org_other", "total")


def govcrawl(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "govcrawl.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _lines(path: Path) -> list[dict]:
    with jsonlines.open(path) as reader:
        return list(reader)


REPARSED = "the demo's output reparsed twice, and a copy of it missing a raw file reparsed"
VALIDATED = "frictionless validate of the demo's data package"
pytestmark = pytest.mark.crawls(DEMO, REPARSED)


@dataclass
class Reparsed:
    output: Path  # a copy of the OUTPUT_DIR `govcrawl demo` crawled into, reparsed twice
    derivation: Path  # the reparse's derivation there
    printed: str  # what the first reparse printed
    first: dict[str, str]  # the derivation's files (name → sha256) after the first reparse
    again: dict[str, str]  # and after the second
    status: str  # `govcrawl corpus status` after both
    copy: Path  # another copy, without the raw file of
    lost: dict  # this record
    without_it: subprocess.CompletedProcess  # its reparse


def _crawled_records(output: Path) -> list[dict]:
    return [r for run in sorted(output.glob("runs/*/*")) for r in _lines(run / "reports.jsonl")]


@shared_run(REPARSED, after=DEMO)
def reparse_the_demo(out: Path, demo) -> Reparsed:
    """Run once for the session, in the background (tests/crawling.py), on copies of the demo's output."""
    output, copy = out / "output", out / "missing-raw"
    for directory in (output, copy):
        shutil.copytree(demo.out, directory, symlinks=True, ignore=shutil.ignore_patterns("export", "coverage.html", "logs"))
    lost = _crawled_records(copy)[0]
    (copy / "raw" / lost["sha256"][:2] / lost["sha256"]).unlink()
    without_it = subprocess.run([sys.executable, "-m", "govcrawl.cli", "reparse", str(copy), *READING_OPTIONS], cwd=ROOT, capture_output=True,
                                text=True, timeout=600)
    printed = govcrawl("reparse", str(output), *READING_OPTIONS).stdout
    (derivation,) = [p for p in (output / "derivations").iterdir()]
    first = _file_hashes(derivation)
    govcrawl("reparse", str(output), *READING_OPTIONS)
    again = _file_hashes(derivation)
    status = govcrawl("corpus", "status", str(output)).stdout
    return Reparsed(output, derivation, printed, first, again, status, copy, lost, without_it)


@pytest.fixture(scope="module")
def reparsed(crawls) -> Reparsed:
    return crawls[REPARSED]


@pytest.fixture(scope="module")
def output(reparsed) -> Path:
    return reparsed.output


@pytest.fixture(scope="module")
def feeds(output):
    """Every record and cell line the crawls wrote, and the records per run."""
    runs = sorted(output.glob("runs/*/*"))
    per_run = {run.name: _lines(run / "reports.jsonl") for run in runs}
    records = [r for lines in per_run.values() for r in lines]
    cells = [c for run in runs for c in _lines(run / "cells.jsonl")]
    assert len({r["sha256"] for r in records}) == len(records), "the two crawls share no report"
    return per_run, records, cells


@pytest.fixture(scope="module")
def exported(crawls):
    """What the demo exported of its crawls (`govcrawl export`; the command itself is run below)."""
    return crawls[DEMO].out / "export"


# --- reparse -------------------------------------------------------------------------------


def _file_hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_reparse_reproduces_the_crawl_records_and_is_byte_identical_when_run_again(feeds, reparsed):
    _per_run, records, _cells = feeds
    derivation = reparsed.derivation
    assert derivation.name in reparsed.printed
    by_sha = {r["sha256"]: r for r in _lines(derivation / "reports.jsonl")}
    assert set(by_sha) == {r["sha256"] for r in records}
    for record in records:
        again = by_sha[record["sha256"]]
        assert again["extractor"] == derivation.name and again["extractor"].startswith(record["extractor"] + "+")
        # `urls` is the crawl's (every URL it met the report under), not the engine's
        crawl_only = ("extractor", "urls")
        assert {k: v for k, v in again.items() if k not in crawl_only} == {k: v for k, v in record.items() if k not in crawl_only}
    assert reparsed.again == reparsed.first
    assert f"{records[0]['extractor']} (crawl)" in reparsed.status and f"{derivation.name} (reparse)" in reparsed.status


def test_reparse_reports_a_missing_raw_file_and_reads_the_rest(feeds, reparsed):
    _per_run, records, _cells = feeds
    done, lost = reparsed.without_it, reparsed.lost
    assert done.returncode == 0, done.stderr
    assert lost["url"] in done.stderr
    (derivation,) = (reparsed.copy / "derivations").iterdir()
    assert [e["sha256"] for e in _lines(derivation / "errors.jsonl")] == [lost["sha256"]]
    assert len(_lines(derivation / "reports.jsonl")) == len(records) - 1


def test_reparse_keeps_every_worker_busy_and_writes_the_same_files(reparsed, tmp_path):
    """A reparse hands pages to the pool ahead of the one it awaits (govcrawl/corpus/reparse.py):
    awaiting each before handing over the next kept one worker busy and the others unstarted."""
    output = tmp_path / "output"
    shutil.copytree(reparsed.copy, output, symlinks=True)
    (derivation,) = (output / "derivations").iterdir()
    before = _file_hashes(derivation)
    pool = ExtractionPool(workers=2, limits=Limits(seconds=float(TEST_SETTINGS["EXTRACT_SECONDS"])), ocr_cache=OCR_CACHE)
    try:
        with open_catalogue(output) as catalogue:
            result = reparse(catalogue, output, pool=pool)
    finally:
        pool.close()
    assert pool.workers_started == 2
    after = _file_hashes(derivation)
    assert result.derivation == derivation.name
    assert after["reports.jsonl"] == before["reports.jsonl"] and after["cells.jsonl"] == before["cells.jsonl"]
    # The lost page's error names the raw file by its path, this copy's now.
    assert [e["sha256"] for e in _lines(derivation / "errors.jsonl")] == [reparsed.lost["sha256"]]


# --- exports -------------------------------------------------------------------------------


def test_export_takes_the_newest_derivation_or_the_one_named(output, feeds, reparsed, tmp_path):
    _per_run, records, _cells = feeds
    reparsed = reparsed.derivation.name
    crawled = records[0]["extractor"]
    for name, expected in ((None, reparsed), (crawled, crawled), (reparsed, reparsed)):
        to = tmp_path / (name or "newest")
        govcrawl("export", str(output), "--to", str(to), *(("--derivation", name) if name else ()))
        assert {r["extractor"] for r in pq.read_table(to / "reports.parquet").to_pylist()} == {expected}
    done = subprocess.run([sys.executable, "-m", "govcrawl.cli", "export", str(output), "--to", str(tmp_path / "x"),
                           "--derivation", "9.9.9"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "9.9.9" in done.stderr and reparsed in done.stderr


@shared_run(VALIDATED, after=DEMO)
def validate_the_demo_export(_out: Path, demo) -> dict:
    """frictionless's own command, in the background (tests/crawling.py): it reads every row."""
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", str(demo.out / "export" / "datapackage.json")],
                          capture_output=True, text=True, timeout=600)
    return json.loads(done.stdout)


@pytest.mark.crawls(VALIDATED)
def test_the_export_is_a_valid_data_package_describing_every_table_file(exported, crawls):
    report = crawls[VALIDATED]
    assert report["valid"], [error for task in report["tasks"] for error in task["errors"]][:10]
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    assert described == {f"{t}.{fmt}" for t in TABLES for fmt in ("csv", "parquet")}
    for resource in package["resources"]:
        columns = [f["name"] for f in resource["schema"]["fields"]]
        assert all(f.get("description") for f in resource["schema"]["fields"])
        if resource["format"] == "parquet":
            assert pq.read_schema(exported / resource["path"]).names == columns
        else:
            with (exported / resource["path"]).open(encoding="utf-8-sig", newline="") as file:
                assert next(csv.reader(file)) == columns


def test_csv_files_start_with_a_bom_and_hold_what_the_parquet_files_hold(exported):
    for table in TABLES:
        assert (exported / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        with (exported / f"{table}.csv").open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.DictReader(file))
        parquet = pq.read_table(exported / f"{table}.parquet").to_pylist()
        assert len(rows) == len(parquet)
        for from_csv, from_parquet in zip(rows[:50], parquet[:50]):
            for name, value in from_parquet.items():
                expected = "" if value is None else ("true" if value is True else "false" if value is False else value)
                if isinstance(expected, float):
                    assert float(from_csv[name]) == expected
                else:
                    assert from_csv[name] == str(expected)


def test_reports_and_cells_are_the_crawled_ones(exported, feeds):
    _per_run, records, cells = feeds
    reports = pq.read_table(exported / "reports.parquet").to_pylist()
    assert sorted((r["sha256"], r["unit"], r["year"], r["url"], r["version"]) for r in reports) == sorted(
        (r["sha256"], r["unit"]["name"], r["year"], r["url"], 1) for r in records)
    exported_cells = pq.read_table(exported / "cells.parquet").to_pylist()
    assert len(exported_cells) == len(cells)
    assert Counter((c["report_id"], c["table"], c["row"], c["col"], c["value"]) for c in exported_cells) == Counter(
        (c["report_id"], c["table"], c["row"], c["col"], c["value"]) for c in cells)
    with duckdb.connect(str(exported / "corpus.duckdb"), read_only=True) as database:
        for table in TABLES:
            assert database.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == pq.read_metadata(exported / f"{table}.parquet").num_rows


def test_the_panel_has_one_row_per_unit_and_year_with_every_figure_of_its_report(exported, feeds):
    _per_run, records, cells = feeds
    panel = pq.read_table(exported / "panel.parquet").to_pylist()
    unit_years = Counter((r["unit"]["region_code"], r["unit"]["name"], r["year"]) for r in records if r["year"] and r["unit"]["name"])
    assert Counter((p["region_code"], p["unit"], p["year"]) for p in panel) == Counter(set(unit_years))
    cells_of = defaultdict(dict)
    for cell in cells:
        cells_of[cell["report_id"]][f"{cell['table']}.{cell['row']}.{cell['col']}"] = cell["value"]
    codebook_keys = [row["key"] for row in pq.read_table(exported / "codebook.parquet").to_pylist()]
    for row in panel:
        assert row["reports"] == unit_years[(row["region_code"], row["unit"], row["year"])]
        figures = {k: row[k] for k in codebook_keys if row[k] is not None}
        assert figures == cells_of[row["report_id"]]


def test_the_codebook_has_every_key_of_the_national_formats_with_their_labels(exported, shared):
    spec = (shared / "spec" / "report-format.md").read_text(encoding="utf-8")
    codebook = pq.read_table(exported / "codebook.parquet").to_pylist()
    per_format = Counter((fmt, row["table"]) for row in codebook for fmt in row["formats"].split())
    # "### 2.1 表二 … (gov2019) — 5 blocks, 22 data cells", "— 23 data rows × 7 columns = 161 cells", "— 15 cells"
    stated = {
        ("gov2019", "active_disclosure"): int(re.search(r"2\.1 表二.*?(\d+) data cells", spec).group(1)),
        ("gov2019", "applications"): int(re.search(r"2\.2 表三.*?= (\d+) cells", spec).group(1)),
        ("gov2021", "active_disclosure"): int(re.search(r"3\.2 表二.*?(\d+) data cells", spec).group(1)),
        ("gov2021", "applications"): int(re.search(r"3\.3 表三.*?= (\d+) cells", spec).group(1)),
        ("gov2019", "review_litigation"): int(re.search(r"2\.3 表四.*?(\d+) cells", spec).group(1)),
        ("gov2021", "review_litigation"): int(re.search(r"2\.3 表四.*?(\d+) cells", spec).group(1)),
    }
    assert dict(per_format) == stated
    for row in codebook:
        for label in [*row["row_label"].split(" | "), *row["col_label"].split(" | ")]:
            for part in re.sub(r"^[一二三四五六七八九十]、|（[一二三四五六七八九十]）|\d\.", " ", label).split():
                assert part in spec, (row["key"], part)


# --- cross-year checks ---------------------------------------------------------------------


def _expected_cross_year(records: list[dict]) -> dict[tuple, tuple]:
    """(report url, rule) → (status, left, right), from the crawled records and the identities
    of report-format.md §4 (T3-X, T2-X gov2021)."""
    by_unit_year = defaultdict(list)
    for r in records:
        if r["year"] and r["unit"]["name"]:
            by_unit_year[(r["unit"]["region_code"], r["unit"]["name"], r["year"])].append(r)
    expected = {}
    for (code, name, year), current in by_unit_year.items():
        for now in current:
            for before in by_unit_year.get((code, name, year - 1), []):
                apps_now, apps_before = now["tables"]["applications"], before["tables"]["applications"]
                for col in APPLICATION_COLUMNS:
                    left = apps_now["carried_over_in"][col] if apps_now else None
                    right = apps_before["carried_over_out"][col] if apps_before else None
                    status = "not_assessable" if None in (left, right) else "pass" if left == right else "fail"
                    expected[(now["url"], f"cross_year.carried_over.{col}")] = (status, left, right)
                if now["format"] == "gov2021":
                    docs = (now["tables"]["active_disclosure"] or {}).get("normative_docs")
                    docs_before = (before["tables"]["active_disclosure"] or {}).get("normative_docs") if before["format"] == "gov2021" else None
                    left = docs["in_force"] if docs else None
                    right = docs_before["in_force"] + docs["issued"] - docs["repealed"] if docs and docs_before else None
                    status = "not_assessable" if None in (left, right) else "pass" if left == right else "fail"
                    expected[(now["url"], "cross_year.normative_docs_in_force")] = (status, left, right)
    return expected


def test_cross_year_checks_follow_each_units_series(exported, feeds):
    _per_run, records, _cells = feeds
    url_of = {r["report_id"]: r["url"] for r in pq.read_table(exported / "reports.parquet").to_pylist()}
    checks = [c for c in pq.read_table(exported / "checks.parquet").to_pylist() if c["kind"] == "cross_year"]
    found = {(url_of[c["report_id"]], c["rule"]): (c["status"], c["left"], c["right"]) for c in checks}
    assert found == _expected_cross_year(records)
    statuses = Counter(status for status, _l, _r in found.values())
    assert statuses["pass"] and statuses["fail"] and statuses["not_assessable"]
    assert all(c["soft"] == (c["rule"] == "cross_year.normative_docs_in_force") for c in checks)


def test_the_reports_own_checks_are_exported_as_recorded(exported, feeds):
    _per_run, records, _cells = feeds
    checks = [c for c in pq.read_table(exported / "checks.parquet").to_pylist() if c["kind"] == "report"]
    assert Counter((c["rule"], c["status"]) for c in checks) == Counter((c["rule"], c["status"]) for r in records for c in r["checks"])


# --- the coverage report -------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_page(output, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    html = tmp_path_factory.mktemp("report") / "coverage.html"
    govcrawl("report", str(output), "--html", str(html))
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(html.as_uri())
        # The faces that draw a unit's name: the report's own embedded font, with the glyphs.
        fonts = page.evaluate("""async () => (await document.fonts.load('16px "govcrawl CJK"', '天津市人民政府'))
                                 .map(face => face.status)""")
        shown = page.evaluate("""() => ({
            figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.textContent])),
            portals: [...document.querySelectorAll('h3[data-portal]')].map(e => [e.dataset.portal, e.dataset.unitYears, e.textContent]),
            cells: [...document.querySelectorAll('table.grid td[data-state]')].map(e => [e.closest('table').dataset.portal,
                     e.dataset.unit, +e.dataset.year, e.dataset.state, e.textContent]),
            runs: [...document.querySelectorAll('svg.runs g[data-run]')].map(e => [e.dataset.run, e.dataset.reports, e.textContent]),
            rates: [...document.querySelectorAll('table.rates td[data-rule]')].map(e => [e.dataset.rule, +e.dataset.year,
                     +e.dataset.failed, +e.dataset.assessed]),
            crossYear: [...document.querySelectorAll('tr.cross-year-failure')].map(e => [e.dataset.rule,
                     [...e.querySelectorAll('a')].map(a => a.getAttribute('href'))]),
            gaps: [...document.querySelectorAll('li[data-missing]')].map(e => [e.dataset.unit, e.dataset.missing]),
        })""")
        browser.close()
    return shown, problems, requested, fonts


def test_the_coverage_report_opens_offline_without_errors_and_carries_its_chinese_font(report_page):
    _shown, problems, requested, fonts = report_page
    assert problems == []
    assert all(url.startswith("file://") for url in requested), requested
    assert fonts == ["loaded"]


def test_the_coverage_report_shows_the_corpus_numbers(report_page, feeds):
    shown, _problems, _requested, _fonts = report_page
    per_run, records, _cells = feeds
    assert shown["figures"]["reports"] == str(len(records))
    assert shown["figures"]["runs"] == str(len(per_run))
    assert shown["figures"]["failing-checks"] == str(sum(c["status"] == "fail" for r in records for c in r["checks"]))
    unit_years = defaultdict(set)
    for r in records:
        if r["year"] and r["unit"]["name"]:
            unit_years[r["portal"]].add((r["unit"]["name"], r["year"]))
    assert {portal: int(n) for portal, n, _text in shown["portals"]} == {p: len(s) for p, s in unit_years.items()}
    for portal, n, text in shown["portals"]:
        assert f"{n} unit-years" in text
    present = {(portal, unit, year) for portal, unit, year, state, _text in shown["cells"] if state != "missing"}
    assert present == {(p, unit, year) for p, s in unit_years.items() for unit, year in s}
    failing = {(r["portal"], r["unit"]["name"], r["year"]) for r in records if any(c["status"] == "fail" for c in r["checks"])}
    assert {(p, u, y) for p, u, y, state, _t in shown["cells"] if state == "failing"} == failing
    assert {run: int(n) for run, n, _text in shown["runs"]} == {run: len(lines) for run, lines in per_run.items()}


def test_the_coverage_report_shows_failing_rates_cross_year_failures_and_gaps(report_page, feeds):
    shown, _problems, _requested, _fonts = report_page
    _per_run, records, _cells = feeds
    balance = Counter()
    for r in records:
        for c in r["checks"]:
            if c["rule"].startswith("applications_balance.") and c["status"] != "not_assessable":
                balance[(r["year"], "assessed")] += 1
                balance[(r["year"], "failed")] += c["status"] == "fail"
    shown_balance = {year: (failed, assessed) for rule, year, failed, assessed in shown["rates"] if rule == "applications_balance"}
    assert shown_balance == {y: (balance[(y, "failed")], balance[(y, "assessed")]) for y, kind in balance if kind == "assessed"}

    expected = _expected_cross_year(records)
    failing = sorted((rule, url) for (url, rule), (status, _l, _r) in expected.items() if status == "fail")
    assert sorted((rule, links[0]) for rule, links in shown["crossYear"]) == failing
    assert shown["figures"]["cross-year-rows"] == str(len(failing))
    by_url = {r["url"]: r for r in records}
    for _rule, (later, earlier) in shown["crossYear"]:
        assert by_url[earlier]["year"] == by_url[later]["year"] - 1
        assert by_url[earlier]["unit"]["name"] == by_url[later]["unit"]["name"]

    years = defaultdict(set)
    for r in records:
        if r["year"] and r["unit"]["name"]:
            years[r["unit"]["name"]].add(r["year"])
    gaps = {unit: " ".join(str(y) for y in range(min(ys), max(ys)) if y not in ys) for unit, ys in years.items()}
    assert dict(shown["gaps"]) == {unit: missing for unit, missing in gaps.items() if missing}
