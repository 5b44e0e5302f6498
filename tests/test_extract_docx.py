"""Word (.docx) reports, read through mammoth's HTML: the national blank template, and the same
template filled with known numbers by editing its XML (python-docx is not a dependency)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from govcrawl.extract import ExtractionError, extract
from govcrawl.extract.docx import document_from_docx
from govcrawl.extract.tables import read_tables
from govcrawl.extract.tables.labels import APPLICATION_COLUMNS, APPLICANT_COLUMNS

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TITLE = "天津市某某区人民政府2023年政府信息公开工作年度报告"

# The value rows of the template in the order it writes them.
ACTIVE_ROWS = [
    ("regulations", ["issued", "repealed", "in_force"]),
    ("normative_docs", ["issued", "repealed", "in_force"]),
    ("admin_licensing", ["decisions"]),
    ("admin_penalty", ["decisions"]),
    ("admin_coercion", ["decisions"]),
    ("admin_fees", ["amount_wan_yuan"]),
]
OUTCOME_ROWS = [
    "granted", "partially_granted",
    "denied.state_secret", "denied.prohibited_by_law", "denied.security_stability", "denied.third_party_rights",
    "denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.admin_inquiry",
    "unable.not_held", "unable.needs_creation", "unable.unclear_after_correction",
    "not_processed.petition_complaint", "not_processed.duplicate", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirm_or_reissue",
    "other_handling.no_correction", "other_handling.fee_unpaid", "other_handling.other",
]  # fmt: skip
APPLICATION_ROWS = ["new_received", "carried_over_in", *OUTCOME_ROWS, "results_total", "carried_over_out"]
REVIEW_GROUPS = ["admin_review", "litigation_direct", "litigation_after_review"]
REVIEW_OUTCOMES = ["upheld", "corrected", "other", "pending", "total"]
HEADER_ROWS = {1: 3, 2: 3}  # 表三 and 表四 start with three header rows


@pytest.fixture(scope="module")
def template(shared) -> bytes:
    return (shared / "samples" / "template-gov2021-blank.docx").read_bytes()


def expected_tables() -> dict:
    """Distinct numbers that satisfy every identity of the format."""
    active = {
        "regulations": {"issued": 1, "repealed": 2, "in_force": 3},
        "normative_docs": {"issued": 4, "repealed": 5, "in_force": 16},
        "admin_licensing": {"decisions": 550},
        "admin_penalty": {"decisions": 4119},
        "admin_coercion": {"decisions": 195},
        "admin_fees": {"amount_wan_yuan": 7730.28},
    }
    applications = {}
    for index, row in enumerate(OUTCOME_ROWS):
        applications[row] = {col: (index * 7 + position) % 5 for position, col in enumerate(APPLICANT_COLUMNS)}
    applications["results_total"] = {col: sum(applications[row][col] for row in OUTCOME_ROWS) for col in APPLICANT_COLUMNS}
    applications["carried_over_in"] = {col: position + 1 for position, col in enumerate(APPLICANT_COLUMNS)}
    applications["carried_over_out"] = {col: position % 3 for position, col in enumerate(APPLICANT_COLUMNS)}
    applications["new_received"] = {
        col: applications["results_total"][col] + applications["carried_over_out"][col] - applications["carried_over_in"][col]
        for col in APPLICANT_COLUMNS
    }
    for values in applications.values():
        values["total"] = sum(values[col] for col in APPLICANT_COLUMNS)
    review = {group: {"upheld": 3 + g, "corrected": 1, "other": g, "pending": 2} for g, group in enumerate(REVIEW_GROUPS)}
    for values in review.values():
        values["total"] = sum(values.values())
    return {
        "active_disclosure": active,
        "applications": {row: applications[row] for row in APPLICATION_ROWS},
        "review_litigation": review,
    }


def table_values(tables: dict) -> list[list[str]]:
    """The values of each template table in the template's cell order, as the cells write them."""
    active = [str(tables["active_disclosure"][row][col]) for row, cols in ACTIVE_ROWS for col in cols]
    applications = [str(tables["applications"][row][col]) for row in APPLICATION_ROWS for col in APPLICATION_COLUMNS]
    review = [str(tables["review_litigation"][g][o]) for g in REVIEW_GROUPS for o in REVIEW_OUTCOMES]
    return [active, applications, review]


