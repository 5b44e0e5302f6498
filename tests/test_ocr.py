"""Tables published as pictures: the real OCR engine on pictures the replica draws of real table
layouts (replica/tables.py grids, a CJK font), clean, scan-treated, as a scanned PDF (a whole
report's printed pages, text included), and pasted into Word files.

Expected numbers are the ones drawn, never the engine's output; the acceptance rule is exercised
with a table whose own arithmetic is wrong in the source (read right, so it must be refused).
"""

from __future__ import annotations

import difflib
import io
import json
import random
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageDraw
from scrapy.http import HtmlResponse

from govcrawl.extract import Attachment, ExtractionError, Limits, extract, ocr_cache
from govcrawl.extract.image_tables import document_from_image
from govcrawl.extract.legacy import convert
from govcrawl.extract.limits import Deadline
from govcrawl.extract.ocr import engine
from govcrawl.extract.scan import document_from_scan
from govcrawl.spiders.base import body_images
from replica import documents, prose
from replica import tables as t
from replica.model import break_balance
from replica.server import DEFAULT_SITES
from replica.table_images import PAGE_NOISE, SCAN_DPI, printed_pages, render_png, scanned, scanned_pdf

from .crawling import GENEROUS_SECONDS, OCR_CACHE, expectations

STYLE = t.TableStyle()
PAGE = "<html><body><h1>测试区人民政府2022年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>二、主动公开政府信息情况</p></body></html>"


def drawn(seed: int, fmt: str) -> tuple[dict, dict]:
    """(numbers, grids) of the three tables of one report."""
    rng = random.Random(seed)
    numbers = {
        "active_disclosure": t.make_active_disclosure(rng, fmt, 20, {}),
        "applications": t.make_applications(rng, fmt, 400, {}),
        "review_litigation": t.make_review_litigation(rng, 10),
    }
    grids = {
        "active_disclosure": t.active_disclosure_rows(fmt, numbers["active_disclosure"], STYLE),
        "applications": t.applications_rows(fmt, numbers["applications"], STYLE),
        "review_litigation": t.review_litigation_rows(numbers["review_litigation"], STYLE),
    }
    return numbers, grids


def page_with_pictures(pictures: list[bytes]):
    files = [Attachment(url=f"https://www.example.gov.cn/{i}.png", name="", body=p) for i, p in enumerate(pictures)]
    return extract(PAGE.encode(), media_type="text/html", attachments=files)


@contextmanager
def kept_readings():
    """The suite's OCR cache on (tests/crawling.py): a picture these tests read again, after the
    fixture read it, is taken from what the fixture's reading kept instead of being read anew. The
    tests that read a picture once, or whose point is the reading's time, read without it."""
    ocr_cache.use(OCR_CACHE)
    try:
        yield
    finally:
        ocr_cache.use(None)


# For `govcrawl parse`: the same cache.
KEPT_READINGS = ("-s", f"OCR_CACHE_DIR={OCR_CACHE}")


@pytest.fixture(scope="module")
def gov2021():
    numbers, grids = drawn(2021, "gov2021")
    pictures = [render_png(grids[name]) for name in ("active_disclosure", "applications", "review_litigation")]
    with kept_readings():
        return numbers, grids, pictures, page_with_pictures(pictures)


def test_the_structure_of_a_picture_is_the_source_grid(gov2021):
    _, grids, pictures, _ = gov2021
    with kept_readings():
        (block,) = document_from_image(pictures[1], "image/png").blocks
    spans = [[(c.rowspan, c.colspan) for c in row] for row in block.rows]
    assert spans == [[(c.rowspan, c.colspan) for c in row] for row in grids["applications"]]


def test_a_page_of_pictures_gives_the_drawn_numbers_accepted(gov2021):
    numbers, _, _, extraction = gov2021
    record = extraction.record
    assert record["tables"] == numbers
    assert record["format"] == "gov2021" and record["via"] == "ocr"
    assert "tables_from_ocr" in record["flags"] and "tables_as_images" not in record["flags"]
    assert "tables_ocr_unverified" not in record
    assert record["checks"] and {c["status"] for c in record["checks"]} == {"pass"}
    assert {a["media_type"] for a in record["attachments"]} == {"image/png"}
    assert extraction.cells and all(0 < c["confidence"] <= 1 for c in extraction.cells)


