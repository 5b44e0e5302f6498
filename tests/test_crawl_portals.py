"""What is particular to single portals: seed pages rebuilt in the replica, scope=all (read from
the demo's crawls), `-O`, attachments refused or read without the raw store."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from govcrawl.evaluate import score_record
from govcrawl.definitions import load_definitions
from replica.server import load_manifest

from .crawling import DASH_O_FILE, DEMO, OVERSIZED, WITHOUT_RAW_STORE, expectations, on_domains, read_lines

SEED_000_URL = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
SEED_003_URL = "https://www.linhai.gov.cn/art/2021/1/27/art_1229408517_54577.html"
SEED_002_URL = "http://www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"


TIANJIN_ALL = {"tianjin"} | {d.name for d in load_definitions() if d.part_of == "tianjin"}


@pytest.fixture(scope="module")
def everything(crawls) -> list[dict]:
    """The records of `scrapy crawl tianjin -a scope=all` as the demo ran it: those on the tianjin
    portals' domains (the demo's other crawls, of tianqiao and linhai, are on domains of their own)."""
    domains = {domain for d in load_definitions() if d.name in TIANJIN_ALL for domain in d.allowed_domains}
    return [r for r in crawls[DEMO].records if on_domains(urlsplit(r["url"]).hostname, domains)]


@pytest.mark.crawls(DEMO)
def test_seed_000_page_has_its_tables_read_from_its_images(everything, crawls, shared):
    """The seed's gold (its text: tables null) for everything but the tables; the tables are the
    numbers the replica drew in the page's three PNGs, read by OCR and confirmed by the identities."""
    (record,) = [r for r in everything if r["url"] == SEED_000_URL]
    gold = json.loads((shared / "gold" / "000_5ec2f74a97fd9e7f.json").read_text(encoding="utf-8"))
    assert score_record("000 page", record, gold | {"tables": record["tables"]}).differences == []
    drawn = expectations("tianjin")["reports"][SEED_000_URL]
    assert record["tables"] == drawn["tables"]
    assert all(record["tables"].values())
    assert record["via"] == "ocr" and "tables_from_ocr" in record["flags"] and "tables_as_images" not in record["flags"]
    assert [c["status"] for c in record["checks"]] and all(c["status"] == "pass" for c in record["checks"])
    assert [a["url"] for a in record["attachments"]] == [a["url"] for a in drawn["attachments"]]
    assert all(a["path"] for a in record["attachments"])
    cells = [c for c in crawls[DEMO].cells if c["report_id"] == record["id"]]
    assert cells and all(0 < c["confidence"] <= 1 for c in cells)


@pytest.mark.crawls(DEMO)
def test_seed_002_page_rebuilt_with_html_tables_reproduces_its_gold(everything, shared):
    (record,) = [r for r in everything if r["url"] == SEED_002_URL]
    gold = json.loads((shared / "gold" / "002_5b7f9e9403413c40.json").read_text(encoding="utf-8"))
    assert score_record("002 page", record, gold).differences == []
    assert record["via"] == "html" and record["portal"] == "hongqiao"


@pytest.mark.crawls(DEMO)
def test_scope_all_crawls_the_municipal_portal_and_every_district(everything):
    assert len(TIANJIN_ALL) == 17
    expected = {url for spider in TIANJIN_ALL for url in expectations(spider)["reports"]}
    assert sorted(r["url"] for r in everything) == sorted(expected)  # each report once
    assert {r["portal"] for r in everything} == TIANJIN_ALL
    for record in everything:
        if record["url"].startswith("http://gk.tj.gov.cn/"):
            assert record["portal"] == "tianjin"  # the shared column is the municipal portal's


@pytest.mark.crawls(WITHOUT_RAW_STORE)
def test_dash_O_writes_schema_records_and_attachments_are_read_without_the_raw_store(crawls):
    result = crawls[WITHOUT_RAW_STORE]
    expected = expectations("tianqiao")["reports"]
    records = read_lines(result.out / DASH_O_FILE)
    assert {r["url"] for r in records} == set(expected) == {r["url"] for r in result.records}
    assert all(list(r)[:4] == ["id", "portal", "url", "source_file"] for r in records)
    # The reports that are only in attachments are read from them: nothing needs the raw store.
    for record in records:
        want = expected[record["url"]]
        assert (record["via"], record["tables"]) == (want["via"], want["tables"]), record["url"]
        assert [(a["url"], a["sha256"], a["path"]) for a in record["attachments"]] == [
            (a["url"], None if a.get("error") and a["sha256"] is None else a["sha256"], None) for a in want["attachments"]
        ], record["url"]
    assert {r["via"] for r in records} > {"html"} and not (result.out / "raw").exists()
    unfetchable = [a for r in expected.values() for a in r["attachments"] if a["sha256"] is None]  # dead links
    assert result.errors == [] and result.stat("govcrawl/errors/attachment") == len(unfetchable) > 0


@pytest.fixture(scope="module")
def linhai(crawls):
    return crawls["linhai"]


@pytest.mark.crawls("linhai")
def test_linhai_renders_only_the_lists_that_need_a_browser(linhai):
    rendered = set(re.findall(r"reading it in the browser: (\S+)", linhai.log))
    assert rendered == set(load_manifest()["spiders"]["linhai"]["rendered_lists"])
    assert linhai.stat("govcrawl/lists_rendered") < 0.1 * linhai.stat("downloader/request_count")
    assert linhai.stat("playwright/page_count/closed") == linhai.stat("playwright/page_count")


@pytest.mark.crawls("linhai")
def test_seed_003_page_rebuilt_with_its_layout_table_reproduces_its_gold(linhai, shared):
    (record,) = [r for r in linhai.records if r["url"] == SEED_003_URL]
    gold = json.loads((shared / "gold" / "003_813cce83a6a79fdd.json").read_text(encoding="utf-8"))
    assert score_record("003 page", record, gold).differences == []


@pytest.mark.crawls(OVERSIZED)
def test_an_oversized_attachment_is_an_error_and_the_crawl_goes_on(crawls):
    result = crawls[OVERSIZED]
    assert result.stat("govcrawl/errors/attachment") >= 2
    refused = [a for r in result.records for a in r["attachments"] if "error" in a]
    assert refused and all(a["sha256"] is None for a in refused)
    # Pages whose report is only in a refused attachment are error entries, not silently dropped.
    expected = expectations("tianqiao")["reports"]
    attachment_only = {url for url, r in expected.items() if r["via"] not in ("html", None)}
    assert {e["url"] for e in result.errors if e["stage"] == "attachment"} == attachment_only
    assert {r["url"] for r in result.records} == set(expected) - attachment_only
