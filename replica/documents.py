"""Report attachments of the replica, written byte for byte deterministically with the standard
library: a Word file (.docx: a zip with minimal WordprocessingML, merged cells as w:gridSpan and
w:vMerge, fixed timestamps) and a PDF (text in the non-embedded CJK font STSong-Light through the
UniGB-UCS2-H CMap, tables as stroked cell borders, content streams deflated).

Both take a document as blocks: paragraphs and tables whose rows are tables.py `Cell`s with
rowspan/colspan. `html_blocks` turns a report body rendered by prose.py into such blocks.
"""

from __future__ import annotations

import io
import zlib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

import lxml.html

from replica.tables import Cell


@dataclass(frozen=True)
class Paragraph:
    text: str
    align: str = "both"   # both | center | right
    bold: bool = False
    indent: bool = True   # first line indented two characters


@dataclass(frozen=True)
class Table:
    rows: list[list[Cell]] = field(default_factory=list)

Block = Paragraph | Table


def html_blocks(body: str) -> list[Block]:
    """The paragraphs and tables of a report body as prose.py renders it."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    blocks: list[Block] = []
    for element in root:
        if element.tag == "table":
            rows = []
            for tr in element.iter("tr"):
                rows.append([Cell(_cell_text(td), int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
                             for td in tr if td.tag in ("td", "th")])
            blocks.append(Table(rows))
        else:
            text = element.text_content().strip()
            if text:
                bold = bool(element.xpath(".//strong|.//b"))
                blocks.append(Paragraph(text, "center" if "center" in (element.get("style") or "") else "both", bold))
    return blocks


def _cell_text(td) -> str:
    for br in td.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return "\n".join(line.strip("\xa0 ") for line in td.text_content().split("\n")).strip("\n")


# -- the grid of a table with merged cells ----------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """One w:tc of a Word row: a cell where it starts (`first`), or the continuation of a cell
    merged down from a row above, as wide as that cell."""
    cell: Cell
    column: int
    first: bool


def grid(rows: list[list[Cell]]) -> tuple[int, list[list[Slot]]]:
    """(number of grid columns, the slots of each row) of an HTML-style rowspan/colspan table."""
    taken: dict[tuple[int, int], tuple[int, Cell]] = {}
    for r, row in enumerate(rows):
        column = 0
        for cell in row:
            while (r, column) in taken:
                column += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, column + dc)] = (r, cell)
            column += cell.colspan
    width = max(c for _, c in taken) + 1
    slots = []
    for r in range(len(rows)):
        row, column = [], 0
        while column < width:
            start, cell = taken[(r, column)]  # a KeyError here is a ragged table
            row.append(Slot(cell, column, start == r))
            column += cell.colspan
        slots.append(row)
    return width, slots


# -- DOCX -------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BOOKMARK = re.compile(r"\[bookmark: (\w+)\]")
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""
PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""
DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="table" w:default="1" w:styleId="a1"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"""
APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity><AppVersion>16.0000</AppVersion></Properties>"""
TEXT_WIDTH_TWIPS = 8844  # A4 with the official 2.8 cm / 2.6 cm margins


def _runs(text: str, bold: bool, size: int | None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    out, position = [], 0
    for match in BOOKMARK.finditer(text):
        out.append(text[position:match.start()])
        out.append((match.group(1),))
        position = match.end()
    out.append(text[position:])
    xml = []
    for part in out:
        if isinstance(part, tuple):
            xml.append(f'<w:bookmarkStart w:id="0" w:name="{part[0]}"/><w:bookmarkEnd w:id="0"/>')
        elif part:
            xml.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(xml)


def _paragraph_xml(text: str, align: str = "both", bold: bool = False, indent: bool = False,
                   size: int | None = None) -> str:
    ppr = f'<w:jc w:val="{align}"/>' + ('<w:ind w:firstLineChars="200" w:firstLine="640"/>' if indent else "")
    return f"<w:p><w:pPr>{ppr}</w:pPr>{_runs(text, bold, size)}</w:p>"


def _table_xml(table: Table) -> str:
    width, slots = grid(table.rows)
    column = TEXT_WIDTH_TWIPS // width
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = [f'<w:tbl><w:tblPr><w:tblW w:w="{column * width}" w:type="dxa"/><w:jc w:val="center"/>'
           f"<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
           f'<w:gridCol w:w="{column}"/>' * width, "</w:tblGrid>"]
    for row in slots:
        xml.append("<w:tr>")
        for slot in row:
            span = slot.cell.colspan
            props = f'<w:tcW w:w="{column * span}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            if slot.cell.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>' if slot.first else "<w:vMerge/>"
            props += '<w:vAlign w:val="center"/>'
            lines = slot.cell.text.split("\n") if slot.first else [""]
            paragraphs = "".join(_paragraph_xml(line, "center", size=21) for line in lines)
            xml.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>")
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    return "".join(xml)


def docx(blocks: list[Block], title: str, author: str, saved: datetime) -> bytes:
    """A Word document of `blocks`; `saved` is its creation time in the properties and zip entries."""
    body = []
    for block in blocks:
        if isinstance(block, Table):
            body.append(_table_xml(block))
            body.append(_paragraph_xml(""))  # Word keeps a paragraph between tables
        else:
            body.append(_paragraph_xml(block.text, block.align, block.bold, block.indent and block.align == "both",
                                       44 if block.align == "center" and block.bold else None))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
                + "".join(body) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" '
                'w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>')
    stamp = f"{saved:%Y-%m-%dT%H:%M:%S}Z"
    core = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator><cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>"""
    parts = (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
             ("word/document.xml", document), ("word/_rels/document.xml.rels", DOCUMENT_RELS),
             ("word/styles.xml", STYLES), ("docProps/core.xml", core), ("docProps/app.xml", APP))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=saved.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


