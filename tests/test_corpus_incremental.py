"""Recrawls into a corpus (CORPUS_INCREMENTAL): unchanged report pages are not read again, changed
ones are, and the run's feeds are what a full run writes. Real crawls of hedong's portal, in the
replica's first state and then in its later one (replica/later.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonlines
import pytest

from govcrawl import settings
from replica.build import built

from .corpus_runs import crawl_run
from .crawling import shared_run

LATER = json.loads(built("later").manifest.read_text(encoding="utf-8"))
CHANGES = LATER["changes"]["hedong"]


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


RECRAWLS = "hedong crawled four times into one corpus: incremental, again, in its later state, in full"
pytestmark = pytest.mark.crawls(RECRAWLS)


@shared_run(RECRAWLS)
def recrawl(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    output = out / "corpus"
    first_sites, later_sites = built("first").sites, built("later").sites
    first = crawl_run(output, "hedong", sites=first_sites, scrapy_settings=_options(True))  # no corpus yet: reads all
    again = crawl_run(output, "hedong", sites=first_sites, scrapy_settings=_options(True))
    changed = crawl_run(output, "hedong", sites=later_sites, scrapy_settings=_options(True))
    full = crawl_run(output, "hedong", sites=later_sites, scrapy_settings=_options(False))
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


def test_changed_pages_are_read_again_and_only_they(runs):
    (_s, first, _c), _again, (stats, records, _cells), _full = runs
    # Pages with bytes new at their URL: the next year's report, the corrected one, the renamed
    # unit's, and the moved one (its bytes are known, its URL is not).
    read = {CHANGES["new"][0]["url"], CHANGES["edited"][0]["url"], CHANGES["renamed"][0]["url"], CHANGES["moved"][0]["to"]}
    assert stats["stats"]["govcrawl/reports"] == len(read)
    assert stats["stats"]["govcrawl/corpus/unchanged"] == len(records) - len(read)
    assert all(records[url]["sha256"] == first[url]["sha256"] for url in records.keys() - read)
    (edited,) = CHANGES["edited"]
    table, row, column = edited["figure"].split(".")
    figures = [r[edited["url"]]["tables"][table][row][column] for r in (first, records)]
    assert figures == [edited["before"], edited["after"]]


def test_corpus_incremental_off_is_a_full_recrawl(runs):
    _first, _again, (_s, changed, _c), (stats, records, _cells) = runs
    assert stats["stats"]["govcrawl/reports"] == len(records) == len(LATER["spiders"]["hedong"]["reports"])
    assert "govcrawl/corpus/unchanged" not in stats["stats"]
    assert {url: _without_time(r) for url, r in records.items()} == {url: _without_time(r) for url, r in changed.items()}