def test_a_scanned_picture_with_zeros_as_dashes_is_read_the_same(gov2021):
    numbers, _, _, _ = gov2021
    dashes = t.TableStyle(zero="—")  # a dash is a stroke the recogniser alone reads as 一 or 1
    picture = render_png(t.applications_rows("gov2021", numbers["applications"], dashes))
    scan = scanned(picture, random.Random(7))
    assert scan.startswith(b"\xff\xd8\xff")  # a JPEG
    record = extract(scan, source_file="scan.jpg").record
    assert record["tables"]["applications"] == numbers["applications"]
    assert record["via"] == "ocr" and "tables_from_ocr" in record["flags"]


def test_a_table_whose_arithmetic_fails_is_kept_unverified_not_accepted():
    numbers, _ = drawn(7, "gov2019")
    broken = break_balance(numbers)  # the source's own error: +2 natural persons carried over in
    picture = render_png(t.applications_rows("gov2019", numbers["applications"], STYLE))
    record = extract(picture, source_file="broken.png").record
    assert record["tables"]["applications"] is None
    assert record["via"] is None and "tables_from_ocr" not in record["flags"]
    assert "tables_as_images" in record["flags"]
    unverified = record["tables_ocr_unverified"]
    assert unverified["tables"]["applications"] == numbers["applications"]  # read right, yet refused
    assert {f["rule"] for f in unverified["failing"]} == set(broken)


def test_the_active_disclosure_table_alone_has_no_identity_to_confirm_it(gov2021):
    _, _, pictures, _ = gov2021
    with kept_readings():
        record = extract(pictures[0], source_file="table2.png").record
    assert record["tables"]["active_disclosure"] is None
    assert [f["rule"] for f in record["tables_ocr_unverified"]["failing"]] == ["ocr.unconfirmed_pictures"]


def test_govcrawl_parse_reads_a_scanned_pdf_and_a_png(tmp_path, gov2021):
    numbers, _, pictures, _ = gov2021
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf(pictures[1:], random.Random(3)))
    (tmp_path / "table4.png").write_bytes(pictures[2])
    done = subprocess.run([sys.executable, "-m", "govcrawl.cli", "parse", *KEPT_READINGS, str(tmp_path / "scan.pdf"),
                           str(tmp_path / "table4.png")], capture_output=True, text=True, check=True)  # fmt: skip
    pdf, png = (json.loads(line) for line in done.stdout.splitlines())
    assert pdf["via"] == "ocr" and pdf["tables"]["applications"] == numbers["applications"]
    assert pdf["tables"]["review_litigation"] == numbers["review_litigation"]
    assert png["tables"]["review_litigation"] == numbers["review_litigation"]


def test_a_broken_or_huge_picture_is_a_clear_error():
    with pytest.raises(ExtractionError, match="image cannot be decoded"):
        extract(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, source_file="broken.png")
    huge = io.BytesIO()
    Image.new("L", (9000, 5000), 255).save(huge, "PNG")
    with pytest.raises(ExtractionError, match="9000×5000 pixels, more than the limit"):
        extract(huge.getvalue(), source_file="huge.png")


def test_the_ocr_engine_is_loaded_once_per_process():
    assert engine() is engine()


def test_the_crawl_fetches_the_pictures_of_a_report_body_not_its_chrome():
    url = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
    page = DEFAULT_SITES / "www.tj.gov.cn" / urlsplit(url).path.lstrip("/")
    # The portal's header as its other pages have it: a logo linking home beside a long menu.
    menu = "".join(f'<a href="/zwgk/{n}/">政务公开栏目{n}</a>' for n in range(40))
    header = f'<div class="header"><a href="/" class="logo"><img src="/images/tj_logo.png" alt="天津市人民政府"></a>{menu}</div>'
    response = HtmlResponse(url, body=page.read_bytes().replace(b"<body>", b"<body>" + header.encode(), 1))
    assert response.css('a.logo img[src$=".png"]')
    drawn = expectations("tianjin")["reports"][url]["attachments"]
    assert body_images(response) == [a["url"] for a in drawn] and len(drawn) == 3


