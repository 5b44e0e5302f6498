"""The item pipelines on items of any type (read and written through itemadapter), on the
replica's real pages; the crawls in test_crawl*.py run them on the spiders' own items."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from urllib.parse import urlsplit

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from govcrawl.exporters import CellLinesExporter
from govcrawl.items import CrawlError, Report
from govcrawl.pipelines.attachments import AttachmentsPipeline
from govcrawl.pipelines.extract import NOT_FETCHED, ExtractPipeline
from govcrawl.pipelines.raw import RawStorePipeline
from replica.server import DEFAULT_SITES, load_manifest

TIANQIAO = load_manifest()["spiders"]["tianqiao"]["reports"]
(DOCX_REPORT,) = [r for r in TIANQIAO if r["via"] == "docx"]  # a short page: 详见附件
HTML_REPORT = next(r for r in TIANQIAO if r["via"] == "html")


def served(url: str) -> bytes:
    parts = urlsplit(url)
    return (DEFAULT_SITES / parts.hostname / parts.path.lstrip("/")).read_bytes()


def page_item(report: dict, **fields) -> dict:
    """A report page as a plain dict, as a spider of the user's own might yield it."""
    return {"url": report["url"], "portal": "tianqiao", "body": served(report["url"]), "media_type": "text/html", **fields}


def extracted(crawler, item):
    """What the extract pipeline makes of an item: its process_item is a coroutine, awaiting the
    worker processes that read the documents (govcrawl/workers.py)."""
    pipeline = ExtractPipeline.from_crawler(crawler)
    try:
        return asyncio.run(pipeline.process_item(item))
    finally:
        pipeline.close_spider()


@pytest.fixture()
def crawler(tmp_path):
    return get_crawler(settings_dict={"RAW_STORE_DIR": str(tmp_path / "raw")})


def test_a_dict_page_is_stored_by_sha256_by_the_worker_that_reads_it_into_its_record(crawler, tmp_path):
    item = page_item(HTML_REPORT)
    digest = hashlib.sha256(item["body"]).hexdigest()
    report = extracted(crawler, item)
    assert (tmp_path / "raw" / digest[:2] / digest).read_bytes() == item["body"]
    assert isinstance(report, Report)
    assert (report.record["url"], report.record["sha256"], report.record["tables"]) == (
        HTML_REPORT["url"], digest, HTML_REPORT["tables"])
    assert report.cells and crawler.stats.get_value("govcrawl/reports") == 1


def test_the_raw_store_pipeline_stores_a_page_in_the_crawls_process_once(tmp_path):
    """For an ITEM_PIPELINES list without extraction: the same store, written by the crawl itself."""
    item = page_item(HTML_REPORT)
    pipeline = RawStorePipeline.from_crawler(get_crawler(settings_dict={"RAW_STORE_DIR": str(tmp_path / "raw")}))
    assert pipeline.process_item(item) is item and pipeline.process_item(item) is item
    digest = hashlib.sha256(item["body"]).hexdigest()
    assert [p.name for p in (tmp_path / "raw").rglob("*")] == [digest[:2], digest]
    assert (tmp_path / "raw" / digest[:2] / digest).read_bytes() == item["body"]


def test_the_cell_lines_encoded_in_the_worker_are_what_json_dumps_writes_of_the_cells(crawler):
    """The extraction worker encodes a report's cells.jsonl lines; the exporter writes those bytes
    as they came, and they are exactly json.dumps of each cell, in order."""
    report = extracted(crawler, page_item(HTML_REPORT))
    expected = b"".join(json.dumps(cell, ensure_ascii=False).encode("utf-8") + b"\n" for cell in report.cells)
    assert len(report.cells) > 100 and report.cell_lines == expected
    written = io.BytesIO()
    CellLinesExporter(written).export_item(report)
    assert written.getvalue() == expected
    assert "cell_lines" not in ItemAdapter(report).asdict()  # not an item field: feeds and validation see record and cells


def test_a_dict_page_is_read_from_the_attachment_it_carries(crawler):
    (attachment,) = DOCX_REPORT["attachments"]
    files = [{"url": attachment["url"], "body": served(attachment["url"]), "path": None}]
    report = extracted(crawler,
        page_item(DOCX_REPORT, file_urls=[attachment["url"]], file_names={attachment["url"]: attachment["name"]}, files=files))
    assert (report.record["via"], report.record["tables"]) == ("docx", DOCX_REPORT["tables"])
    (entry,) = report.record["attachments"]
    assert (entry["url"], entry["name"], entry["sha256"], entry["path"]) == (attachment["url"], attachment["name"], attachment["sha256"], None)