# -- PDF --------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595, 842, 72
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BODY_SIZE, BODY_LEADING, TITLE_SIZE = 12, 21, 18
CELL_SIZE, CELL_LEADING, CELL_PAD = 9, 11, 3
TOKEN = re.compile(r"[!-~]+|.", re.DOTALL)  # a run of ASCII (never split across lines) or one character
NO_BREAK_BEFORE = set("，。、；：？！）》”’")  # punctuation that never opens a line


def _advance(text: str, size: float) -> float:
    return sum(size / 2 if " " <= ch <= "~" else size for ch in text)


def _wrap(text: str, width: float, size: float, indent: float = 0) -> list[str]:
    lines, line, used = [], "", indent
    for token in TOKEN.findall(text):
        if token == "\n":
            lines.append(line)
            line, used = "", 0
            continue
        advance = _advance(token, size)
        if line and used + advance > width and token not in NO_BREAK_BEFORE:
            lines.append(line)
            line, used = "", 0
        line, used = line + token, used + advance
    lines.append(line)
    return lines


def _show(text: str, x: float, y: float, size: float) -> str:
    return f"BT /F1 {size} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm <{text.encode('utf-16-be').hex().upper()}> Tj ET"


class _Pages:
    def __init__(self) -> None:
        self.pages: list[list[str]] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_HEIGHT - MARGIN

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def draw(self, op: str) -> None:
        self.pages[-1].append(op)


def _paragraph_ops(out: _Pages, block: Paragraph) -> None:
    size = TITLE_SIZE if block.align == "center" and block.bold else BODY_SIZE
    indent = 2 * size if block.indent and block.align == "both" else 0
    for n, line in enumerate(_wrap(block.text, TEXT_WIDTH, size, indent)):
        out.room(BODY_LEADING)
        out.y -= BODY_LEADING
        width = _advance(line, size)
        x = {"center": MARGIN + (TEXT_WIDTH - width) / 2, "right": MARGIN + TEXT_WIDTH - width}.get(
            block.align, MARGIN + (indent if n == 0 else 0))
        out.draw(_show(line, x, out.y + 5, size))


def _table_ops(out: _Pages, table: Table) -> None:
    width, slots = grid(table.rows)
    wanted = [24.0] * width
    for row in slots:
        for slot in row:
            if slot.first and slot.cell.colspan == 1:  # a label down many rows may stand two characters wide
                text = max(slot.cell.text.split("\n"), key=len)
                cap = (2 if slot.cell.rowspan > 2 else 12) * CELL_SIZE
                wanted[slot.column] = max(wanted[slot.column], min(_advance(text, CELL_SIZE), cap) + 2 * CELL_PAD)
    scale = TEXT_WIDTH / sum(wanted)
    widths = [w * scale for w in wanted]
    lefts = [MARGIN + sum(widths[:i]) for i in range(width + 1)]
    heights = [CELL_LEADING + 2 * CELL_PAD] * len(slots)
    cells = []  # (row, slot, lines)
    for r, row in enumerate(slots):
        for slot in row:
            if slot.first:
                span_width = lefts[slot.column + slot.cell.colspan] - lefts[slot.column]
                lines = _wrap(slot.cell.text, span_width - 2 * CELL_PAD, CELL_SIZE)
                cells.append((r, slot, lines))
    for rowspan in (False, True):  # single-row cells first, then merged cells stretch their last row
        for r, slot, lines in cells:
            if (slot.cell.rowspan > 1) == rowspan:
                need = len(lines) * CELL_LEADING + 2 * CELL_PAD
                have = sum(heights[r:r + slot.cell.rowspan])
                heights[r + slot.cell.rowspan - 1] += max(0.0, need - have)
    assert sum(heights) < PAGE_HEIGHT - 2 * MARGIN, "a table taller than a page"
    out.room(sum(heights) + 6)
    out.y -= 6
    tops = [out.y - sum(heights[:r]) for r in range(len(heights) + 1)]
    out.draw("0.5 w")
    for r, slot, lines in cells:
        x0, x1 = lefts[slot.column], lefts[slot.column + slot.cell.colspan]
        top, bottom = tops[r], tops[r + slot.cell.rowspan]
        out.draw(f"{x0:.2f} {bottom:.2f} {x1 - x0:.2f} {top - bottom:.2f} re S")
        first = (top + bottom) / 2 + len(lines) * CELL_LEADING / 2
        for n, line in enumerate(lines):
            x = (x0 + x1 - _advance(line, CELL_SIZE)) / 2
            out.draw(_show(line, x, first - (n + 1) * CELL_LEADING + 2.5, CELL_SIZE))
    out.y = tops[-1]

FONT = ("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [4 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        "/Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500 814 939 500] >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")


def pdf(blocks: list[Block], saved: datetime) -> bytes:
    """A PDF of `blocks` on A4 pages; `saved` is its creation date in the document information."""
    out = _Pages()
    for block in blocks:
        (_table_ops if isinstance(block, Table) else _paragraph_ops)(out, block)
    stamp = f"D:{saved:%Y%m%d%H%M%S}+08'00'"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", *FONT,
               f"<< /Producer (Microsoft Word 2016) /CreationDate ({stamp}) /ModDate ({stamp}) >>"]
    kids = []
    for ops in out.pages:
        stream = zlib.compress("\n".join(ops).encode("ascii"), 9)
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>".encode("ascii") + b"\nstream\n" + stream + b"\nendstream")
        kids.append(len(objects) + 1)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    data, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n".encode("ascii") + (body if isinstance(body, bytes) else body.encode("ascii")) + b"\nendobj\n"
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    data += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(data)
