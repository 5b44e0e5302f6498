"""Recrawls into a corpus (CORPUS_INCREMENTAL): unchanged report pages are not read again, a
changed one is, and the run's feeds are what a full run writes. Real crawls of hedong's portal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonlines
import pytest

from govcrawl import settings

from .corpus_runs import crawl_run, output_and_sites
from .crawling import shared_run

EDITED = "www.tjhd.gov.cn/zwgk/zfxxgk/zfxxgkqzf/qzf/zfxxgknb42/202503/t20250304_6873286.html"
EDITED_URL = "https://" + EDITED
LICENSING = re.compile(r'(行政许可</td><td colspan="3">)(\d+)(</td>)')  # 表二's licensing decisions


def _options(incremental: bool) -> tuple[str, ...]:
    last = max(settings.EXTENSIONS.values())
    extensions = settings.EXTENSIONS | {"govcrawl.corpus.extensions.CorpusIngest": last + 10}
    middlewares = {"govcrawl.corpus.incremental.UnchangedReports": 950}  # beside Scrapy's own (SPIDER_MIDDLEWARES_BASE)
    return ("-s", "CORPUS_INGEST=True", "-s", f"EXTENSIONS={json.dumps(extensions)}",
            "-s", f"CORPUS_INCREMENTAL={incremental}", "-s", f"SPIDER_MIDDLEWARES={json.dumps(middlewares)}")


def _run(run_dir):
    stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    with jsonlines.open(run_dir / "reports.jsonl") as reader:
        records = {r["url"]: r for r in reader}
    with jsonlines.open(run_dir / "cells.jsonl") as reader:
        cells = sorted(json.dumps(c, sort_keys=True, ensure_ascii=False) for c in reader)
    return stats, records, cells


def _without_time(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "fetched_at"}


RECRAWLS = "hedong crawled four times into one corpus: incremental, again, after a change, in full"
pytestmark = pytest.mark.crawls(RECRAWLS)


@shared_run(RECRAWLS)
def recrawl(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    output, sites = output_and_sites(out)
    first = crawl_run(output, "hedong", sites=sites, scrapy_settings=_options(True))  # no corpus yet: reads all
    again = crawl_run(output, "hedong", sites=sites, scrapy_settings=_options(True))
    page = sites / EDITED
    corrected, count = LICENSING.subn(lambda m: f"{m[1]}{int(m[2]) + 1}{m[3]}", page.read_text(encoding="utf-8"))
    assert count == 1
    page.write_text(corrected, encoding="utf-8")
    changed = crawl_run(output, "hedong", sites=sites, scrapy_settings=_options(True))
    full = crawl_run(output, "hedong", sites=sites, scrapy_settings=_options(False))
    return [_run(run_dir) for run_dir in (first, again, changed, full)]


@pytest.fixture(scope="module")
def runs(crawls):
    return crawls[RECRAWLS]


def test_a_recrawl_of_an_unchanged_portal_reads_no_report_again_and_writes_the_same_feeds(runs):
    (first_stats, first, first_cells), (stats, records, cells), *_rest = runs
    assert first_stats["stats"]["govcrawl/reports"] == len(first) > 0
    assert "govcrawl/corpus/unchanged" not in first_stats["stats"]
    assert stats["status"] == "ok"
    assert stats["stats"].get("govcrawl/reports", 0) == 0  # the engine ran on nothing
    assert stats["stats"]["govcrawl/corpus/unchanged"] == len(first)
    assert {url: _without_time(r) for url, r in records.items()} == {url: _without_time(r) for url, r in first.items()}
    assert all(records[url]["fetched_at"] >= first[url]["fetched_at"] for url in first)
    assert cells == first_cells


def test_a_changed_page_is_read_again(runs):
    (_s, first, _c), _again, (stats, records, _cells), _full = runs
    assert stats["stats"]["govcrawl/reports"] == 1
    assert stats["stats"]["govcrawl/corpus/unchanged"] == len(first) - 1
    assert records[EDITED_URL]["sha256"] != first[EDITED_URL]["sha256"]
    decisions = [r["tables"]["active_disclosure"]["admin_licensing"]["decisions"] for r in (first[EDITED_URL], records[EDITED_URL])]
    assert decisions[1] == decisions[0] + 1


def test_corpus_incremental_off_is_a_full_recrawl(runs):
    (_s, first, _c), _again, _changed, (stats, records, _cells) = runs
    assert stats["stats"]["govcrawl/reports"] == len(first)
    assert "govcrawl/corpus/unchanged" not in stats["stats"]
    assert set(records) == set(first)
