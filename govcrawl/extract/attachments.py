"""A page's attachments: each read on its own, each listed in the record, and the report chosen.

Many units publish the annual report as a file on a short page (「详见附件」), or put the same
report on the page and as a file. The crawl downloads a page's attachments and calls the engine
once per page, with the files. The rules (schema.md "attachments", "via"):

- The page's own statutory tables win.
- A page that is a report but has no tables takes them from the first attachment whose tables
  read, if that attachment's own year (when it names one) is the record's year and its tables
  are not a blank form.
- A page that is no report (its text only points to the file) takes text, sections, stats and
  flags from the first attachment that reads as a report of the page's year — one with text before a scan, which
  can only say tables_as_images — and tables from it or, when it has none, from another
  attachment as above. Title, published, publisher and unit still come from the page when it
  has them.
- A page that is no report and has no report attachment stays not_a_report.
- An attachment that cannot be read never fails the page: it is listed with its error.
"""

from __future__ import annotations

from collections.abc import Callable

from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.files import Attachment, ReadAttachment, attachment_entry
from govcrawl.extract.formats import DOCX, PDF, XLSX, ZIP
from govcrawl.extract.metadata import title_year
from govcrawl.extract.record import Reading, all_blank, reads_as_report, record_title

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
# Where a complete file of each format ends: Acrobat requires %%EOF within the last kilobyte;
# a ZIP's end-of-directory record lies within its last 64 KiB + 22 bytes (the comment's maximum).
PDF_TRAILER_WINDOW = 1024
ZIP_END_WINDOW = 65_536 + 22


def read_attachment(attachment: Attachment, read: Callable[[bytes, str], Reading], *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> ReadAttachment:
    body = attachment.body
    entry = attachment_entry(attachment)
    media_type = entry["media_type"]
    try:
        if len(body) > max_bytes:
            raise ExtractionError(f"attachment is {len(body)} bytes, more than the limit of {max_bytes}")
        if not body:
            raise ExtractionError("attachment is empty")
        check_complete(body, media_type)
        return ReadAttachment(entry, read(body, media_type))
    except ExtractionError as error:
        entry["error"] = str(error)
    except Exception as error:  # noqa: BLE001 — one attachment must never fail the page
        entry["error"] = f"{type(error).__name__}: {error}"
    return ReadAttachment(entry, None)


def check_complete(raw: bytes, media_type: str) -> None:
    """A file cut off in transfer is refused, not read in part. (An OLE file's streams are
    checked by its reader.)"""
    if media_type == PDF and b"%%EOF" not in raw[-PDF_TRAILER_WINDOW:]:
        raise ExtractionError("PDF is truncated: no %%EOF marker at its end")
    if media_type in (DOCX, XLSX, ZIP) and raw.startswith(b"PK") and b"PK\x05\x06" not in raw[-ZIP_END_WINDOW:]:
        raise ExtractionError("file is truncated: its ZIP directory is missing")


def choose(page: Reading, readings: list[Reading]) -> tuple[Reading, Reading]:
    """(content, tables): the readings whose text and whose tables make the record."""
    if page.tables_read:
        return page, page
    if reads_as_report(page.title, page, tables_read=False):
        content = page
    else:
        page_year = title_year(page.title)
        reports = [r for r in readings if _fits(r, page_year) and reads_as_report(record_title(page, r), r, r.tables_read)]
        content = next((r for r in reports if not r.image_only), None) or next(iter(reports), None)
        if content is None:
            return page, page
    if content.tables_read:
        return content, content
    year = title_year(record_title(page, content)) or content.year
    tables = next((r for r in readings if r is not content and _tables_fit(r, year)), content)
    return content, tables


def _tables_fit(reading: Reading, year: int | None) -> bool:
    return reading.tables_read and _fits(reading, year)


def _fits(reading: Reading, year: int | None) -> bool:
    """Of the record's year (when both name one), and not the blank national template attached
    as a form, whose blank cells would otherwise be read as zeros under the page's year."""
    own_year = reading.year
    if own_year is None and all_blank(reading.tables):
        return False
    return own_year is None or year is None or own_year == year