def test_attachments_nobody_fetched_make_a_short_page_an_error_entry_not_a_silent_drop(crawler):
    (attachment,) = DOCX_REPORT["attachments"]
    error = extracted(crawler, page_item(DOCX_REPORT, file_urls=[attachment["url"]]))
    assert isinstance(error, CrawlError)
    assert (error.url, error.portal, error.stage) == (DOCX_REPORT["url"], "tianqiao", "attachment")
    assert error.detail == f"{attachment['url']}: {NOT_FETCHED}"


def test_items_that_are_not_pages_pass_untouched(crawler, tmp_path):
    report = Report(record={"url": HTML_REPORT["url"]}, cells=[])
    raw = RawStorePipeline.from_crawler(crawler)
    for item in (report, {"url": HTML_REPORT["url"]}):
        assert raw.process_item(item) is item
        assert extracted(crawler, item) is item
    assert not (tmp_path / "raw").exists()


def test_attachments_are_requested_for_a_dict_page_and_stored_for_the_crawl_only_without_a_raw_store():
    crawler = get_crawler(settings_dict={"RAW_STORE_DIR": "", "ATTACHMENT_MAXSIZE": 1000})
    pipeline = AttachmentsPipeline.from_crawler(crawler)
    urls = [a["url"] for a in DOCX_REPORT["attachments"]]
    requests = pipeline.get_media_requests(page_item(DOCX_REPORT, file_urls=urls), info=None)
    assert [(r.url, r.meta["download_maxsize"]) for r in requests] == [(url, 1000) for url in urls]
    assert pipeline.get_media_requests(Report(record={}, cells=[]), info=None) == []
    store = pipeline.store_dir
    assert store.is_dir() and not pipeline.kept
    pipeline.close_spider()
    assert not store.exists()


def test_fetched_files_go_on_with_their_bytes_and_failures_with_their_error(tmp_path):
    crawler = get_crawler(settings_dict={"RAW_STORE_DIR": str(tmp_path)})
    pipeline = AttachmentsPipeline.from_crawler(crawler)
    body = served(DOCX_REPORT["attachments"][0]["url"])
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "stored").write_bytes(body)
    urls = ["http://a.gov.cn/stored.docx", "http://a.gov.cn/dead.pdf", "http://a.gov.cn/gone.pdf"]
    results = [(True, {"path": "ab/stored"}), (False, Failure(IgnoreRequest("HTTP 404"))), (True, {"path": "ab/gone"})]
    item = pipeline.item_completed(results, page_item(DOCX_REPORT, file_urls=urls), info=None)
    stored, dead, gone = item["files"]
    assert stored == {"url": urls[0], "body": body, "path": "ab/stored"}
    assert dead == {"url": urls[1], "error": "HTTP 404"}
    assert gone["url"] == urls[2] and gone["error"].startswith("stored but not readable:")
    assert crawler.stats.get_value("govcrawl/errors/attachment") == 2


def test_compiled_validation_gives_spidermons_verdict_and_messages_on_real_records():
    """The validation pipeline checks items with the schema compiled once; on valid and broken
    copies of a real page's record it answers exactly what Spidermon's own validator answers."""
    from spidermon.contrib.validation import JSONSchemaValidator

    from govcrawl.extract import extract
    from govcrawl.pipelines.validation import CompiledSchemaValidator
    from govcrawl.schema import report_item_schema

    extraction = extract(served(HTML_REPORT["url"]), url=HTML_REPORT["url"], portal="tianqiao")
    assert extraction.cells  # the statutory tables were read: the cell schema is exercised too
    valid = {"record": extraction.record, "cells": extraction.cells}
    broken = [
        {"record": extraction.record | {"year": "2020"}, "cells": extraction.cells},
        {"record": {k: v for k, v in extraction.record.items() if k != "sha256"}, "cells": extraction.cells},
        {"record": extraction.record, "cells": [extraction.cells[0] | {"value": "12"}, *extraction.cells[1:]]},
        {"record": extraction.record | {"flags": ["Not a flag"]}, "cells": []},
        # each kind of keyword the record schema uses: pattern, minimum, uniqueItems, enum, $ref
        {"record": extraction.record | {"sha256": extraction.record["sha256"].upper()}, "cells": []},
        {"record": extraction.record | {"unit": extraction.record["unit"] | {"region_code": "12010"}}, "cells": []},
        {"record": extraction.record | {"year": 1980}, "cells": []},
        {"record": extraction.record | {"flags": ["short_text", "short_text"]}, "cells": []},
        {"record": extraction.record | {"via": "exe"}, "cells": []},
        {"record": extraction.record | {"checks": [{"status": "fail"}]}, "cells": []},
    ]
    compiled, spidermon = CompiledSchemaValidator(report_item_schema()), JSONSchemaValidator(report_item_schema())
    assert compiled.validate(valid) == (True, {}) == spidermon.validate(valid)
    for item in broken:
        verdict = compiled.validate(item)
        assert verdict[0] is False and verdict == spidermon.validate(item)
