"""Which format a file is in, told from its bytes first, and the checks every reader shares.

A server's declared type and a file name are weak evidence: PDFs are served as text/html,
attachments as octet-stream, a .doc is often RTF or an HTML page, a .docx is sometimes a legacy
.doc. The magic number decides the family; inside an OLE compound file (legacy Word, Excel, WPS,
and password-protected DOCX/XLSX) the names of the streams decide the format, and only a format
the bytes cannot tell apart (WPS from DOC, ET from XLS) is taken from the name.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.limits import Limits

HTML, TEXT, PDF, ZIP, RTF = "text/html", "text/plain", "application/pdf", "application/zip", "application/rtf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
WPS, ET = "application/wps-office.wps", "application/wps-office.et"  # Kingsoft WPS Writer / Spreadsheets
PPT = "application/vnd.ms-powerpoint"
OLE = "application/x-ole-storage"  # a compound file that is none of the formats above
PNG, JPEG = "image/png", "image/jpeg"  # tables published as pictures (read by OCR)
IMAGES = (PNG, JPEG)

MEDIA_TYPES_BY_SUFFIX = {
    ".html": HTML, ".htm": HTML, ".shtml": HTML, ".jhtml": HTML, ".txt": TEXT,
    ".pdf": PDF, ".docx": DOCX, ".doc": DOC, ".wps": WPS, ".rtf": RTF,
    ".xlsx": XLSX, ".xls": XLS, ".et": ET, ".ppt": PPT, ".zip": ZIP,
    ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG,
}  # fmt: skip
# Magic numbers; the bytes decide over a declared type or a file name.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
BINARY_SIGNATURES = {
    b"%PDF": PDF, b"PK\x03\x04": ZIP, OLE_SIGNATURE: OLE, b"{\\rtf": RTF,
    b"\xff\xd8\xff": JPEG, b"\x89PNG": PNG, b"GIF8": "image/gif",
    b"Rar!\x1a\x07": "application/vnd.rar", b"7z\xbc\xaf\x27\x1c": "application/x-7z-compressed",
}  # fmt: skip
# A PDF may have junk before its header; readers accept it within the first kilobyte.
PDF_HEADER_WINDOW = 1024
# Declared types that say nothing about the format (download links, misconfigured servers).
GENERIC_MEDIA_TYPES = frozenset(
    {"application/octet-stream", "binary/octet-stream", "application/x-download", "application/download", "application/force-download"}
)
# The main part of each Office Open XML format, and the main stream of each OLE format.
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
# Formats the bytes cannot tell apart: the name's format wins over the sniffed one.
SAME_BYTES = {DOC: {WPS}, XLS: {ET}}
# A password-protected DOCX or XLSX is an OLE container with these streams (MS-OFFCRYPTO).
ENCRYPTED_PACKAGE = "EncryptedPackage"
# Word's FIB flag fEncrypted (bit 8 of the 16-bit word at offset 0x0A); Excel's FILEPASS record.
WORD_ENCRYPTED_FLAG = 0x0100
BIFF_BOF, BIFF_FILEPASS = {0x0809, 0x0409, 0x0209, 0x0009}, 0x002F


# Uncompressed size of all parts of an Office Open XML package together; a real report is a few
# MB even with pictures.
MAX_UNCOMPRESSED_BYTES = 200_000_000


def check_package(raw: bytes, kind: str, main_part: str, limits: Limits = Limits()) -> None:
    """An Office Open XML package: a whole ZIP container holding its main part, not a ZIP bomb,
    and XML parts the readers can afford (each within max_xml_bytes unpacked, all of them
    within max_xml_elements), counted before any reader builds anything from them."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if main_part not in names:
                raise ExtractionError(f"{kind} has no {main_part}")
            size = sum(info.file_size for info in infos)
            if size > MAX_UNCOMPRESSED_BYTES:
                raise ExtractionError(f"{kind} unpacks to {size} bytes, more than {MAX_UNCOMPRESSED_BYTES}")
            xml_parts = [info for info in infos if info.filename.endswith((".xml", ".rels"))]
            for info in xml_parts:
                limits.check("max_xml_bytes", info.file_size, f"{kind} part {info.filename}, bytes unpacked")
            elements = 0
            for info in xml_parts:
                with archive.open(info) as part:
                    elements += _count_elements(part, limits.max_xml_elements - elements, f"{kind} part {info.filename}")
                limits.check("max_xml_elements", elements, f"{kind} XML elements")
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ExtractionError(f"{kind} is not a ZIP container (truncated or corrupt): {error}") from error


def _count_elements(part, at_most: int, what: str) -> int:
    """Elements of an XML part, counted while streaming it (entities not expanded, nothing
    fetched), stopping one past `at_most`."""
    import lxml.etree

    count = 0
    try:
        for _event, element in lxml.etree.iterparse(part, events=("end",), resolve_entities=False, no_network=True, huge_tree=True):
            count += 1
            element.clear(keep_tail=False)
            if count > at_most:
                break
    except lxml.etree.XMLSyntaxError as error:
        raise ExtractionError(f"{what} is not well-formed XML: {error}") from error
    return count