def test_a_change_read_without_its_sign_is_refused():
    """A scan can lose a minus whole (-3 read as 3, at high confidence; seen in the corpus), so an
    unsigned 本年增/减 cannot be trusted: here the source writes its increases unsigned."""
    numbers, grids = drawn(11, "gov2019")
    unsigned = [[replace(c, text=c.text.removeprefix("+")) for c in row] for row in grids["active_disclosure"]]
    assert unsigned != grids["active_disclosure"]
    record = page_with_pictures([render_png(unsigned), render_png(grids["review_litigation"])]).record
    assert record["tables"]["review_litigation"] == numbers["review_litigation"]
    assert record["tables"]["active_disclosure"] is None
    rules = {f["rule"] for f in record["tables_ocr_unverified"]["failing"]}
    positive = {row for row, values in numbers["active_disclosure"].items() if values.get("items_change", 0) > 0}
    assert rules == {f"ocr.unsigned_change.active_disclosure.{row}.items_change" for row in positive}


# -- whole reports: a scanned PDF (text and tables), a Word file with its tables as pictures -----

UNIT, YEAR = "济南市天桥区测试局", 2020
SECTION_KEYS = ["overview", "active_disclosure", "applications", "review_litigation", "problems_improvements", "other_matters"]


def report(seed: int, fmt: str) -> tuple[dict, dict, list[documents.Block]]:
    """(numbers, the figures its prose states, blocks) of a report whose title is broken after the
    unit's name, as editors break it."""
    numbers, _ = drawn(seed, fmt)
    body, stats = prose.gov_report_body(UNIT, "区测试局", YEAR, fmt, numbers, STYLE, random.Random(seed))
    title = [documents.Paragraph(UNIT, "center", True, False), documents.Paragraph(f"{YEAR}年政府信息公开工作年度报告", "center", True, False)]
    return numbers, stats, [*title, *documents.html_blocks(body)]


@pytest.fixture(scope="module")
def scanned_report():
    numbers, stats, blocks = report(2020, "gov2019")
    raw = scanned_pdf(printed_pages(blocks), random.Random(4), dpi=SCAN_DPI, noise=PAGE_NOISE)
    # Ample time (as the crawls give): a page's text is read only while half the time is left,
    # which on a busy machine would make the record depend on the load.
    record = extract(raw, source_file="scan.pdf", limits=Limits(seconds=GENEROUS_SECONDS)).record
    return numbers, stats, blocks, raw, record


def test_a_scanned_report_is_read_whole_text_and_tables(scanned_report):
    numbers, stats, blocks, raw, record = scanned_report
    assert b"/Font" not in raw  # no text layer: every page is a picture
    assert record["tables"] == numbers and record["via"] == "ocr"
    assert record["flags"] == ["tables_from_ocr"] and "tables_ocr_unverified" not in record
    # The title over two lines, as printed: unit and year come from it, as from a text layer.
    assert record["title"] == f"{UNIT}{YEAR}年政府信息公开工作年度报告" and record["year"] == YEAR
    assert record["unit"]["name"] == UNIT and record["format"] == "gov2019"
    assert [s["key"] for s in record["sections"]] == SECTION_KEYS
    assert record["stats"] == stats and {c["status"] for c in record["checks"]} == {"pass"}
    # The prose as printed: at least 9 paragraphs in 10 read exactly, none lost.
    printed = [b.text for b in blocks[2:] if isinstance(b, documents.Paragraph)]
    lines = record["text"].split("\n")
    assert sum(p in lines for p in printed) >= 0.9 * len(printed)
    closest = [max(difflib.SequenceMatcher(None, p, line, autojunk=False).ratio() for line in lines) for p in printed]
    assert min(closest) > 0.9, list(zip(printed, closest))


