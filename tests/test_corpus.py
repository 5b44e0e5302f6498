"""The corpus over two real crawls of hedong's portal: the replica as it is, then a copy of it
changed the way portals change between two crawls — a report edited in place, one moved to a new
URL, one removed (its list link left dead), one published again under a second URL, one
republished corrected under a new title. The catalogue must conclude exactly that."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonlines
import pytest

from govcrawl.corpus.catalogue import CATALOGUE_FILE, open_catalogue
from govcrawl.corpus.ingest import ingest_output
from govcrawl.corpus.records import SEVERAL_REPORTS_FLAG, current_reports

from .corpus_runs import crawl_run, output_and_sites
from .crawling import ROOT, expectations, shared_run

HOST = "https://www.tjhd.gov.cn"
GOV = "/zwgk/zfxxgk/zfxxgkqzf/qzf/zfxxgknb42"
CIVIL = "/zwgk/zfxxgk/zfxxgkqjjg/qmzj/zfxxgknb47"
EDITED = f"{GOV}/202503/t20250304_6873286.html"  # 河东区人民政府 2024
MOVED = f"{GOV}/202401/t20240126_7052634.html"  # 河东区人民政府 2023
MOVED_TO = f"{GOV}/202402/t20240201_7060001.html"
REMOVED = f"{GOV}/202301/t20230126_6467733.html"  # 河东区人民政府 2022
COPIED = f"{CIVIL}/202201/t20220117_5870130.html"  # 河东区民政局 2021
COPY = f"{CIVIL}/202201/t20220118_5870131.html"
SAME_BYTES = f"{CIVIL}/202201/t20220119_5870132.html"  # the same page again: one record, two URLs
CORRECTED = f"{CIVIL}/202012/t20201216_5030825.html"  # 河东区民政局 2019
CORRECTION = f"{CIVIL}/202103/t20210301_5100001.html"
LICENSING_CELL = '行政许可</td><td colspan="3">{}</td>'


def _site(sites: Path, path: str) -> Path:
    return sites / "www.tjhd.gov.cn" / path.lstrip("/")


def _link_after(list_page: Path, existing: str, new: str, title: str) -> None:
    """Add a list entry for `new` after the entry of `existing`, as the CMS writes entries."""
    text = list_page.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if f'"./{existing}"' in line)
    added = f'<li><a href="./{new}" title="{title}" target="_blank">{title}</a><span>2024-02-01</span></li>'
    list_page.write_text(text.replace(line, line + "\n" + added), encoding="utf-8")


def later_state(sites: Path, first_licensing: int) -> None:
    edited = _site(sites, EDITED)
    page = edited.read_text(encoding="utf-8")
    assert page.count(LICENSING_CELL.format(first_licensing)) == 1
    edited.write_text(page.replace(LICENSING_CELL.format(first_licensing), LICENSING_CELL.format(first_licensing + 1)), encoding="utf-8")

    moved_to = _site(sites, MOVED_TO)
    moved_to.parent.mkdir()
    _site(sites, MOVED).rename(moved_to)  # the list keeps the old link too, now dead (404)
    _link_after(_site(sites, f"{GOV}/index_1.html"), MOVED.split(GOV + "/")[1], MOVED_TO.split(GOV + "/")[1],
                "天津市河东区人民政府2023年政府信息公开工作年度报告")

    _site(sites, REMOVED).unlink()  # the list keeps its link: a dead link, 404

    civil_list = _site(sites, f"{CIVIL}/index.html")
    copy = _site(sites, COPIED).read_text(encoding="utf-8").replace("</body>", "<!-- 镜像 -->\n</body>")
    _site(sites, COPY).write_text(copy, encoding="utf-8")
    _link_after(civil_list, COPIED.split(CIVIL + "/")[1], COPY.split(CIVIL + "/")[1], "天津市河东区民政局2021年政府信息公开工作年度报告")
    shutil.copyfile(_site(sites, COPIED), _site(sites, SAME_BYTES))
    _link_after(civil_list, COPY.split(CIVIL + "/")[1], SAME_BYTES.split(CIVIL + "/")[1], "天津市河东区民政局2021年政府信息公开工作年度报告")

    title = "天津市河东区民政局2019年政府信息公开工作年度报告"
    corrected = _site(sites, CORRECTED).read_text(encoding="utf-8").replace(title, title + "（更正）")
    _site(sites, CORRECTION).parent.mkdir()
    _site(sites, CORRECTION).write_text(corrected, encoding="utf-8")
    _link_after(civil_list, CORRECTED.split(CIVIL + "/")[1], CORRECTION.split(CIVIL + "/")[1], title + "（更正）")


def with_extension(name: str, setting: str) -> tuple[str, ...]:
    """-s options that enable one of the corpus's extensions after the project's own."""
    from govcrawl import settings

    extensions = settings.EXTENSIONS | {name: max(settings.EXTENSIONS.values()) + 10}
    return "-s", f"{setting}=True", "-s", f"EXTENSIONS={json.dumps(extensions)}"


FETCH_LOG = with_extension("govcrawl.corpus.extensions.FetchLog", "CORPUS_FETCH_LOG")


TWO_STATES = "hedong crawled twice into one corpus, its portal changed between the crawls"
pytestmark = pytest.mark.crawls(TWO_STATES)


@shared_run(TWO_STATES)
def crawl_two_states(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    output, sites = output_and_sites(out)
    first_run = crawl_run(output, "hedong", sites=sites, scrapy_settings=FETCH_LOG)
    first = {r["url"]: r for r in _lines(first_run / "reports.jsonl")}
    later_state(sites, first[HOST + EDITED]["tables"]["active_disclosure"]["admin_licensing"]["decisions"])
    later_run = crawl_run(output, "hedong", sites=sites, scrapy_settings=FETCH_LOG)
    result = ingest_output(output)
    return output, first_run, later_run, result


@pytest.fixture(scope="module")
def corpus(crawls):
    return crawls[TWO_STATES]


def _lines(path: Path) -> list[dict]:
    with jsonlines.open(path) as reader:
        return list(reader)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def concluded(corpus):
    output = corpus[0]
    with open_catalogue(output) as catalogue:
        reports = {r.record["id"]: r.record for r in current_reports(catalogue)}
        versions = catalogue.rows("versions", "report_id, version")
    return reports, versions


def _by_url(reports: dict, url: str) -> dict:
    (record,) = [r for r in reports.values() if url in r["urls"]]
    return record


def test_both_runs_are_ingested_once(corpus):
    output, first_run, later_run, result = corpus
    # Each crawl adds its own run when it ends (CORPUS_INGEST, on by default); a later ingest
    # finds them there.
    assert sorted(result.ingested + result.skipped) == sorted([first_run.name, later_run.name])
    again = ingest_output(output)
    assert again.ingested == [] and sorted(again.skipped) == sorted([first_run.name, later_run.name])
    with sqlite3.connect(output / CATALOGUE_FILE) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM sightings").fetchone()[0] == sum(  # one per URL a record was met under
            len(r["urls"]) for run in (first_run, later_run) for r in _lines(run / "reports.jsonl"))


def test_the_first_crawl_gives_every_report_of_the_replica_once(corpus):
    output, first_run, _later, _result = corpus
    first_urls = {r["url"] for r in _lines(first_run / "reports.jsonl")}
    assert first_urls == set(expectations("hedong")["reports"])


def test_a_report_edited_in_place_gets_a_second_version_and_keeps_the_first(corpus, concluded):
    output, first_run, later_run, _result = corpus
    reports, versions = concluded
    record = _by_url(reports, HOST + EDITED)
    before = next(r for r in _lines(first_run / "reports.jsonl") if r["url"] == HOST + EDITED)
    after = next(r for r in _lines(later_run / "reports.jsonl") if r["url"] == HOST + EDITED)
    assert record["version"] == 2 and record["supersedes"] == before["sha256"] and record["sha256"] == after["sha256"]
    assert record["urls"] == [HOST + EDITED]
    assert record["tables"]["active_disclosure"]["admin_licensing"]["decisions"] == (
        before["tables"]["active_disclosure"]["admin_licensing"]["decisions"] + 1)
    mine = [v for v in versions if v["report_id"] == record["id"]]
    assert [(v["version"], v["sha256"]) for v in mine] == [(1, before["sha256"]), (2, after["sha256"])]
    assert (output / "raw" / before["sha256"][:2] / before["sha256"]).is_file()
    assert record["first_seen"] == before["fetched_at"] and record["last_seen"] == after["fetched_at"]


def test_a_moved_report_is_one_report_under_both_urls(corpus, concluded):
    _output, _first, later_run, _result = corpus
    reports, _versions = concluded
    record = _by_url(reports, HOST + MOVED_TO)
    assert record["id"] == hashlib.sha1((HOST + MOVED).encode()).hexdigest()
    assert record["urls"] == [HOST + MOVED, HOST + MOVED_TO] and record["url"] == HOST + MOVED_TO
    assert record["version"] == 1 and record["gone_since"] is None
    (dead,) = [f for f in _lines(later_run / "fetches.jsonl") if f["url"] == HOST + MOVED]
    assert dead["status"] == 404  # the old link is dead, yet the report is live under its new URL


def test_a_removed_report_is_gone_since_its_404(corpus, concluded):
    _output, first_run, later_run, _result = corpus
    reports, _versions = concluded
    record = _by_url(reports, HOST + REMOVED)
    (not_found,) = [e for e in _lines(later_run / "errors.jsonl") if e["url"] == HOST + REMOVED]
    assert not_found["error"] == "HTTP 404"
    (response,) = [f for f in _lines(later_run / "fetches.jsonl") if f["url"] == HOST + REMOVED]
    assert response["status"] == 404
    assert record["gone_since"] == response["at"]
    seen = next(r for r in _lines(first_run / "reports.jsonl") if r["url"] == HOST + REMOVED)
    assert record["last_seen"] == seen["fetched_at"]
    assert [r for r in reports.values() if r["gone_since"]] == [record]


def test_the_same_report_under_a_second_url_is_one_report(corpus, concluded):
    _output, _first, later_run, _result = corpus
    reports, versions = concluded
    record = _by_url(reports, HOST + COPY)
    assert record["urls"][0] == HOST + COPIED and set(record["urls"]) == {HOST + COPIED, HOST + COPY, HOST + SAME_BYTES}
    assert record["version"] == 1
    later = _lines(later_run / "reports.jsonl")
    copy = next(r for r in later if r["url"] == HOST + COPY)
    assert copy["sha256"] != record["sha256"]  # other bytes, the same report
    (met_twice,) = [r for r in later if HOST + SAME_BYTES in r["urls"]]  # the crawl's one record of the same bytes
    assert met_twice["sha256"] == record["sha256"] and len(met_twice["urls"]) == 2
    assert len([v for v in versions if v["report_id"] == record["id"]]) == 1


def test_a_corrected_republication_is_a_second_report_and_both_are_flagged(corpus, concluded):
    reports, _versions = concluded
    original, correction = _by_url(reports, HOST + CORRECTED), _by_url(reports, HOST + CORRECTION)
    assert original["id"] != correction["id"]
    assert (original["unit"]["name"], original["year"]) == (correction["unit"]["name"], correction["year"])
    assert SEVERAL_REPORTS_FLAG in original["flags"] and SEVERAL_REPORTS_FLAG in correction["flags"]
    assert {r["id"] for r in reports.values() if SEVERAL_REPORTS_FLAG in r["flags"]} == {original["id"], correction["id"]}


def test_every_other_report_is_unchanged_and_live(corpus, concluded):
    reports, _versions = concluded
    changed = {EDITED, MOVED, REMOVED, COPIED, CORRECTED, CORRECTION, SAME_BYTES}
    others = [r for r in reports.values() if not any(HOST + path in r["urls"] for path in changed)]
    assert {r["url"] for r in others} == set(expectations("hedong")["reports"]) - {HOST + p for p in changed}
    for record in others:
        assert record["version"] == 1 and record["supersedes"] is None and record["gone_since"] is None
        assert record["first_seen"] < record["last_seen"]


def govcrawl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govcrawl.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_records_feed_carries_the_corpus_fields(corpus, concluded):
    output = corpus[0]
    done = govcrawl("corpus", "records", str(output))
    assert done.returncode == 0, done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    reports, _versions = concluded
    assert {r["id"] for r in printed} == set(reports)
    for record in printed:
        assert {"version", "supersedes", "urls", "first_seen", "last_seen", "gone_since"} <= set(record)


def test_a_killed_run_is_left_alone_and_a_broken_one_is_reported(corpus, tmp_path):
    output, first_run, later_run, _result = corpus
    copy = tmp_path / "output"
    shutil.copytree(output / "runs", copy / "runs")
    killed = copy / "runs" / "hedong" / "20991231T000000Z-aaaaaa"
    shutil.copytree(first_run, killed)
    (killed / "stats.json").unlink()
    broken = copy / "runs" / "hedong" / "20991231T000001Z-bbbbbb"
    shutil.copytree(first_run, broken)
    (broken / "stats.json").write_text("{not json", encoding="utf-8")
    done = govcrawl("corpus", "ingest", str(copy))
    assert done.returncode == 1
    assert broken.name in done.stderr and "stats.json" in done.stderr
    assert "ingested 2 runs" in done.stdout and "1 incomplete" in done.stdout
    with sqlite3.connect(copy / CATALOGUE_FILE) as db:
        assert {row[0] for row in db.execute("SELECT run_id FROM runs")} == {first_run.name, later_run.name}


def test_a_cell_line_cut_short_is_refused_with_its_line_number(corpus, tmp_path):
    """Ingesting takes a cell line's report id from the line as the crawl writes it, without
    parsing it; a line that is not whole JSON is still refused, by name and line."""
    _output, first_run, _later_run, _result = corpus
    run = tmp_path / "output" / "runs" / "hedong" / first_run.name
    shutil.copytree(first_run, run)
    lines = (run / "cells.jsonl").read_bytes().splitlines(keepends=True)
    assert lines[0].startswith(b'{"report_id": "')  # the shape the fast path reads
    lines[4] = lines[4][: len(lines[4]) // 2] + b"\n"
    (run / "cells.jsonl").write_bytes(b"".join(lines))
    done = govcrawl("corpus", "ingest", str(tmp_path / "output"))
    assert done.returncode == 1
    assert "cells.jsonl: line 5 is not JSON" in done.stderr
    assert not (tmp_path / "output" / CATALOGUE_FILE).exists() or not sqlite3.connect(
        tmp_path / "output" / CATALOGUE_FILE).execute("SELECT run_id FROM runs").fetchall()


def test_a_crawl_with_corpus_ingest_adds_its_run_when_it_ends(tmp_path):
    ingest = with_extension("govcrawl.corpus.extensions.CorpusIngest", "CORPUS_INGEST")
    run_dir = crawl_run(tmp_path, "hedong", scrapy_settings=ingest)
    with sqlite3.connect(tmp_path / CATALOGUE_FILE) as db:
        assert db.execute("SELECT run_id, status FROM runs").fetchall() == [(run_dir.name, "ok")]
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == len(_lines(run_dir / "reports.jsonl"))


def test_the_export_carries_versions_moves_removals_and_both_reports_of_a_year(corpus, concluded, tmp_path):
    import pyarrow.parquet as pq

    output, first_run, later_run, _result = corpus
    reports, _versions = concluded
    done = govcrawl("export", str(output), "--to", str(tmp_path))
    assert done.returncode == 0, done.stderr
    rows = {r["report_id"]: r for r in pq.read_table(tmp_path / "reports.parquet").to_pylist()}
    assert set(rows) == set(reports)
    edited, moved, removed = (_by_url(reports, HOST + path) for path in (EDITED, MOVED_TO, REMOVED))
    assert (rows[edited["id"]]["version"], rows[edited["id"]]["supersedes"]) == (2, edited["supersedes"])
    assert rows[moved["id"]]["urls"] == f"{HOST + MOVED} {HOST + MOVED_TO}"
    assert rows[removed["id"]]["gone_since"] == removed["gone_since"] is not None
    panel = pq.read_table(tmp_path / "panel.parquet").to_pylist()
    correction = _by_url(reports, HOST + CORRECTION)
    (row,) = [p for p in panel if (p["unit"], p["year"]) == (correction["unit"]["name"], correction["year"])]
    assert row["reports"] == 2 and row["report_id"] == correction["id"]  # the one seen last
    (edited_row,) = [p for p in panel if p["report_id"] == edited["id"]]
    assert edited_row["active_disclosure.admin_licensing.decisions"] == edited["tables"]["active_disclosure"]["admin_licensing"]["decisions"]


def test_the_fetch_log_has_every_response_and_the_catalogue_keeps_it(corpus):
    output, first_run, later_run, _result = corpus
    first_sha = {r["url"]: r["sha256"] for r in _lines(first_run / "reports.jsonl")}
    for run in (first_run, later_run):
        log = _lines(run / "fetches.jsonl")
        records = _lines(run / "reports.jsonl")
        by_url = {line["url"]: line for line in log}
        for record in records:
            # The later crawl asks for the pages the corpus holds conditionally: the unchanged answer 304.
            unchanged = run == later_run and first_sha.get(record["url"]) == record["sha256"]
            assert (by_url[record["url"]]["status"], by_url[record["url"]]["sha256"]) == (304 if unchanged else 200, record["sha256"])
        assert {e["url"] for e in _lines(run / "errors.jsonl")} <= set(by_url)
        assert expectations("hedong")["lists"][0] in by_url  # list pages too
        with sqlite3.connect(output / CATALOGUE_FILE) as db:
            kept = db.execute("SELECT url, kind, status, sha256 FROM fetches WHERE run_id = ?", (run.name,)).fetchall()
        report_urls = {url for r in records for url in r["urls"]}
        assert sorted(kept) == sorted(
            (line["url"], "report" if line["url"] in report_urls else "page", line["status"], line["sha256"]) for line in log)


def test_a_dead_old_url_of_a_report_found_elsewhere_in_the_same_run_is_not_gone(tmp_path):
    """Within one run, the 404 of the old URL may come after the report was found at its new one."""
    from govcrawl.corpus.identity import conclude

    def run(run_id, started):
        return {"run_id": run_id, "spider": "hedong", "status": "ok", "started_at": started, "finished_at": started}

    def seen(run_id, url, at):
        return {"run_id": run_id, "url": url, "sha256": "a" * 64, "portal": "hedong", "unit_name": "天津市河东区人民政府",
                "region_code": "120102", "level": "district", "year": 2023, "title": "t", "content": "c", "fetched_at": at}

    def not_found(run_id, url, at):
        return {"run_id": run_id, "url": url, "kind": "report", "status": 404, "sha256": None, "at": at}

    with open_catalogue(tmp_path) as catalogue:
        catalogue.add_run(run("r1", "2026-01-01T00:00:00+00:00"), [], [seen("r1", "https://x/old", "2026-01-01T00:00:01+00:00")], None, [])
        catalogue.add_run(run("r2", "2026-02-01T00:00:00+00:00"), [not_found("r2", "https://x/old", "2026-02-01T00:00:09+00:00")],
                          [seen("r2", "https://x/new", "2026-02-01T00:00:01+00:00")], None, [])
        catalogue.replace_conclusions(conclude)
        (moved,) = catalogue.rows("reports", "report_id")
        assert moved["gone_since"] is None and moved["url"] == "https://x/new"
        catalogue.add_run(run("r3", "2026-03-01T00:00:00+00:00"), [not_found("r3", "https://x/new", "2026-03-01T00:00:02+00:00")], [],
                          None, [])
        catalogue.replace_conclusions(conclude)
        (gone,) = catalogue.rows("reports", "report_id")
        assert gone["gone_since"] == "2026-03-01T00:00:02+00:00"
