"""Hostile documents, generated: small files that ask the engine for a lot (issue 13's campaign).

Each generator takes the size of the attack, so a test can make it just past a limit it sets low,
or at the size that froze real crawls before the limits existed.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

DOCX_TEMPLATE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "template-gov2021-blank.docx"


def _rezip(template: bytes, replace: dict[str, bytes]) -> bytes:
    """The ZIP package `template` with some parts' bytes replaced, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def docx_inflating_to(size: int) -> bytes:
    """A real DOCX (the national template) whose document.xml is padded with empty paragraphs
    until it unpacks to about `size` bytes; it deflates to a few hundred times less."""
    template = DOCX_TEMPLATE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        document = package.read("word/document.xml")
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    padding = paragraph * max((size - len(document)) // len(paragraph), 0)
    body_end = document.rindex(b"<w:sectPr")
    return _rezip(template, {"word/document.xml": document[:body_end] + padding + document[body_end:]})


def xlsx_with_merge(ref: str) -> bytes:
    """A one-sheet workbook (openpyxl's own output) with one merged range `ref`, e.g. A1:XFD1048576,
    written into the sheet's XML (openpyxl would expand the range to cells to write it)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "2023年政府信息公开工作年度报告"
    sheet.merge_cells("A1:B2")
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    return _rezip(out.getvalue(), {"xl/worksheets/sheet1.xml": xml.replace(b'ref="A1:B2"', f'ref="{ref}"'.encode())})


def html_of_spanning_cells(cells: int, span: int = 100) -> bytes:
    """A page whose one table has `cells` cells of rowspan = colspan = `span`."""
    row = "<tr>" + f'<td rowspan="{span}" colspan="{span}">1</td>' * 10 + "</tr>"
    return f"<html><body><table>{row * (cells // 10)}</table></body></html>".encode()


def html_of_size(size: int) -> bytes:
    """A page of `size` bytes of paragraphs."""
    paragraph = "<p>本机关全年主动公开政府信息。</p>\n".encode()
    return b"<html><body>" + paragraph * (size // len(paragraph) + 1) + b"</body></html>"


def pdf_of_rectangles(count: int) -> bytes:
    """A one-page PDF whose content stream draws `count` small stroked rectangles (the shape of
    a chart or a scanned-then-vectorised table), with one line of text."""
    drawing = "".join(f"{(i % 200) * 2.5 + 20:.1f} {(i // 200) % 300 * 2.5 + 20:.1f} 2 2 re S\n" for i in range(count))
    content = f"BT /F1 12 Tf 72 800 Td (Annual report) Tj ET\n{drawing}".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def with_xml_prolog(page: bytes) -> bytes:
    """An (XHTML-style) page that starts with an XML declaration."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + re.sub(rb"^\s*<!DOCTYPE[^>]*>", b"", page)


def nested_deeply(page: bytes, depth: int) -> bytes:
    """The page with its whole <body> content wrapped in `depth` nested <div>s."""
    start = re.search(rb"<body[^>]*>", page).end()
    end = page.rindex(b"</body>")
    return page[:start] + b"<div>" * depth + page[start:end] + b"</div>" * depth + page[end:]


DOCTYPE_ONLY = b"<!DOCTYPE html>\n"


def trs_list_announcing(pages: int, links: str = "") -> bytes:
    """A TRS list page whose pager script announces `pages` pages."""
    return (f"<html><body><ul>{links}</ul>"
            f'<script>createPageHTML({pages}, 0, "index", "html");</script></body></html>').encode()
