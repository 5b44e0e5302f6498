"""The JSON Schema of a report record (report.schema.json: shared/spec/schema.md as a schema).

Shipped in the package: the crawl's validation monitor checks every record against it, and the
tests and users can validate any reports.jsonl with the same file.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def record_schema() -> dict:
    return json.loads(files(__package__).joinpath("report.schema.json").read_text(encoding="utf-8"))


def report_item_schema() -> dict:
    """The schema of the crawl's `Report` item: its record, and its cell lines (schema.md's cell feed)."""
    cell = {
        "type": "object",
        "required": ["report_id", "unit", "region_code", "year", "format", "table", "row", "col", "value", "raw", "label"],
        "properties": {"report_id": {"type": "string"}, "value": {"type": "number"}, "table": {"type": "string"},
                       "row": {"type": "string"}, "col": {"type": "string"}},
    }
    return {
        "type": "object",
        "required": ["record", "cells"],
        "properties": {"record": record_schema(), "cells": {"type": "array", "items": cell}},
    }


def crawl_error_schema() -> dict:
    """An error entry of errors.jsonl (README "Output")."""
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["url", "portal", "stage", "error", "detail", "at"],
        "properties": {"url": text, "portal": text, "stage": {"enum": ["list", "download", "extract", "attachment"]},
                       "error": {"type": "string", "minLength": 1}, "detail": text, "at": text},
    }
