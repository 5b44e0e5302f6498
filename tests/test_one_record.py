"""One report, one record: the same report met under several URLs in a crawl is one record
listing every URL (same bytes, or the same URL but for scheme, tracking parameters, slash)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonlines
import pytest

from .crawling import shared_run
from .small_portal import HOST, REPORT_PAGE, crawl_small_portal

PAGE = "gknb/202103/t20210308_1.html"
URLS = [
    f"http://{HOST}/{PAGE}",
    f"https://{HOST}/{PAGE}",
    f"http://{HOST}/{PAGE}?from=list",
    f"https://{HOST}/{PAGE}?spm=1.2.3&from=index",
    f"http://{HOST}/gknb/qt/202103/t20210308_9.html",  # the same bytes in another column
]


ONE_REPORT_MANY_URLS = "a small portal listing one report under several URLs"
pytestmark = pytest.mark.crawls(ONE_REPORT_MANY_URLS)


@shared_run(ONE_REPORT_MANY_URLS)
def crawl_of_one_report_under_many_urls(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    body = REPORT_PAGE.read_bytes()
    links = [(url, f"天津市红桥区人民政府2020年政府信息公开年度报告（{i}）") for i, url in enumerate(URLS)]
    # A different report that only shares the column: it must stay a record of its own.
    other = body.replace("2020年政府信息公开年度报告".encode(), "2020年政府信息公开年度报告（修订）".encode())
    links.append(("./202104/t20210401_2.html", "天津市红桥区人民政府2020年政府信息公开年度报告（修订）"))
    files = {PAGE: body, "gknb/qt/202103/t20210308_9.html": body, "gknb/202104/t20210401_2.html": other}
    return crawl_small_portal(out, links, files)


@pytest.fixture(scope="module")
def crawl(crawls):
    return crawls[ONE_REPORT_MANY_URLS]


def test_the_report_is_one_record_with_every_url(crawl):
    completed, run_dir = crawl
    assert completed.returncode == 0, completed.stderr[-3000:]
    with jsonlines.open(run_dir / "reports.jsonl") as reader:
        records = list(reader)
    assert len(records) == 2
    (merged,) = [r for r in records if len(r["urls"]) > 1]
    assert merged["url"] in URLS and sorted(merged["urls"]) == sorted(URLS)
    (revised,) = [r for r in records if r is not merged]
    assert revised["urls"] == [revised["url"]] and revised["url"].endswith("t20210401_2.html")
    stats = json.loads((run_dir / "stats.json").read_text())
    assert stats["counts"]["reports"] == 2 and stats["stats"]["govcrawl/reports_met_again"] == 4
    with jsonlines.open(run_dir / "cells.jsonl") as reader:
        assert {c["report_id"] for c in reader} == {r["id"] for r in records}  # no cells of a dropped sighting