def test_a_scans_text_is_read_only_while_half_the_time_is_left():
    numbers, grids = drawn(4, "gov2021")
    heading = "四、政府信息公开行政复议、行政诉讼情况"
    page = printed_pages([documents.Paragraph(heading, bold=True), documents.Table(grids["review_litigation"])])
    raw = scanned_pdf(page, random.Random(5), dpi=SCAN_DPI, noise=PAGE_NOISE)
    fresh = document_from_scan(raw, Deadline(GENEROUS_SECONDS))
    assert [(b.kind, b.text) for b in fresh.blocks] == [("text", heading), ("table", "")]
    late = document_from_scan(raw, Deadline(GENEROUS_SECONDS, started=time.monotonic() - 0.6 * GENEROUS_SECONDS))
    assert [(b.kind, b.text) for b in late.blocks] == [("image", "page 1: text not read in the time allowed"), ("table", "")]
    assert late.blocks[1].rows == fresh.blocks[1].rows


def emblem() -> bytes:
    picture = Image.new("RGB", (160, 160), "white")
    ImageDraw.Draw(picture).ellipse((10, 10, 150, 150), fill=(200, 20, 20), outline=(230, 180, 0), width=6)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def word_file(blocks: list[documents.Block]) -> bytes:
    """A Word file as python-docx writes it: an emblem picture at the top, the paragraphs, and each
    table pasted as its picture (a PNG in word/media/, shown 15 cm wide) where it stands."""
    from docx import Document as WordDocument
    from docx.shared import Cm

    word = WordDocument()
    word.add_picture(io.BytesIO(emblem()), width=Cm(2))  # no table in it: stays a picture
    for block in blocks:
        if isinstance(block, documents.Table):
            word.add_picture(io.BytesIO(render_png(block.rows)), width=Cm(15))
        else:
            word.add_paragraph(block.text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_govcrawl_parse_reads_the_table_pictures_of_a_docx_and_of_a_doc_libreoffice_made(tmp_path):
    numbers, stats, blocks = report(2022, "gov2021")
    raw = word_file(blocks)
    assert sum(name.startswith("word/media/") for name in zipfile.ZipFile(io.BytesIO(raw)).namelist()) == 4
    (tmp_path / "report.docx").write_bytes(raw)
    # The same file saved as .doc by LibreOffice: the legacy path converts it back, pictures kept.
    (tmp_path / "report.doc").write_bytes(convert(raw, suffix=".docx", target="doc", kind="DOCX"))
    # Kept readings: the .doc's pictures are the .docx's, if LibreOffice kept their pixels.
    done = subprocess.run([sys.executable, "-m", "govcrawl.cli", "parse", "-s", f"EXTRACT_SECONDS={GENEROUS_SECONDS}", *KEPT_READINGS,
                           str(tmp_path / "report.docx"), str(tmp_path / "report.doc")],
                          capture_output=True, text=True, check=True)  # fmt: skip
    for record, via in zip((json.loads(line) for line in done.stdout.splitlines()), ("docx", "doc"), strict=True):
        assert record["tables"] == numbers and record["via"] == "ocr", via
        assert record["flags"] == ["tables_from_ocr"] and record["stats"] == stats, via
        assert [s["key"] for s in record["sections"]] == SECTION_KEYS, via
        assert {c["status"] for c in record["checks"]} == {"pass"}, via


def test_a_docx_with_text_tables_never_reads_its_pictures():
    """The OCR is the slow path and the less sure one: a document's text tables win."""
    from docx import Document as WordDocument

    numbers, _, blocks = report(2021, "gov2021")
    word = WordDocument(io.BytesIO(documents.docx(blocks, "报告", "Administrator", datetime(2022, 1, 5))))
    other, _ = drawn(99, "gov2021")
    word.add_picture(io.BytesIO(render_png(t.applications_rows("gov2021", other["applications"], STYLE))))
    out = io.BytesIO()
    word.save(out)
    record = extract(out.getvalue(), source_file="text.docx").record
    assert record["via"] == "docx" and record["tables"] == numbers
