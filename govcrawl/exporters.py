"""Feed exporters: reports.jsonl, cells.jsonl and errors.jsonl, one JSON object a line.

Each exporter writes one kind of line and passes over the items that are not its kind, so the
three feeds can all receive every item. An item's lines go to the file in one write, flushed at
once: a report's cells are on disk before its record line is written (the mark that the report is
done, govcrawl/resume.py), without a system call for every cell.
"""

from __future__ import annotations

import dataclasses

from scrapy.exporters import BaseItemExporter

from govcrawl.items import CrawlError, Report, json_lines


class _JsonLinesExporter(BaseItemExporter):
    def __init__(self, file, **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def lines(self, item) -> list[dict]:
        raise NotImplementedError

    def encoded(self, item) -> bytes:
        return json_lines(self.lines(item))

    def export_item(self, item):
        encoded = self.encoded(item)
        if encoded:
            self.file.write(encoded)
            self.file.flush()

    def finish_exporting(self):
        # The feed storage owns the file and closes it.
        pass


class ReportLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return [item.record] if isinstance(item, Report) else []


class CellLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return item.cells if isinstance(item, Report) else []

    def encoded(self, item):
        if isinstance(item, Report) and item.cell_lines is not None:
            return item.cell_lines  # encoded by the extraction worker
        return super().encoded(item)


class ErrorLinesExporter(_JsonLinesExporter):
    def lines(self, item):
        return [dataclasses.asdict(item)] if isinstance(item, CrawlError) else []
