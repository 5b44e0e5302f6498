"""Feed exporters: reports.jsonl, cells.jsonl and errors.jsonl, written with jsonlines.

Each exporter writes one kind of line and passes over the items that are not its kind, so the
three feeds can all receive every item.
"""

from __future__ import annotations

import dataclasses
import json
from functools import partial

import jsonlines
from scrapy.exporters import BaseItemExporter

from govcrawl.items import CrawlError, Report


class _JsonLinesExporter(BaseItemExporter):
    def __init__(self, file, **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self._writer = jsonlines.Writer(file, compact=True, flush=True, dumps=partial(json.dumps, ensure_ascii=False))

    def lines(self, item) -> list[dict]:
        raise NotImplementedError

    def export_item(self, item):
        self._writer.write_all(self.lines(item))

    def finish_exporting(self):
        # The feed storage owns the file; closing the writer here would close it too early.
        pass


class ReportLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return [item.record] if isinstance(item, Report) else []


class CellLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return item.cells if isinstance(item, Report) else []


class ErrorLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return [dataclasses.asdict(item)] if isinstance(item, CrawlError) else []
