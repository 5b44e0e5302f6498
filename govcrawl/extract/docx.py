"""A Word (.docx) report → Document, through HTML: mammoth writes the document as HTML, with
merged cells as rowspan/colspan, and the HTML page reader makes the blocks. So a DOCX table is
read by exactly the code that reads an HTML table.

Pictures become `<img>` elements named `picture-{n}.{png,jpg}` in document order (never the
picture's bytes inline), so a table pasted as a picture is an image block where it stood; the
PNG and JPEG pictures are kept in `Document.pictures` under those names, for OCR.
"""

from __future__ import annotations

import io
import itertools

from govcrawl.extract.document import Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.formats import JPEG, OLE_SIGNATURE, PNG, check_package
from govcrawl.extract.htmlpage import document_from_html
from govcrawl.extract.limits import Deadline, Limits

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_PART = "word/document.xml"
PICTURE_SUFFIXES = {PNG: ".png", JPEG: ".jpg"}  # the pictures OCR reads


def document_from_docx(raw: bytes, limits: Limits = Limits(), deadline: Deadline | None = None) -> Document:
    import mammoth  # imported here: HTML-only users of the engine do not pay for it

    _check_container(raw, limits)
    pictures: dict[str, bytes] = {}
    numbers = itertools.count(1)

    def image_attributes(image) -> dict[str, str]:
        # The alt text is not used: the name is how the image block finds its picture again.
        name = f"picture-{next(numbers)}{PICTURE_SUFFIXES.get(image.content_type, '')}"
        if image.content_type in PICTURE_SUFFIXES:
            with image.open() as data:
                pictures[name] = data.read()
        return {"alt": name, "src": ""}

    try:
        result = mammoth.convert_to_html(io.BytesIO(raw), convert_image=mammoth.images.img_element(image_attributes))
    except Exception as error:  # noqa: BLE001 — mammoth fails in many ways on broken files
        raise ExtractionError(f"DOCX cannot be read: {type(error).__name__}: {error}") from error
    if deadline is not None:
        deadline.check("DOCX converted to HTML")
    document = document_from_html(f"<html><body>{result.value}</body></html>", deadline)
    return Document(blocks=document.blocks, title=document.title, meta=document.meta, media_type=MEDIA_TYPE,
                    pictures=pictures)


def _check_container(raw: bytes, limits: Limits) -> None:
    if raw.startswith(OLE_SIGNATURE):
        # Password-protected .docx files are OLE containers with an EncryptedPackage stream.
        raise ExtractionError("DOCX is an OLE container: encrypted, or a legacy .doc with a .docx name")
    check_package(raw, "DOCX", DOCUMENT_PART, limits)

