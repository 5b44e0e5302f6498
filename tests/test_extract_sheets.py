"""Workbooks (.xlsx, .xls, WPS .et): sheets cut into regions, merged ranges as spans.

The workbooks are built here: the national template's three tables with their merged label
cells (「（三）不予公开」 over eight rows, 「申请人情况」 over seven columns) as merged ranges, the
values written as numbers, the title in a merged row above."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import olefile
import openpyxl
import pytest
import xlwt

from govcrawl.extract import ExtractionError, extract
from govcrawl.extract.document import Cell
from govcrawl.extract.docx import document_from_docx
from govcrawl.extract.formats import ET, XLS, XLSX, media_type_of
from govcrawl.extract.sheets import Sheet, cell_text, sheet_blocks

from tests.test_extract_docx import TITLE, expected_tables, filled, table_values

WIDTH = 9  # 表三's columns: three label columns, seven applicant columns, less the merged one


@pytest.fixture(scope="module")
def layout(shared) -> list[tuple[int, int, int, int, object]]:
    template = (shared / "samples" / "template-gov2021-blank.docx").read_bytes()
    return placed(document_from_docx(filled(template, table_values(expected_tables()))).blocks)


def placed(blocks, title: str = TITLE) -> list[tuple[int, int, int, int, object]]:
    """The table blocks' cells placed in a sheet, numbers as numbers: (row, column, rowspan,
    colspan, value), 0-based, tables one blank row apart, the title on top."""
    cells, top = [(0, 0, 1, WIDTH, title)], 2
    for block in (b for b in blocks if b.kind == "table"):
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(block.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
                cells.append((top + r, c, cell.rowspan, cell.colspan, _number(cell.text)))
                c += cell.colspan
        top += len(block.rows) + 1
    return cells


def _number(text: str):
    if text.isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def xlsx(placed) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, c, rowspan, colspan, value in placed:
        sheet.cell(r + 1, c + 1, value)
        if rowspan > 1 or colspan > 1:
            sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rowspan, end_column=c + colspan)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(placed) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("报告")
    for r, c, rowspan, colspan, value in placed:
        if rowspan > 1 or colspan > 1:
            sheet.write_merge(r, r + rowspan - 1, c, c + colspan - 1, value)
        else:
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_has_the_merged_label_cells(layout):
    assert any(rowspan == 8 and value == "（三）不予公开" for _, _, rowspan, _, value in layout)
    assert any(colspan == 7 and value == "申请人情况" for _, _, _, colspan, value in layout)
    assert any(isinstance(value, float) for *_, value in layout)  # 7730.28 万元


@pytest.mark.parametrize(("build", "name", "via"), [(xlsx, "report.xlsx", "xlsx"), (xls, "report.xls", "xls"), (xls, "report.et", "et")])
def test_every_value_is_read_back_exactly(layout, build, name, via):
    extraction = extract(build(layout), source_file=name)
    record = extraction.record
    assert record["tables"] == expected_tables()
    assert record["via"] == via and record["format"] == "gov2021"
    assert record["title"] == TITLE and record["year"] == 2023
    assert record["checks"] and all(c["status"] == "pass" for c in record["checks"])
    assert len(extraction.cells) == 200


@pytest.mark.parametrize(
    ("build", "name", "media_type"),
    [(xlsx, "download.bin", XLSX), (xls, "download.bin", XLS), (xls, "表.et", ET), (xlsx, "report.xls", XLSX)],
)
def test_a_workbook_is_recognised_by_its_bytes(layout, build, name, media_type):
    assert media_type_of(build(layout), "application/octet-stream", name) == media_type


def test_merged_ranges_become_spans_and_covered_positions_no_cells():
    sheet = Sheet(
        values={(0, 0): "项目", (0, 1): "申请人情况", (1, 1): "自然人", (1, 2): "法人", (2, 0): "（三）不予公开",
                (2, 1): "1", (2, 2): "2", (3, 1): "3"},
        merges=[(0, 0, 1, 0), (0, 1, 0, 2), (2, 0, 3, 0)],
    )  # fmt: skip
    (block,) = sheet_blocks(sheet)
    assert block.kind == "table"
    assert block.rows == [
        [Cell("项目", rowspan=2), Cell("申请人情况", colspan=2)],
        [Cell("自然人"), Cell("法人")],
        [Cell("（三）不予公开", rowspan=2), Cell("1"), Cell("2")],
        [Cell("3"), Cell("")],  # an empty position is an empty cell, never a filled-in one
    ]


def test_a_sheet_is_cut_into_regions_at_empty_rows():
    sheet = Sheet(
        values={(0, 0): TITLE, (1, 0): "一、总体情况", (3, 0): "a", (3, 1): "1", (4, 0): "b", (4, 1): "2",
                (6, 2): "c", (6, 3): "3"},
        merges=[(0, 0, 0, 3)],
    )  # fmt: skip
    blocks = sheet_blocks(sheet)
    assert [(b.kind, b.text) for b in blocks] == [("text", TITLE), ("text", "一、总体情况"), ("table", ""), ("table", "")]
    assert blocks[2].rows == [[Cell("a"), Cell("1")], [Cell("b"), Cell("2")]]
    assert blocks[3].rows == [[Cell("c"), Cell("3")]]


def test_a_title_merged_above_a_table_is_the_title_line():
    sheet = Sheet(values={(0, 0): TITLE, (1, 0): "项目", (1, 1): "数量"}, merges=[(0, 0, 0, 1)])
    blocks = sheet_blocks(sheet)
    assert [b.kind for b in blocks] == ["text", "table"] and blocks[0].text == TITLE


def test_a_formula_without_a_computed_value_is_not_read_as_zero(layout):
    book = openpyxl.load_workbook(io.BytesIO(xlsx(layout)))
    sheet = book.active
    # 行政复议 总计 (the 5th value of the first 表四 value row) as a formula never computed
    row = next(r for r in sheet.iter_rows() if r[0].value == 3 and r[1].value == 1 and r[2].value == 0)
    assert row[4].value == 6
    row[4].value = "=SUM(A{0}:D{0})".format(row[4].row)
    out = io.BytesIO()
    book.save(out)
    record = extract(out.getvalue(), source_file="report.xlsx").record
    assert record["tables"]["review_litigation"] is None  # left unread, not read with a 0
    assert record["tables"]["applications"] == expected_tables()["applications"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(7730.28, "7730.28"), (3.0, "3"), (0.1 + 0.2, "0.3"), (12, "12"), (None, ""), (" 无\r\n", "无"), (date(2024, 1, 31), "2024-01-31")],
)
def test_values_are_taken_as_stored(value, text):
    assert cell_text(value) == text


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _without_workbook(_: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/other.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("build", "damage", "name", "message"),
    [
        (xlsx, lambda raw: b"PK\x03\x04 not really a zip", "report.xlsx", "XLSX is not a ZIP container"),
        (xlsx, _truncated, "report.xlsx", "XLSX is not a ZIP container"),
        (xlsx, _without_workbook, "report.xlsx", "XLSX has no xl/workbook.xml"),
        (xls, _truncated, "report.xls", "XLS"),
        (xls, lambda raw: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "report.xls", "XLS is truncated or corrupt"),
        (xls, lambda raw: raw[:512] + b"\xff" * 1024, "report.et", "ET"),
    ],
)
def test_a_corrupt_workbook_raises_a_clear_error(layout, build, damage, name, message):
    with pytest.raises(ExtractionError, match=message):
        extract(damage(build(layout)), source_file=name)


def test_a_password_protected_xls_is_refused(layout, tmp_path):
    path = tmp_path / "locked.xls"
    path.write_bytes(xls(layout))
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        second = 4 + int.from_bytes(stream[2:4], "little")
        stream[second : second + 2] = (0x002F).to_bytes(2, "little")  # FILEPASS after BOF
        ole.write_stream("Workbook", bytes(stream))
    with pytest.raises(ExtractionError, match="password-protected"):
        extract(path.read_bytes(), source_file="locked.xls")
