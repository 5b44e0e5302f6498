"""The corpus over time: real crawls of the replica's first state and then of its later state
(replica/later.py) into one OUTPUT_DIR, and what the catalogue concludes, against what the later
state's manifest says changed; conditional requests (the replica's ETag, Last-Modified and 304)
over raw HTTP and in the second crawl."""

from __future__ import annotations

import csv
import hashlib
import http.client
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from replica.build import FIRST_STATE_DATE, LATER_STATE_DATE, build, built
from replica.later import CHANGED_SPIDERS, CORRECTION
from replica.server import ReplicaServer

from .crawling import ROOT, govcrawl, host_path, read_lines, run_scrapy, shared_run

SPIDER = "tianqiao"  # a small portal; the later state changes it in every way


def _get(port: int, url: str, **headers: str) -> tuple[int, dict, bytes]:
    """GET `url` from the replica listening on `port`: status, headers, body."""
    host, path = host_path(url)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host, **headers})
    response = connection.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    connection.close()
    return answer


def _manifest(state: str) -> dict:
    return json.loads(built(state).manifest.read_text(encoding="utf-8"))


def _file(sites: Path, url: str) -> Path:
    """The file of a site tree that answers `url`."""
    host, path = host_path(url)
    return sites / host / path.lstrip("/")


