"""The engine's entry points: a page (with its attachments) or a file to its Extraction, one
document to its Reading. The package's __init__ gives them by name (`from govcrawl.extract import
extract`)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from govcrawl.extract.attachments import MAX_ATTACHMENT_BYTES, choose, read_attachment
from govcrawl.extract.decoding import decode, decode_with_utf8
from govcrawl.extract.document import Document
from govcrawl.extract.docx import document_from_docx
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.files import Attachment, ReadAttachment, attachment_entry, is_image
from govcrawl.extract.formats import (
    DOC, DOCX, ET, HTML, IMAGES, JPEG, PDF, PNG, RTF, TEXT, WPS, XLS, XLSX, check_not_encrypted, media_type_of,
)  # fmt: skip
from govcrawl.extract.htmlpage import document_from_html
from govcrawl.extract.legacy import document_from_legacy
from govcrawl.extract.limits import Deadline, Limits
from govcrawl.extract.pdf import document_from_pdf, has_text_layer
from govcrawl.extract.plaintext import document_from_text
from govcrawl.extract.record import Extraction, Reading, Source, build_extraction, read_document
from govcrawl.extract.script import is_traditional, to_simplified
from govcrawl.extract.sheets import document_from_workbook

# "via" of the record: where the tables were read from.
VIA = {HTML: "html", TEXT: "text", PDF: "pdf", DOCX: "docx", DOC: "doc", WPS: "wps", RTF: "rtf", XLSX: "xlsx", XLS: "xls", ET: "et",
       PNG: "ocr", JPEG: "ocr"}  # fmt: skip
# Names used in error messages.
KINDS = {PDF: "PDF", DOCX: "DOCX", DOC: "DOC", WPS: "WPS", RTF: "RTF", XLSX: "XLSX", XLS: "XLS", ET: "ET"}


def extract(
    raw: bytes,
    *,
    media_type: str | None = None,
    url: str | None = None,
    source_file: str | None = None,
    portal: str = "file",
    unit: dict | None = None,
    fetched_at: str | None = None,
    attachments: list[Attachment | ReadAttachment] | None = None,
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
    limits: Limits = Limits(),
) -> Extraction:
    """The record of a page (or file). An unreadable page raises ExtractionError; an unreadable
    attachment is listed in the record with its error. An attachment may come already read
    (ReadAttachment): the crawl reads each in a worker process of its own (govcrawl/workers.py)."""
    page = read(raw, media_type_of(raw, media_type, source_file, url), limits)
    source = Source(raw, url, source_file, portal, unit, fetched_at)
    if not attachments:
        return build_extraction(page, source)
    # Pictures are read only where no table was found in text (OCR is the slow path), so they
    # come here unread; other attachments may come already read (each in a worker of its own).
    images = [a for a in attachments if is_image(a)]
    read_ones = [
        a if isinstance(a, ReadAttachment) else read_attachment(a, partial(read, limits=limits), max_bytes=max_attachment_bytes)
        for a in attachments if not is_image(a)
    ]
    content, tables = choose(page, [r.reading for r in read_ones if r.reading is not None])
    if images and not tables.tables_read:
        read_images = [read_attachment(a, partial(read, limits=limits), max_bytes=max_attachment_bytes) for a in images]
        pictures = tables_in_pictures([r.reading for r in read_images if r.reading is not None])
        tables = pictures if pictures.tables_read else tables
        entries = [r.entry for r in read_ones + read_images]
    else:
        entries = [r.entry for r in read_ones] + [attachment_entry(a) for a in images]
    return build_extraction(page, source, content=content, tables=tables, attachments=entries)


def extract_file(path: Path | str, limits: Limits = Limits()) -> Extraction:
    path = Path(path)
    return extract(path.read_bytes(), source_file=path.name, limits=limits)


def read(raw: bytes, media_type: str, limits: Limits = Limits()) -> Reading:
    """One document read on its own: the page, or one attachment."""
    check_not_encrypted(raw, KINDS.get(media_type, "file"))
    if media_type not in VIA:
        raise ExtractionError(f"{media_type} is not read yet")
    deadline = limits.deadline()
    document = _document(raw, media_type, limits, deadline)
    via, image_only = VIA[media_type], False
    if media_type == PDF and not has_text_layer(document):
        # A scan: its tables and its text are read by OCR. Only a scan whose text could not be
        # read is image_only (the record then claims nothing about its content).
        from govcrawl.extract.scan import document_from_scan  # OpenCV and the OCR model: only for pictures

        document = document_from_scan(raw, deadline)
        via, image_only = "ocr", not any(block.kind == "text" for block in document.blocks)
    limits.check("max_table_cells", table_cells(document), f"{KINDS.get(media_type, 'page')} tables, cells after span expansion")
    traditional = is_traditional(" ".join(b.text for b in document.blocks[:200]))
    pictures, document = document.pictures, replace(document, pictures={})  # the bytes never leave the worker
    reading = read_document(_simplified(document) if traditional else document, via=via, image_only=image_only,
                            traditional=traditional)
    if pictures and not reading.tables_read:
        # A Word file whose tables are pictures: they are read by OCR where they stand.
        from govcrawl.extract.image_tables import with_picture_tables  # OpenCV and the OCR model: only for pictures

        pictured = with_picture_tables(replace(document, pictures=pictures), deadline)
        if pictured is not None:
            reading = read_document(_simplified(pictured) if traditional else pictured, via="ocr", traditional=traditional)
    return reading


def tables_in_pictures(readings: list[Reading]) -> Reading:
    """The tables of a page's pictures, in page order, read together: 表三 may be split over two."""
    blocks = [block for reading in readings for block in reading.document.blocks]
    return read_document(Document(blocks=blocks, media_type=PNG), via="ocr")


def _document(raw: bytes, media_type: str, limits: Limits, deadline: Deadline) -> Document:
    if media_type == PDF:
        return document_from_pdf(raw, limits, deadline)
    if media_type in IMAGES:
        from govcrawl.extract.image_tables import document_from_image  # OpenCV and the OCR model: only for pictures

        return document_from_image(raw, media_type)
    if media_type == DOCX:
        return document_from_docx(raw, limits, deadline)
    if media_type in (DOC, WPS, RTF):
        return document_from_legacy(raw, media_type, limits=limits, deadline=deadline)
    if media_type in (XLSX, XLS, ET):
        return document_from_workbook(raw, media_type, limits, deadline)
    limits.check("max_html_bytes", len(raw), "page size in bytes")
    if media_type == HTML:
        page, utf8 = decode_with_utf8(raw, media_type)
        return document_from_html(page, deadline, utf8)
    return document_from_text(decode(raw, media_type))


def table_cells(document: Document) -> int:
    """Positions the document's tables fill once their spans are expanded (what tables/grid.py builds)."""
    return sum(cell.rowspan * cell.colspan for block in document.blocks for row in block.rows for cell in row)


def _simplified(document: Document) -> Document:
    blocks = [
        replace(b, text=to_simplified(b.text), rows=[[replace(c, text=to_simplified(c.text)) for c in row] for row in b.rows])
        for b in document.blocks
    ]
    return replace(
        document,
        blocks=blocks,
        title=to_simplified(document.title) if document.title else None,
        meta={k: to_simplified(v) for k, v in document.meta.items()},
        script="hant",
    )
