"""The extraction engine: the bytes of a report page or file in, the record of schema.md out.

    decoding → Document (htmlpage | plaintext | pdf | docx) → script → body (chrome, header, tail)
    → metadata, sections, stats, tables (tables/), checks → record

No Scrapy here: the crawl's pipeline and `govcrawl parse` call the same `extract`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from govcrawl.extract.decoding import decode
from govcrawl.extract.document import Document
from govcrawl.extract.docx import document_from_docx, is_docx
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.htmlpage import document_from_html, is_html
from govcrawl.extract.pdf import document_from_pdf, has_text_layer
from govcrawl.extract.plaintext import document_from_text
from govcrawl.extract.record import Extraction, Source, build_extraction
from govcrawl.extract.script import is_traditional, to_simplified

__all__ = ["Extraction", "ExtractionError", "extract", "extract_file"]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES_BY_SUFFIX = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".jhtml": "text/html",
    ".txt": "text/plain",
    ".pdf": PDF,
    ".docx": DOCX,
    ".doc": "application/msword",
}
# Magic numbers of the binary formats; the bytes decide over a declared type or a file name.
BINARY_SIGNATURES = {b"%PDF": PDF, b"PK\x03\x04": "application/zip", b"\xd0\xcf\x11\xe0": "application/msword"}
# A PDF may have junk before its header; readers accept it within the first kilobyte.
PDF_HEADER_WINDOW = 1024
# Declared types that say nothing about the format (download links, misconfigured servers).
GENERIC_MEDIA_TYPES = frozenset(
    {"application/octet-stream", "binary/octet-stream", "application/x-download", "application/download", "application/force-download"}
)
# "via" of the record: where the tables were read from.
VIA = {"text/html": "html", "text/plain": "text", PDF: "pdf", DOCX: "docx"}


def extract(
    raw: bytes,
    *,
    media_type: str | None = None,
    url: str | None = None,
    source_file: str | None = None,
    portal: str = "file",
    unit: dict | None = None,
    fetched_at: str | None = None,
) -> Extraction:
    media_type = _media_type(raw, media_type, source_file, url)
    if media_type not in VIA:
        raise ExtractionError(f"{media_type} is not read yet")
    document = _document(raw, media_type)
    traditional = is_traditional(" ".join(b.text for b in document.blocks[:200]))
    if traditional:
        document = _simplified(document)
    image_only = media_type == PDF and not has_text_layer(document)
    source = Source(raw, url, source_file, portal, unit, fetched_at, VIA[media_type], image_only=image_only)
    return build_extraction(document, source, converted_from_traditional=traditional)


def extract_file(path: Path | str) -> Extraction:
    path = Path(path)
    return extract(path.read_bytes(), source_file=path.name)


def _document(raw: bytes, media_type: str) -> Document:
    if media_type == PDF:
        return document_from_pdf(raw)
    if media_type == DOCX:
        return document_from_docx(raw)
    page = decode(raw, media_type)
    return document_from_html(page) if media_type == "text/html" else document_from_text(page)


def _media_type(raw: bytes, given: str | None, source_file: str | None, url: str | None) -> str:
    """The format the bytes are in: a binary signature first (servers send PDFs as text/html
    and attachments as octet-stream); else the declared type without parameters; else by file
    extension; else HTML or text sniffed from the bytes."""
    declared = (given or "").split(";")[0].strip().lower()
    if declared in GENERIC_MEDIA_TYPES:
        declared = ""
    name = source_file or (urlsplit(url).path if url else "")
    by_name = declared or MEDIA_TYPES_BY_SUFFIX.get(PurePosixPath(name).suffix.lower())
    sniffed = next((media_type for signature, media_type in BINARY_SIGNATURES.items() if raw.startswith(signature)), None)
    if sniffed is None and b"%PDF-" in raw[:PDF_HEADER_WINDOW]:
        sniffed = PDF
    if sniffed == "application/zip" and (by_name == DOCX or is_docx(raw)):
        return DOCX  # a .docx that is no Word document: its reader says what is wrong
    if sniffed == "application/msword" and by_name == DOCX:
        return DOCX  # a password-protected .docx is an OLE container: its reader says so
    if sniffed:
        return sniffed
    if by_name:
        return by_name
    return "text/html" if is_html(raw[:2048].decode("latin-1").lower()) else "text/plain"


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