def _sha1(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()


# -- the replica's conditional answers -----------------------------------------------------

def test_the_replica_answers_conditional_requests_as_nginx_does():
    page = _manifest("first")["spiders"][SPIDER]["reports"][0]["url"]
    with ReplicaServer(built("first").sites) as server:
        status, headers, body = _get(server.port, page)
        assert status == 200 and body
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert etag == f'"{hashlib.sha256(body).hexdigest()[:32]}"'  # strong: no W/
        assert parsedate_to_datetime(modified) == FIRST_STATE_DATE
        earlier = format_datetime(FIRST_STATE_DATE.replace(day=29), usegmt=True)
        later = format_datetime(LATER_STATE_DATE, usegmt=True)
        answers = {
            "matching tag": _get(server.port, page, **{"If-None-Match": etag}),
            "one of several tags, weak": _get(server.port, page, **{"If-None-Match": f'"other", W/{etag}'}),
            "any tag": _get(server.port, page, **{"If-None-Match": "*"}),
            "other tag": _get(server.port, page, **{"If-None-Match": '"other"'}),
            "same date": _get(server.port, page, **{"If-Modified-Since": modified}),
            "later date": _get(server.port, page, **{"If-Modified-Since": later}),
            "earlier date": _get(server.port, page, **{"If-Modified-Since": earlier}),
            "not a date": _get(server.port, page, **{"If-Modified-Since": "yesterday"}),
            # If-None-Match, when present, alone decides (RFC 9110 13.2.2)
            "other tag, later date": _get(server.port, page, **{"If-None-Match": '"other"', "If-Modified-Since": later}),
            "matching tag, earlier date": _get(server.port, page, **{"If-None-Match": etag, "If-Modified-Since": earlier}),
        }
        served = [status for *_request, status in server.requests]
    statuses = {case: status for case, (status, _headers, _body) in answers.items()}
    assert statuses == {
        "matching tag": 304, "one of several tags, weak": 304, "any tag": 304, "other tag": 200,
        "same date": 304, "later date": 304, "earlier date": 200, "not a date": 200,
        "other tag, later date": 200, "matching tag, earlier date": 304,
    }
    for status, headers, body in answers.values():
        assert (headers["ETag"], headers["Last-Modified"]) == (etag, modified)
        if status == 304:
            assert body == b"" and "Content-Length" not in headers and "Content-Type" not in headers
    assert served == [200, *statuses.values()]  # 304s are in the request log as any answer


def test_validators_survive_a_rebuild_and_change_only_with_the_file(tmp_path):
    changes = _manifest("later")["changes"][SPIDER]
    unchanged = _manifest("first")["spiders"][SPIDER]["lists"][0]
    edited = changes["edited"][0]["url"]
    build(tmp_path / "sites", tmp_path / "manifest.json")
    validators = {}
    for name, sites in (("first", built("first").sites), ("rebuilt", tmp_path / "sites"), ("later", built("later").sites)):
        with ReplicaServer(sites) as server:
            validators[name] = {url: (lambda h: (h["ETag"], h["Last-Modified"]))(_get(server.port, url)[1]) for url in (unchanged, edited)}
    assert validators["rebuilt"] == validators["first"]
    assert validators["later"][unchanged] == validators["first"][unchanged]
    assert validators["later"][edited][0] != validators["first"][edited][0]
    assert parsedate_to_datetime(validators["later"][edited][1]) == LATER_STATE_DATE


# -- the later state ------------------------------------------------------------------------

def test_govcrawl_replica_serve_state_later_serves_the_later_trees():
    changes = _manifest("later")["changes"][SPIDER]
    server = subprocess.Popen([sys.executable, "-m", "govcrawl.cli", "replica", "serve", "--state", "later", "--port", "0"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # It prints where it listens once its socket is bound.
        port = int(re.search(r" at http://127\.0\.0\.1:(\d+) ", server.stderr.readline())[1])
        new = _get(port, changes["new"][0]["url"])
        removed = _get(port, changes["removed"][0]["url"])
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert (new[0], new[2]) == (200, _file(built("later").sites, changes["new"][0]["url"]).read_bytes())
    assert removed[0] == 404
    refused = govcrawl("replica", "serve", "--state", "later", "--sites", str(built("first").sites))
    assert refused.returncode != 0 and "--state" in refused.stderr


def test_the_later_state_makes_and_states_every_kind_of_change():
    first, later = _manifest("first"), _manifest("later")
    assert set(later["changes"]) == set(CHANGED_SPIDERS)
    first_sites, later_sites = built("first").sites, built("later").sites

    for spider, changes in later["changes"].items():
        before = {r["url"]: r for r in first["spiders"][spider]["reports"]}
        after = {r["url"]: r for r in later["spiders"][spider]["reports"]}
        (new,), (removed,), (edited,), (moved,), (renamed,), (shifted,) = (
            changes[kind] for kind in ("new", "removed", "edited", "moved", "renamed", "shifted"))
        assert new["url"] in after and new["url"] not in before and _file(later_sites, new["url"]).is_file()
        newest = max(r["year"] for r in before.values() if r["unit"]["name"] == new["unit"])
        assert new["year"] == after[new["url"]]["year"] == newest + 1
        assert all(after[new["url"]]["tables"][table] for table in ("active_disclosure", "applications", "review_litigation"))
        assert removed["url"] in before and removed["url"] not in after and not _file(later_sites, removed["url"]).exists()
        table, row, column = edited["figure"].split(".")
        figures = [state[edited["url"]]["tables"][table][row][column] for state in (before, after)]
        assert figures == [edited["before"], edited["after"]] and edited["after"] == edited["before"] + CORRECTION
        assert _file(first_sites, edited["url"]).read_bytes() != _file(later_sites, edited["url"]).read_bytes()
        assert _file(later_sites, moved["to"]).read_bytes() == _file(first_sites, moved["from"]).read_bytes()
        assert not _file(later_sites, moved["from"]).exists() and after[moved["to"]]["title"] == before[moved["from"]]["title"]
        assert before[renamed["url"]]["unit"]["name"] == renamed["from"] and after[renamed["url"]]["unit"]["name"] == renamed["to"]
        assert renamed["to"] in after[renamed["url"]]["title"]
        # The new report on top pushes every item down by one, up to the removed one.
        assert shifted["after"] == [new["url"], *(url for url in shifted["before"] if url != removed["url"])]
        assert shifted["lists"][1] in first["spiders"][spider]["lists"]
        page_two = _file(later_sites, shifted["lists"][1]).read_text(encoding="utf-8")
        per_page = shifted["items_per_page"]
        pushed_on = shifted["before"][per_page - 1]  # the first page's last item
        assert pushed_on.rpartition("/")[2] in page_two
        # Every other page of the spider is byte for byte the first state's.
        changed = {new["url"], removed["url"], edited["url"], moved["from"], moved["to"], renamed["url"], *shifted["lists"]}
        for url in before.keys() - changed:
            assert _file(later_sites, url).read_bytes() == _file(first_sites, url).read_bytes(), url


# -- two crawls into one corpus --------------------------------------------------------------

def _crawl(output: Path, state: str, *settings: str) -> tuple[Path, list[tuple[str, str, str, int]]]:
    """`scrapy crawl tianqiao` against one state of the replica into `output`: its run directory
    and the requests the replica answered."""
    before = set((output / "runs" / SPIDER).glob("*"))
    with ReplicaServer(built(state).sites) as server:
        run_scrapy(SPIDER, server.url, *settings, cwd=output)
        served = server.requests
    (run_dir,) = set((output / "runs" / SPIDER).glob("*")) - before
    return run_dir, served


def _stats(run_dir: Path) -> dict:
    return json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))


TWO_STATES = "tianqiao's first state, then its later one, into one corpus; a refetch and a reread"
pytestmark = pytest.mark.crawls(TWO_STATES)


@shared_run(TWO_STATES)
def crawl_both_states(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    output = out / "corpus"
    output.mkdir()
    first = _crawl(output, "first")
    later = _crawl(output, "later")
    # From copies of the corpus the two crawls made: a forced full refetch of the later state, and
    # a crawl that reads every page again but revalidates (so attachments are asked for too).
    copies = [out / "refetch" / "output", out / "reread" / "output"]
    for copy in copies:
        shutil.copytree(output, copy)
    refetch = _crawl(copies[0], "later", "-s", "CORPUS_REVALIDATE=False")
    reread = _crawl(copies[1], "later", "-s", "CORPUS_INCREMENTAL=False")
    exported = govcrawl("export", str(output), "--to", str(out / "export"))
    assert exported.returncode == 0, exported.stderr[-3000:]
    return output, first, later, refetch, reread


@pytest.fixture(scope="module")
def two_states(crawls):
    return crawls[TWO_STATES]


@pytest.fixture(scope="module")
def catalogue(two_states):
    connection = sqlite3.connect(two_states[0] / "corpus.sqlite")
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def _report(catalogue, url: str) -> dict:
    (row,) = catalogue.execute(
        "SELECT r.* FROM reports r JOIN report_urls u ON u.report_id = r.report_id WHERE u.url = ?", (url,)).fetchall()
    return dict(row)


def _versions(catalogue, report_id: str) -> list[dict]:
    return [dict(row) for row in catalogue.execute("SELECT * FROM versions WHERE report_id = ? ORDER BY version", (report_id,))]


def _sha(run_dir: Path, url: str) -> str:
    (record,) = [r for r in read_lines(run_dir / "reports.jsonl") if url in r["urls"]]
    return record["sha256"]


def test_both_crawls_are_healthy_runs_in_one_corpus(two_states):
    _output, (first, _), (later, _), *_others = two_states
    for run_dir in (first, later):
        assert _stats(run_dir)["status"] == "ok", _stats(run_dir)["health"]
    # The removed report is a drop of one: within GOVCRAWL_MAX_REPORT_DROP, and no error entry.
    assert read_lines(later / "errors.jsonl") == []


def test_the_catalogue_concludes_what_the_manifest_says_changed(two_states, catalogue):
    changes = _manifest("later")["changes"][SPIDER]
    _output, (first, _), (later, _), *_others = two_states
    later_start = _stats(later)["started_at"]

    (new,) = changes["new"]
    report = _report(catalogue, new["url"])
    assert (report["report_id"], report["unit_name"], report["year"]) == (_sha1(new["url"]), new["unit"], new["year"])
    assert report["current_version"] == 1 and report["first_seen"] >= later_start and report["gone_since"] is None

    (edited,) = changes["edited"]
    report = _report(catalogue, edited["url"])
    versions = _versions(catalogue, report["report_id"])
    assert report["report_id"] == _sha1(edited["url"]) and report["gone_since"] is None
    assert [v["sha256"] for v in versions] == [_sha(first, edited["url"]), _sha(later, edited["url"])]
    assert versions[1]["supersedes"] == versions[0]["sha256"]
    (record,) = [r for r in read_lines(later / "reports.jsonl") if r["url"] == edited["url"]]
    table, row, column = edited["figure"].split(".")
    assert record["tables"][table][row][column] == edited["after"]

    (removed,) = changes["removed"]
    report = _report(catalogue, removed["url"])
    assert report["gone_since"] is not None and report["gone_since"] >= later_start
    assert report["last_seen"] < later_start and len(_versions(catalogue, report["report_id"])) == 1
    (fetch,) = [f for f in read_lines(later / "fetches.jsonl") if f["url"] == removed["url"]]
    assert fetch["status"] == removed["status"]

    (moved,) = changes["moved"]
    old, new_place = _report(catalogue, moved["from"]), _report(catalogue, moved["to"])
    assert old == new_place and old["report_id"] == _sha1(moved["from"])
    assert old["gone_since"] is None and old["current_version"] == 1
    urls = {row["url"] for row in catalogue.execute("SELECT url FROM report_urls WHERE report_id = ?", (old["report_id"],))}
    assert urls == {moved["from"], moved["to"]}
    assert [f["status"] for f in read_lines(later / "fetches.jsonl") if f["url"] == moved["from"]] == [moved["status_of_old"]]

    (renamed,) = changes["renamed"]
    report = _report(catalogue, renamed["url"])
    assert report["report_id"] == _sha1(renamed["url"]) and report["unit_name"] == renamed["to"]
    assert report["current_version"] == 2 and report["gone_since"] is None

    # Every other report of the first crawl: the same report, one version, live.
    changed = {new["url"], edited["url"], removed["url"], moved["from"], moved["to"], renamed["url"]}
    for record in read_lines(first / "reports.jsonl"):
        if changed.isdisjoint(record["urls"]):
            report = _report(catalogue, record["url"])
            assert report["current_version"] == 1 and report["gone_since"] is None
            assert report["last_seen"] >= later_start
    total, gone = catalogue.execute("SELECT COUNT(*), COUNT(gone_since) FROM reports").fetchone()
    assert (total, gone) == (len(read_lines(first / "reports.jsonl")) + 1, 1)


def test_the_export_of_both_states_holds_the_current_version_of_every_report(two_states, catalogue):
    output, (first, _), (later, _), *_others = two_states
    exported = output.parent / "export"
    current = dict(catalogue.execute("SELECT r.report_id, v.sha256 FROM reports r JOIN versions v "
                                     "ON v.report_id = r.report_id AND v.version = r.current_version").fetchall())
    reports = pq.read_table(exported / "reports.parquet").to_pylist()
    assert {r["report_id"]: r["sha256"] for r in reports} == current  # the removed one too, with its gone_since
    # Each version's cells as the crawl that read it wrote them (report_id there: sha1 of the URL).
    cells_of = {}
    for run_dir in (first, later):
        sha_of = {r["id"]: r["sha256"] for r in read_lines(run_dir / "reports.jsonl")}
        for cell in read_lines(run_dir / "cells.jsonl"):
            cells_of.setdefault((run_dir, sha_of[cell["report_id"]]), []).append(cell)
    expected = sum(len(cells_of.get((later, sha)) or cells_of.get((first, sha), [])) for sha in current.values())
    cells = pq.read_table(exported / "cells.parquet").to_pylist()
    assert len(cells) == expected > 0
    for name, rows in (("reports", reports), ("cells", cells)):
        with (exported / f"{name}.csv").open(encoding="utf-8-sig", newline="") as table:
            assert sum(1 for _row in csv.DictReader(table)) == len(rows)
    (edited,) = _manifest("later")["changes"][SPIDER]["edited"]
    table, row, column = edited["figure"].split(".")
    (figure,) = [c["value"] for c in cells
                 if (c["report_id"], c["table"], c["row"], c["col"]) == (_sha1(edited["url"]), table, row, column)]
    assert figure == edited["after"]


def test_the_second_crawl_revalidates_what_it_knows_and_reads_only_what_changed(two_states):
    manifest, changes = _manifest("first")["spiders"][SPIDER], _manifest("later")["changes"][SPIDER]
    _output, _first, (later, served), *_others = two_states
    changed = {changes["edited"][0]["url"], changes["removed"][0]["url"], changes["moved"][0]["from"],
               changes["renamed"][0]["url"]}
    known = [r["url"] for r in manifest["reports"] if r["url"] not in changed]
    status = {(host, path): code for _method, host, path, code in served}
    assert {url: status[host_path(url)] for url in known} == dict.fromkeys(known, 304)
    # List pages are never asked conditionally: every one was served whole.
    assert {status[host_path(url)] for url in manifest["lists"]} == {200}
    stats = _stats(later)["stats"]
    not_modified = sum(code == 304 for *_request, code in served)
    assert stats["govcrawl/corpus/not_modified"] == not_modified == len(known)
    assert stats["govcrawl/corpus/unchanged"] == len(known)
    # The engine read only the new, the edited, the renamed and the moved page (new to its URL).
    assert stats["govcrawl/reports"] == 4
    assert stats["govcrawl/corpus/gone"] == 2  # the removed report and the moved one's old URL
    logged = {f["url"]: f for f in read_lines(later / "fetches.jsonl")}
    assert {logged[url]["status"] for url in known} == {304}
    records = {url: r for r in read_lines(later / "reports.jsonl") for url in r["urls"]}
    assert all(logged[url]["sha256"] == records[url]["sha256"] for url in known)


def test_a_forced_full_refetch_downloads_every_page_again(two_states):
    manifest = _manifest("later")["spiders"][SPIDER]
    *_earlier, (refetch, served), _reread = two_states
    status = {(host, path): code for _method, host, path, code in served}
    assert 304 not in status.values()
    assert {status[host_path(r["url"])] for r in manifest["reports"]} == {200}
    stats = _stats(refetch)["stats"]
    assert "govcrawl/corpus/not_modified" not in stats
    # Downloaded again, the same bytes are still not read again (CORPUS_INCREMENTAL).
    assert stats["govcrawl/corpus/unchanged"] == len(manifest["reports"])


def test_unchanged_attachments_answer_304_and_are_read_from_the_corpus(two_states):
    manifest = _manifest("later")["spiders"][SPIDER]
    _output, (first, _), *_others, (reread, served) = two_states
    attached = {r["url"]: a for r in manifest["reports"] for a in r.get("attachments", []) if not a.get("error")}
    assert attached  # the later state keeps reports whose text is only in their attachment
    status = {(host, path): code for _method, host, path, code in served}
    assert {status[host_path(a["url"])] for a in attached.values()} == {304}
    stats = _stats(reread)["stats"]
    assert stats["govcrawl/reports"] == len(manifest["reports"])  # every page read again
    records = {r["url"]: r for r in read_lines(reread / "reports.jsonl")}
    first_records = {r["url"]: r for r in read_lines(first / "reports.jsonl")}
    for url, attachment in attached.items():
        (read,) = [a for a in records[url]["attachments"] if a["url"] == attachment["url"]]
        assert read["sha256"] == attachment["sha256"] and not read.get("error")
        assert records[url]["tables"] == first_records[url]["tables"] and records[url]["via"] == first_records[url]["via"]
