"""A page's attachments as the crawl hands them to the engine, and their entries in the record.

A module of its own, light to import: the crawl's process makes these (and error entries for
files its workers could not read) without importing the engine that reads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govcrawl.extract.formats import IMAGES, media_type_of

if TYPE_CHECKING:
    from govcrawl.extract.record import Reading


@dataclass(frozen=True)
class Attachment:
    """A file the page links to, as the crawl downloaded it."""

    url: str | None
    name: str  # the link text or file name the page gives it
    body: bytes
    media_type: str | None = None  # as the server declared it
    path: str | None = None  # where the crawl stored it (content-addressed)


@dataclass
class ReadAttachment:
    entry: dict  # the record's attachments[] item
    reading: Reading | None  # None when it could not be read (entry["error"] says why)


def attachment_entry(attachment: Attachment) -> dict:
    """The record's attachments[] item for a file, without its reading."""
    body = attachment.body
    return {
        "url": attachment.url,
        "name": attachment.name,
        "media_type": media_type_of(body, attachment.media_type, attachment.name, attachment.url),
        "sha256": hashlib.sha256(body).hexdigest(),
        "path": attachment.path,
    }


def failed_attachment(attachment: Attachment, error: str) -> ReadAttachment:
    """An attachment whose reading failed outside the engine (its worker was stopped)."""
    return ReadAttachment(attachment_entry(attachment) | {"error": error}, None)


def is_image(attachment: Attachment | ReadAttachment) -> bool:
    """A picture not yet read (a report-body image, or a picture attachment)."""
    return isinstance(attachment, Attachment) and media_type_of(attachment.body, attachment.media_type, attachment.name, attachment.url) in IMAGES
