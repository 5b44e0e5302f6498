"""A page with its attachments: the report as a file behind a short page (「详见附件」), or the same
report on the page and as a file. Each attachment is listed; the page's own tables win; the
attachment makes the record when the page is no report; an unreadable attachment never fails
the page."""

from __future__ import annotations

import hashlib
import io
import re

import mammoth
import pytest

from govcrawl.extract import Attachment, extract
from govcrawl.extract.docx import document_from_docx
from govcrawl.extract.formats import DOCX, PDF, XLSX

from tests.test_extract_docx import TITLE, expected_tables, filled, table_values
from tests.test_extract_pdf import PAGE_OBJECTS, _pdf
from tests.test_extract_sheets import placed, xls, xlsx

URL = "http://www.example.gov.cn/zwgk/2024/art_1.html"
PUBLISHED = "2024-01-15T09:30:00+08:00"
NO_TABLES = {"active_disclosure": None, "applications": None, "review_litigation": None}


def page(body: str, title: str = TITLE) -> bytes:
    return (
        f'<html><head><meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-15 09:30">'
        f'<meta name="ContentSource" content="区政府办公室"></head><body><div id="zoom">{body}</div></body></html>'
    ).encode()


SHORT_PAGE = page('<p>详见附件。</p><p><a href="/att/report.docx">附件：2023年年报.docx</a></p>')


@pytest.fixture(scope="module")
def template(shared) -> bytes:
    return (shared / "samples" / "template-gov2021-blank.docx").read_bytes()


@pytest.fixture(scope="module")
def report_docx(template) -> bytes:
    return filled(template, table_values(expected_tables()))


def attachment(body: bytes, name: str = "2023年年报.docx", **kwargs) -> Attachment:
    return Attachment(url=f"http://www.example.gov.cn/att/{len(body)}", name=name, body=body, **kwargs)


def docx_html(raw: bytes) -> str:
    return mammoth.convert_to_html(io.BytesIO(raw)).value


def test_a_short_page_takes_the_report_from_its_attachment(report_docx):
    file = attachment(report_docx, media_type="application/octet-stream", path="files/ab/abcd.docx")
    extraction = extract(SHORT_PAGE, media_type="text/html", url=URL, attachments=[file])
    record = extraction.record
    assert record["tables"] == expected_tables() and record["via"] == "docx"
    assert record["title"] == TITLE and record["year"] == 2023
    assert record["published"] == PUBLISHED and record["publisher"] == "区政府办公室"  # from the page
    assert record["flags"] == [] and all(c["status"] == "pass" for c in record["checks"])
    assert "详见附件" not in record["text"] and "总体情况" in record["text"]
    assert [s["key"] for s in record["sections"]][:2] == ["overview", "active_disclosure"]
    assert record["attachments"] == [
        {"url": file.url, "name": file.name, "media_type": DOCX, "sha256": hashlib.sha256(report_docx).hexdigest(),
         "path": "files/ab/abcd.docx"}
    ]  # fmt: skip
    assert record["url"] == URL and record["sha256"] == hashlib.sha256(SHORT_PAGE).hexdigest()
    assert len(extraction.cells) == 200 and {c["year"] for c in extraction.cells} == {2023}


def test_a_short_page_without_a_report_attachment_stays_not_a_report(template):
    """Neither the blank national template (its blank cells are no zeros of the page's year) nor
    the report of another year is the page's report."""
    assert "not_a_report" in extract(SHORT_PAGE, url=URL).record["flags"]
    other_year = filled(template, table_values(expected_tables()), title=TITLE.replace("2023", "2022"))
    files = [attachment(template, "格式模板.docx"), attachment(other_year, "2022年年报.docx")]
    record = extract(SHORT_PAGE, url=URL, attachments=files).record
    assert "not_a_report" in record["flags"] and record["tables"] == NO_TABLES
    assert [a["media_type"] for a in record["attachments"]] == [DOCX, DOCX]


def test_an_unreadable_attachment_is_listed_with_its_error_and_the_next_one_read(report_docx):
    broken = attachment(b"%PDF-1.7\n" + b"\x00" * 64 + b"\n%%EOF\n", "年报.pdf")
    record = extract(SHORT_PAGE, url=URL, attachments=[broken, attachment(report_docx)]).record
    assert record["via"] == "docx" and record["tables"] == expected_tables()
    first, second = record["attachments"]
    assert first["media_type"] == PDF and first["error"].startswith("PDF is corrupt")
    assert "error" not in second


