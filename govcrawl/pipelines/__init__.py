"""Item pipelines: keep the raw bytes, fetch the attachments, turn each fetched page into a record.

They read and write items through `itemadapter`, as Scrapy's own pipelines do, so a spider may
yield any item type (dict, dataclass, `scrapy.Item`, attrs): a report page is any item that
carries a fetched page's bytes in `body`; every other item passes through untouched.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter


def report_page(item: Any) -> ItemAdapter | None:
    """The item as a report page (an item with the fetched bytes in `body`), or None."""
    if not ItemAdapter.is_item(item):
        return None
    adapter = ItemAdapter(item)
    return adapter if isinstance(adapter.get("body"), bytes) else None
