"""PDF reports: the hongze 2023 sample against its gold, and the PDF quirks one by one."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from PIL import Image

from govcrawl.extract import ExtractionError, extract, extract_file, pdf
from govcrawl.extract.document import Block, Cell
from govcrawl.evaluate import score_record
from govcrawl.extract.pdf import PageItem, _split_numbers, joined_across_pages
from govcrawl.extract.tables import read_tables

from .conftest import ROOT


@pytest.fixture(scope="module")
def hongze(shared):
    return shared / "samples" / "hongze-2023.pdf"


@pytest.fixture(scope="module")
def hongze_record(hongze):
    return extract_file(hongze).record


def test_hongze_reproduces_every_gold_field(shared, hongze, hongze_record):
    gold = json.loads((shared / "gold" / "hongze-2023.json").read_text(encoding="utf-8"))
    record = hongze_record
    score = score_record(hongze.name, record, gold)
    assert score.differences == []
    assert sum(score.matched.values()) == sum(score.scored.values()) > 200
    assert record["via"] == "pdf"
    assert record["published"] is None and record["publisher"] is None
    assert record["flags"] == []


def test_hongze_review_row_is_read_from_the_grid_and_its_source_error_reported(hongze_record):
    record = hongze_record
    review = record["tables"]["review_litigation"]
    assert [list(review[group].values()) for group in ("admin_review", "litigation_direct", "litigation_after_review")] == [
        [10, 1, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [5, 0, 0, 0, 0],
    ]
    failing = {c["rule"]: (c["left"], c["right"]) for c in record["checks"] if c["status"] == "fail"}
    assert failing == {
        "review_litigation_total.admin_review": (11, 0),
        "review_litigation_total.litigation_after_review": (5, 0),
    }


def test_hongze_text_is_paragraphs_without_page_numbers(hongze_record):
    record = hongze_record
    assert record["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert "- 1 -" not in record["text"] and "- 3 -" not in record["text"]
    # A paragraph broken by a page break is one paragraph; spaces of the layout are gone.
    assert "严格执行“分级审核、先审后发”程序" in record["text"]
    assert "受理政府信息公开申请21件" in record["text"]
    sections = {s["key"]: s["text"] for s in record["sections"]}
    assert sections["other_matters"].endswith("全年收取政府信息公开信息处理费0元。")


def test_a_table_continued_on_the_next_page_is_joined_without_its_repeated_header():
    header = [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)]
    first = Block("table", rows=[header, [Cell("x")]])
    continuation = Block("table", rows=[list(header), [Cell("y")]])
    page_1 = [PageItem(100, line={"text": "四、…"}), PageItem(700, first, x0=76, x1=516)]
    page_2 = [PageItem(80, continuation, x0=77, x1=515), PageItem(500, line={"text": "五、…"})]
    items = joined_across_pages([page_1, page_2])
    assert len(items) == 3
    assert [[c.text for c in row] for row in items[1].block.rows] == [["行政复议", "行政诉讼"], ["x"], ["y"]]


def test_tables_apart_or_of_another_width_are_not_joined():
    table = Block("table", rows=[[Cell("a"), Cell("b")]])
    narrow = Block("table", rows=[[Cell("c"), Cell("d")]])
    between = [[PageItem(700, table, x0=76, x1=516), PageItem(780, line={"text": "说明"})], [PageItem(80, narrow, x0=76, x1=516)]]
    assert len(joined_across_pages(between)) == 3
    other_width = [[PageItem(700, table, x0=76, x1=516)], [PageItem(80, narrow, x0=76, x1=300)]]
    assert len(joined_across_pages(other_width)) == 2


def test_numbers_apart_in_one_cell_are_never_joined_into_one_number():
    assert _split_numbers("1 0", 1, 1) == [Cell("1"), Cell("0")]
    assert _split_numbers("7730.28", 1, 3) == [Cell("7730.28", 1, 3)]
    assert _split_numbers("7730.2\n8", 1, 1) == [Cell("7730.2\n8")]  # wrapped in a narrow cell: one number
    # A 表四 data row whose cell holds "1 0" has 16 values, not 15: the table is not read
    # rather than read with a made-up 10.
    header = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(t, rowspan=2) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
        + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(t) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2],
    ]
    values = ["1 0"] + ["0"] * 14
    row = [cell for text in values for cell in _split_numbers(text, 1, 1)]
    assert read_tables([Block("table", rows=header + [row])]).tables["review_litigation"] is None
    row = [Cell(text) for text in ["10"] + ["0"] * 14]
    assert read_tables([Block("table", rows=header + [row])]).tables["review_litigation"]["admin_review"]["upheld"] == 10


def test_a_scan_without_text_layer_gives_no_tables_and_says_why():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, "PDF")
    record = extract(buffer.getvalue(), source_file="scan.pdf").record
    assert record["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}
    assert record["flags"] == ["tables_as_images"]
    assert record["checks"] == [] and record["via"] is None


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


PAGE_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
]


def test_a_password_protected_pdf_raises_a_clear_error():
    security = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    file_id = b"<0123456789abcdef0123456789abcdef>"
    raw = _pdf(PAGE_OBJECTS + [security], b"/Encrypt 4 0 R /ID [%s %s] " % (file_id, file_id))
    with pytest.raises(ExtractionError, match="encrypted"):
        extract(raw, source_file="locked.pdf")


@pytest.mark.parametrize("raw", [b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2", b"%PDF-1.7\n" + b"\x00" * 64])
def test_a_corrupt_pdf_raises_a_clear_error(raw):
    with pytest.raises(ExtractionError, match="PDF is corrupt"):
        extract(raw, source_file="broken.pdf")


def test_a_truncated_sample_raises_instead_of_reading_part(hongze):
    with pytest.raises(ExtractionError, match="PDF"):
        extract(hongze.read_bytes()[:5000], source_file=hongze.name)


def test_the_work_is_bounded(hongze, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    with pytest.raises(ExtractionError, match="5 pages"):
        extract_file(hongze)


def test_a_blank_text_page_pdf_is_read_as_a_scan():
    record = extract(_pdf(PAGE_OBJECTS), source_file="empty.pdf").record
    assert record["flags"] == ["tables_as_images"] and record["text"] == ""


@pytest.mark.parametrize(
    "kwargs",
    [
        {"media_type": "application/pdf"},
        {"media_type": "application/octet-stream", "url": "http://example.gov.cn/download?id=7"},
        {"media_type": "text/html; charset=utf-8"},  # a server that labels everything HTML
        {"source_file": "report.bin"},
        {},
    ],
)
def test_pdf_bytes_are_read_as_pdf_whatever_they_are_called(hongze, kwargs):
    record = extract(hongze.read_bytes(), **kwargs).record
    assert record["via"] == "pdf" and record["tables"]["applications"]["new_received"]["total"] == 21


def test_govcrawl_parse_reads_a_pdf(hongze):
    done = subprocess.run(
        [sys.executable, "-m", "govcrawl.cli", "parse", str(hongze)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["source_file"] == "hongze-2023.pdf" and record["format"] == "gov2021" and record["via"] == "pdf"