def _encrypted_package() -> bytes:
    """An OLE container holding an EncryptedPackage stream, as a password-protected DOCX is."""
    raw = bytearray(xls([(0, 0, 1, 1, "x")]))
    name = "Workbook\0".encode("utf-16-le")
    entry = raw.index(name)
    raw[entry : entry + 66] = "EncryptedPackage\0".encode("utf-16-le").ljust(64, b"\0") + (34).to_bytes(2, "little")
    return bytes(raw)


@pytest.mark.parametrize(
    ("make", "name", "limit", "message"),
    [
        (lambda docx: _pdf(PAGE_OBJECTS)[:-12], "年报.pdf", None, "PDF is truncated"),
        (lambda docx: docx[: len(docx) - 100], "年报.docx", None, "truncated: its ZIP directory is missing"),
        (lambda docx: docx, "年报.docx", 10_000, "more than the limit of 10000"),
        (lambda docx: _encrypted_package(), "年报.docx", None, "DOCX is password-protected"),
        (lambda docx: _encrypted_package(), "年报", None, "password-protected"),
        (lambda docx: b"", "年报.pdf", None, "empty"),
        (lambda docx: b"\xff\xd8\xff\xe0" + b"\x00" * 100, "表格.jpg", None, "image cannot be decoded"),
        (lambda docx: b"GIF89a" + b"\x00" * 100, "表格.gif", None, "image/gif is not read"),
    ],
)
def test_truncated_oversized_encrypted_attachments_never_fail_the_page(report_docx, make, name, limit, message):
    kwargs = {"max_attachment_bytes": limit} if limit else {}
    record = extract(SHORT_PAGE, url=URL, attachments=[attachment(make(report_docx), name)], **kwargs).record
    (entry,) = record["attachments"]
    assert message in entry["error"]
    assert "not_a_report" in record["flags"] and record["tables"] == NO_TABLES and record["via"] is None


def test_the_pages_own_tables_win(report_docx, template):
    values = table_values(expected_tables())
    values[2][4] = "99"  # the attachment says otherwise
    other = filled(template, values)
    record = extract(page(docx_html(report_docx)), url=URL, attachments=[attachment(other)]).record
    assert record["via"] == "html" and record["tables"] == expected_tables()
    assert len(record["attachments"]) == 1 and "error" not in record["attachments"][0]


def _text_only(html: str) -> str:
    return re.sub(r"<table.*?</table>", "<p>（表格见附件）</p>", html, flags=re.S)


def test_a_report_page_without_tables_takes_them_from_an_attached_workbook(report_docx):
    workbook = xlsx(placed(document_from_docx(report_docx).blocks))
    record = extract(page(_text_only(docx_html(report_docx))), url=URL, attachments=[attachment(workbook, "附表.xlsx")]).record
    assert record["via"] == "xlsx" and record["tables"] == expected_tables()
    assert "（表格见附件）" in record["text"]  # the text is the page's
    assert record["flags"] == [] and record["attachments"][0]["media_type"] == XLSX


def test_tables_of_another_year_or_a_blank_form_are_not_taken(report_docx, template):
    other_year = filled(template, table_values(expected_tables()), title=TITLE.replace("2023", "2022"))
    text_page = page(_text_only(docx_html(report_docx)))
    record = extract(text_page, url=URL, attachments=[attachment(other_year), attachment(template, "模板.docx")]).record
    assert record["tables"] == NO_TABLES and record["via"] is None and record["year"] == 2023
    assert "not_a_report" not in record["flags"]


def test_a_scanned_attachment_says_its_tables_are_images():
    record = extract(SHORT_PAGE, url=URL, attachments=[attachment(_pdf(PAGE_OBJECTS), "年报.pdf")]).record
    assert record["flags"] == ["tables_as_images"]
    assert record["title"] == TITLE and record["published"] == PUBLISHED and record["via"] is None


def test_an_attachment_with_text_is_preferred_to_a_scan(report_docx):
    scan = attachment(_pdf(PAGE_OBJECTS), "年报（扫描件）.pdf")
    record = extract(SHORT_PAGE, url=URL, attachments=[scan, attachment(report_docx)]).record
    assert record["via"] == "docx" and record["flags"] == [] and record["tables"] == expected_tables()
    assert [a["media_type"] for a in record["attachments"]] == [PDF, DOCX]


def test_a_legacy_doc_attachment(report_doc):
    record = extract(SHORT_PAGE, url=URL, attachments=[attachment(report_doc, "年报.doc", media_type="application/msword")]).record
    assert record["via"] == "doc" and record["tables"] == expected_tables()
    assert record["attachments"][0]["media_type"] == "application/msword"
