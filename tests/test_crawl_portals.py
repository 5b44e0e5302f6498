"""What is particular to single portals: seed pages rebuilt in the replica, `-O`, scope=all."""

from __future__ import annotations

import json
import re

import jsonlines
import pytest

from govcrawl.evaluate import score_record
from govcrawl.definitions import load_definitions
from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

from .crawling import crawl, expectations, run_scrapy

SEED_000_URL = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
SEED_003_URL = "https://www.linhai.gov.cn/art/2021/1/27/art_1229408517_54577.html"
SEED_002_URL = "http://www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    return crawl("tianjin", tmp_path_factory.mktemp("all"), "-a", "scope=all")


def test_seed_000_page_has_its_tables_read_from_its_images(everything, shared):
    """The seed's gold (its text: tables null) for everything but the tables; the tables are the
    numbers the replica drew in the page's three PNGs, read by OCR and confirmed by the identities."""
    (record,) = [r for r in everything.records if r["url"] == SEED_000_URL]
    gold = json.loads((shared / "gold" / "000_5ec2f74a97fd9e7f.json").read_text(encoding="utf-8"))
    assert score_record("000 page", record, gold | {"tables": record["tables"]}).differences == []
    drawn = expectations("tianjin")["reports"][SEED_000_URL]
    assert record["tables"] == drawn["tables"]
    assert all(record["tables"].values())
    assert record["via"] == "ocr" and "tables_from_ocr" in record["flags"] and "tables_as_images" not in record["flags"]
    assert [c["status"] for c in record["checks"]] and all(c["status"] == "pass" for c in record["checks"])
    assert [a["url"] for a in record["attachments"]] == [a["url"] for a in drawn["attachments"]]
    assert all(a["path"] for a in record["attachments"])
    cells = [c for c in everything.cells if c["report_id"] == record["id"]]
    assert cells and all(0 < c["confidence"] <= 1 for c in cells)


def test_seed_002_page_rebuilt_with_html_tables_reproduces_its_gold(everything, shared):
    (record,) = [r for r in everything.records if r["url"] == SEED_002_URL]
    gold = json.loads((shared / "gold" / "002_5b7f9e9403413c40.json").read_text(encoding="utf-8"))
    assert score_record("002 page", record, gold).differences == []
    assert record["via"] == "html" and record["portal"] == "hongqiao"


def test_scope_all_crawls_the_municipal_portal_and_every_district(everything):
    districts = {d.name for d in load_definitions() if d.part_of == "tianjin"}
    assert len(districts) == 16
    expected = {url for spider in {"tianjin"} | districts for url in expectations(spider)["reports"]}
    assert {r["url"] for r in everything.records} == expected
    by_portal = {r["portal"] for r in everything.records}
    assert by_portal == {"tianjin"} | districts
    for record in everything.records:
        if record["url"].startswith("http://gk.tj.gov.cn/"):
            assert record["portal"] == "tianjin"  # the shared column is the municipal portal's


def test_dash_O_writes_schema_records_only(tmp_path):
    target = tmp_path / "reports.jsonl"
    with ReplicaServer(DEFAULT_SITES) as replica:
        run_scrapy("hongqiao", replica.url, "-O", str(target), "-s", f"RAW_STORE_DIR={tmp_path / 'raw'}")
    with jsonlines.open(target) as reader:
        records = list(reader)
    assert {r["url"] for r in records} == set(expectations("hongqiao")["reports"])
    assert all(list(r)[:4] == ["id", "portal", "url", "source_file"] for r in records)


@pytest.fixture(scope="module")
def linhai(tmp_path_factory):
    return crawl("linhai", tmp_path_factory.mktemp("linhai"))


def test_linhai_renders_only_the_lists_that_need_a_browser(linhai):
    rendered = set(re.findall(r"reading it in the browser: (\S+)", linhai.log))
    assert rendered == set(load_manifest()["spiders"]["linhai"]["rendered_lists"])
    assert linhai.stat("govcrawl/lists_rendered") < 0.1 * linhai.stat("downloader/request_count")
    assert linhai.stat("playwright/page_count/closed") == linhai.stat("playwright/page_count")


def test_seed_003_page_rebuilt_with_its_layout_table_reproduces_its_gold(linhai, shared):
    (record,) = [r for r in linhai.records if r["url"] == SEED_003_URL]
    gold = json.loads((shared / "gold" / "003_813cce83a6a79fdd.json").read_text(encoding="utf-8"))
    assert score_record("003 page", record, gold).differences == []


def test_an_oversized_attachment_is_an_error_and_the_crawl_goes_on(tmp_path):
    result = crawl("tianqiao", tmp_path, "-s", "ATTACHMENT_MAXSIZE=2000")
    assert result.stat("govcrawl/errors/attachment") >= 2
    refused = [a for r in result.records for a in r["attachments"] if "error" in a]
    assert refused and all(a["sha256"] is None for a in refused)
    # Pages whose report is only in a refused attachment are error entries, not silently dropped.
    expected = expectations("tianqiao")["reports"]
    attachment_only = {url for url, r in expected.items() if r["via"] not in ("html", None)}
    assert {e["url"] for e in result.errors if e["stage"] == "attachment"} == attachment_only
    assert {r["url"] for r in result.records} == set(expected) - attachment_only
