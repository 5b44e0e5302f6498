"""Faults that tests inject into real crawls (an item pipeline loaded by `-s ITEM_PIPELINES=…`)."""

from __future__ import annotations

from govcrawl.items import Report


class BreakOneRecord:
    """Makes the first record violate the schema: its year as text, as a careless change might."""

    broken = False

    def process_item(self, item):
        if isinstance(item, Report) and not self.broken:
            self.broken = True
            item.record["year"] = str(item.record["year"])
        return item