def filled(template: bytes, values: list[list[str]], title: str = TITLE) -> bytes:
    """The template with its title replaced and every blank value cell filled, in cell order."""
    source = zipfile.ZipFile(io.BytesIO(template))
    tree = etree.fromstring(source.read("word/document.xml"))
    heading = next(t for t in tree.iterfind(".//w:t", NS) if t.text == "政府信息公开工作年度报告格式模板")
    heading.text = title
    for index, (table, table_values) in enumerate(zip(tree.iterfind(".//w:tbl", NS), values)):
        slots = [cell for row in _data_rows(table, HEADER_ROWS.get(index, 0)) for cell in _value_cells(row)]
        assert len(slots) == len(table_values), (len(slots), len(table_values))
        for cell, value in zip(slots, table_values):
            _write(cell, value)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True) if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def _data_rows(table, header_rows: int):
    rows = table.findall("w:tr", NS)[header_rows:]
    # 表二's block headers and 「信息内容」 rows hold no values.
    return [row for row in rows if not _text(row).startswith(("第二十条", "信息内容"))]


def _value_cells(row):
    """Blank cells after the row's last label cell; a vertically merged continuation is no cell."""
    cells = row.findall("w:tc", NS)
    last_label = max((i for i, cell in enumerate(cells) if _text(cell)), default=-1)
    return [cell for cell in cells[last_label + 1 :] if not _continues_merge(cell)]


def _continues_merge(cell) -> bool:
    merge = cell.find("w:tcPr/w:vMerge", NS)
    return merge is not None and merge.get(f"{{{W}}}val") != "restart"


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _write(cell, value: str) -> None:
    paragraph = cell.find("w:p", NS)
    for run in paragraph.findall("w:r", NS):
        paragraph.remove(run)
    run = etree.SubElement(paragraph, f"{{{W}}}r")
    etree.SubElement(run, f"{{{W}}}t").text = value


def test_blank_template_labels_are_all_recognised(template):
    blocks = [b for b in document_from_docx(template).blocks if b.kind == "table"]
    reading = read_tables(blocks)
    assert reading.format == "gov2021" and reading.extra_rows == []
    assert len(reading.cells) == 10 + 25 * 7 + 15  # every value cell of the format, by its label
    assert {(c["table"], c["row"]) for c in reading.cells} >= {("applications", row) for row in APPLICATION_ROWS}
    assert all(c["raw"].strip() == "" for c in reading.cells)


def test_blank_template_is_a_blank_form_not_a_report_of_zeros(template):
    """Decision: a document whose statutory tables are all blank and that names no year is the
    template. Its tables are null (not 200 invented zeros), it has no checks, and it is flagged
    not_a_report (the crawl drops it) and blank_form; the format still comes from its labels."""
    record = extract(template, source_file="template-gov2021-blank.docx").record
    assert record["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}
    assert record["checks"] == []
    assert record["flags"] == ["not_a_report", "blank_form"]
    assert record["format"] == "gov2021"
    assert [s["key"] for s in record["sections"]] == [
        "overview", "active_disclosure", "applications", "review_litigation", "problems_improvements", "other_matters",
    ]  # fmt: skip


def test_filled_template_values_are_read_exactly(template):
    tables = expected_tables()
    extraction = extract(filled(template, table_values(tables)), source_file="filled.docx")
    record = extraction.record
    assert record["tables"] == tables
    assert record["via"] == "docx" and record["format"] == "gov2021"
    assert record["title"] == TITLE and record["year"] == 2023
    assert record["flags"] == []
    assert record["checks"] and all(c["status"] == "pass" for c in record["checks"])
    assert len(extraction.cells) == 200


def test_a_source_error_in_a_docx_is_reported_not_repaired(template):
    tables = expected_tables()
    values = table_values(tables)
    values[2][4] = "99"  # 行政复议 总计
    record = extract(filled(template, values), source_file="filled.docx").record
    assert record["tables"]["review_litigation"]["admin_review"]["total"] == 99
    assert [c["rule"] for c in record["checks"] if c["status"] == "fail"] == ["review_litigation_total.admin_review"]


def test_a_docx_is_recognised_by_its_bytes(template):
    tables = expected_tables()
    raw = filled(template, table_values(tables))
    for kwargs in ({"media_type": "application/octet-stream"}, {"url": "http://example.gov.cn/att/2024.bin"}, {}):
        assert extract(raw, **kwargs).record["via"] == "docx"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"PK\x03\x04 not really a zip", "not a ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "OLE container"),
    ],
)
def test_broken_or_encrypted_docx_raises_a_clear_error(raw, message):
    with pytest.raises(ExtractionError, match=message):
        extract(raw, source_file="report.docx")


def test_a_zip_without_a_word_document_is_not_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    with pytest.raises(ExtractionError, match="no word/document.xml"):
        extract(buffer.getvalue(), source_file="report.docx")
    with pytest.raises(ExtractionError, match="is not read yet"):
        extract(buffer.getvalue(), source_file="data.zip")
