"""The `govcrawl` command as a user runs it: parse, eval, replica serve, summary."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from replica.server import DEFAULT_SITES, load_manifest

from .crawling import DEMO, GENEROUS_SECONDS, govcrawl, rendered_cells

SEED_000_PAGE = DEFAULT_SITES / "www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"


def test_parse_prints_one_record_per_file(shared):
    seed = shared / "seeds" / "000_5ec2f74a97fd9e7f.txt"
    gold = json.loads((shared / "gold" / "000_5ec2f74a97fd9e7f.json").read_text(encoding="utf-8"))
    done = govcrawl("parse", str(seed), str(SEED_000_PAGE))
    assert done.returncode == 0, done.stderr
    text_record, page_record = map(json.loads, done.stdout.splitlines())
    assert text_record["title"] == page_record["title"] == gold["title"]
    assert text_record["source_file"] == seed.name and text_record["url"] is None
    assert "tables_as_images" in page_record["flags"]


def test_parse_reports_unreadable_files_and_goes_on(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    done = govcrawl("parse", str(tmp_path / "missing.html"), str(empty), str(SEED_000_PAGE))
    assert done.returncode == 1
    assert "missing.html" in done.stderr and "empty.html" in done.stderr
    assert len(done.stdout.splitlines()) == 1


def test_parse_cells_adds_the_cell_lines():
    page = next(DEFAULT_SITES.glob("www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2021/tjsrmzf/*/t*.html"))
    done = govcrawl("parse", "--cells", str(page))
    record, *cells = map(json.loads, done.stdout.splitlines())
    assert cells and {c["report_id"] for c in cells} == {record["id"]}


def test_eval_ends_with_an_overall_summary(shared):
    done = govcrawl("eval", str(shared / "gold"), str(shared / "seeds" / "000_5ec2f74a97fd9e7f.txt"))
    assert done.returncode == 0, done.stderr
    assert "100" in "\n".join(done.stdout.splitlines()[-3:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_replica_serve_serves_a_directory_of_site_trees(tmp_path):
    site = tmp_path / "www.example.gov.cn" / "gknb"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html><body>年报</body></html>", encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "govcrawl.cli", "replica", "serve", "--sites", str(tmp_path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/gknb/", headers={"Host": "www.example.gov.cn"})
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert "年报" in response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("govcrawl replica serve did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.crawls(DEMO)
def test_demo_crawls_every_portal_once_and_summarises(crawls):
    demo = crawls[DEMO]  # `govcrawl demo --output DIR`, run once for the session (tests/crawling.py)
    reports = [r for spider in load_manifest()["spiders"].values() for r in spider["reports"]]
    expected = {r["url"] for r in reports}
    assert sorted(r["url"] for r in demo.records) == sorted(expected)  # each report once
    urls = {r["id"]: r["url"] for r in demo.records}
    cells = [(urls[c["report_id"]], c["table"], c["row"], c["col"]) for c in demo.cells]
    assert len(cells) == len(set(cells)), "a cell was written twice"
    assert dict(zip(cells, (c["value"] for c in demo.cells))) == rendered_cells(reports)
    assert {e["url"] for e in demo.errors} == {
        r["url"] for spider in load_manifest()["spiders"].values() for r in spider["not_reports"] if r["why"] in ("dead_link", "broken")}
    assert sorted(p.name for p in (demo.out / "latest").iterdir()) == ["linhai", "tianjin", "tianqiao"]  # each top-level spider once
    # The crawls ran in one process, with one log; the demo's `-s EXTRACT_SECONDS=…` reached every one.
    log = (demo.out / "logs" / "crawls.log").read_text(encoding="utf-8")
    assert log.count(f"each document may take {GENEROUS_SECONDS} s") == 3, log[-3000:]
    assert (demo.out / "export" / "datapackage.json").is_file() and (demo.out / "coverage.html").is_file()
    summary = demo.summary
    assert f"{len(expected)} reports from" in summary
    assert "failing checks: " in summary and "[attachment]" in summary and "HTTP 404" in summary