def media_type_of(raw: bytes, declared: str | None = None, name: str | None = None, url: str | None = None) -> str:
    """The format the bytes are in: a binary signature first; else the declared type without
    parameters; else by file extension; else HTML or text sniffed from the bytes."""
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in GENERIC_MEDIA_TYPES:
        declared = ""
    by_name = declared or MEDIA_TYPES_BY_SUFFIX.get(PurePosixPath(name or (urlsplit(url).path if url else "")).suffix.lower())
    sniffed = next((media_type for signature, media_type in BINARY_SIGNATURES.items() if raw.startswith(signature)), None)
    if sniffed is None and b"%PDF-" in raw[:PDF_HEADER_WINDOW]:
        sniffed = PDF
    if sniffed == ZIP:
        inner = _zip_format(raw)
        # A .docx/.xlsx that is no such package: its reader says what is wrong.
        return inner or (by_name if by_name in (DOCX, XLSX) else ZIP)
    if sniffed == OLE:
        return _ole_format(raw, by_name)
    if sniffed:
        return sniffed
    if by_name in (DOC, WPS, XLS, ET) and _looks_like_html(raw):
        return HTML  # an HTML page saved with a .doc or .xls name, as portals' exports often are
    if by_name:
        return by_name
    return HTML if _looks_like_html(raw) else TEXT


def _looks_like_html(raw: bytes) -> bool:
    from govcrawl.extract.htmlpage import is_html

    return is_html(raw[:2048].decode("latin-1"))


def _zip_format(raw: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    return next((media_type for part, media_type in OOXML_PARTS.items() if part in names), None)


def _ole_format(raw: bytes, by_name: str | None) -> str:
    streams = ole_streams(raw)
    if streams is None:
        # Not a readable compound file: the reader the name points to says what is wrong.
        return by_name if by_name in (DOCX, XLSX, DOC, WPS, XLS, ET) else DOC
    if ENCRYPTED_PACKAGE in streams:
        return by_name if by_name in (DOCX, XLSX) else OLE
    sniffed = next((media_type for stream, media_type in OLE_STREAMS.items() if stream in streams), OLE)
    return by_name if by_name in SAME_BYTES.get(sniffed, ()) else sniffed


def ole_streams(raw: bytes) -> set[str] | None:
    """The names of the top-level streams of an OLE compound file; None when it is not one."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(raw)) as ole:
            return {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001 — olefile raises many kinds of errors on broken files
        return None


def check_readable_ole(raw: bytes, kind: str) -> None:
    """An OLE file whose every stream can be read whole, and that is not password-protected.

    A truncated download leaves sectors that the file's allocation table points past the end
    of the file; reading every stream finds them, so that no reader sees part of a document."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(raw)) as ole:
            streams = {"/".join(path): ole.openstream(path).read() for path in ole.listdir(streams=True, storages=False)}
    except Exception as error:  # noqa: BLE001
        raise ExtractionError(f"{kind} is truncated or corrupt: {type(error).__name__}: {error}") from error
    check_not_encrypted_streams(streams, kind)


def check_not_encrypted(raw: bytes, kind: str) -> None:
    """Password-protected Office files, told from their structure (no password is tried)."""
    if not raw.startswith(OLE_SIGNATURE):
        return
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(raw)) as ole:
            names = ["/".join(path) for path in ole.listdir(streams=True, storages=False)]
            streams = {name: ole.openstream(name).read(64) for name in names if name in ("WordDocument", "Workbook", "Book")}
            streams.update(dict.fromkeys((n for n in names if n == ENCRYPTED_PACKAGE), b""))
    except Exception:  # noqa: BLE001 — a broken container is the reader's to report
        return
    check_not_encrypted_streams(streams, kind)


def check_not_encrypted_streams(streams: dict[str, bytes], kind: str) -> None:
    if ENCRYPTED_PACKAGE in streams:
        raise ExtractionError(f"{kind} is password-protected (an encrypted Office package) and cannot be read")
    word = streams.get("WordDocument", b"")
    if len(word) >= 12 and int.from_bytes(word[10:12], "little") & WORD_ENCRYPTED_FLAG:
        raise ExtractionError(f"{kind} is password-protected (an encrypted Word document) and cannot be read")
    book = streams.get("Workbook") or streams.get("Book") or b""
    if _biff_encrypted(book):
        raise ExtractionError(f"{kind} is password-protected (an encrypted workbook) and cannot be read")


def _biff_encrypted(stream: bytes) -> bool:
    """A FILEPASS record right after the workbook's BOF record."""
    if len(stream) < 8 or int.from_bytes(stream[0:2], "little") not in BIFF_BOF:
        return False
    second = 4 + int.from_bytes(stream[2:4], "little")
    return int.from_bytes(stream[second : second + 2], "little") == BIFF_FILEPASS
