"""A Word (.docx) report → Document, through HTML: mammoth writes the document as HTML, with
merged cells as rowspan/colspan, and the HTML page reader makes the blocks. So a DOCX table is
read by exactly the code that reads an HTML table.

Pictures become `<img>` elements with their alt text (never the picture's bytes inline), so a
table pasted as a picture is an image block and reported as such.
"""

from __future__ import annotations

import io
import zipfile

from govcrawl.extract.document import Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.htmlpage import document_from_html

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_PART = "word/document.xml"
# Uncompressed size of all parts together; a real report is a few MB even with pictures.
MAX_UNCOMPRESSED_BYTES = 200_000_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


def is_docx(raw: bytes) -> bool:
    """A ZIP container holding a Word main document part."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return DOCUMENT_PART in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def document_from_docx(raw: bytes) -> Document:
    import mammoth  # imported here: HTML-only users of the engine do not pay for it

    _check_container(raw)
    try:
        result = mammoth.convert_to_html(io.BytesIO(raw), convert_image=mammoth.images.img_element(_image_attributes))
    except Exception as error:  # noqa: BLE001 — mammoth fails in many ways on broken files
        raise ExtractionError(f"DOCX cannot be read: {type(error).__name__}: {error}") from error
    document = document_from_html(f"<html><body>{result.value}</body></html>")
    return Document(blocks=document.blocks, title=document.title, meta=document.meta, media_type=MEDIA_TYPE)



def _check_container(raw: bytes) -> None:
    if raw.startswith(OLE_SIGNATURE):
        # Password-protected .docx files are OLE containers with an EncryptedPackage stream.
        raise ExtractionError("DOCX is an OLE container: encrypted, or a legacy .doc with a .docx name")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ExtractionError(f"DOCX is not a ZIP container: {error}") from error
    if DOCUMENT_PART not in names:
        raise ExtractionError(f"DOCX has no {DOCUMENT_PART}")
    if size > MAX_UNCOMPRESSED_BYTES:
        raise ExtractionError(f"DOCX unpacks to {size} bytes, more than {MAX_UNCOMPRESSED_BYTES}")


def _image_attributes(image) -> dict[str, str]:
    return {"alt": image.alt_text or "image", "src": ""}
