"""The extraction engine: the bytes of a report page or file in, the record of schema.md out.

    formats → Document (htmlpage | plaintext | pdf | docx | legacy | sheets) → script
    → body (chrome, header, tail) → metadata, sections, stats, tables (tables/), checks → record

A page may come with its attachments (attachments.py): each is read the same way, and the
record is put together from the page and the attachment that holds the report.

No Scrapy here: the crawl's pipeline and `govcrawl parse` call the same `extract`.
"""

from __future__ import annotations

import importlib

# The engine's names, each imported from its module when first asked for: a process that only
# hands documents to the engine's workers (a crawl: its settings, pipelines and pool need the
# limits, the errors and the attachment type) does not import the readers, the tables and the
# checks (0.15 s of every crawl's start).
_EXPORTS = {
    "Attachment": "files", "ReadAttachment": "files", "is_image": "files",
    "ExtractionError": "errors",
    "Limits": "limits", "LimitExceeded": "limits",
    "MAX_ATTACHMENT_BYTES": "attachments",
    "Extraction": "record",
    "extract": "engine", "extract_file": "engine", "read": "engine", "table_cells": "engine",
}  # fmt: skip
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
