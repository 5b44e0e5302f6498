"""Keep the raw bytes of every fetched report page in the raw store (govcrawl/raw_store.py), in
the crawl's own process: for an ITEM_PIPELINES list without the extraction pipeline, whose
workers store each page they read. (Handed to threads, the writes cost the crawl more than the
writes themselves: the crawl's thread and the writing threads took the GIL from each other around
every system call; README "Performance".)
"""

from __future__ import annotations

from govcrawl.pipelines import report_page
from govcrawl.raw_store import store
from govcrawl.runs import raw_store_dir


class RawStorePipeline:
    def __init__(self, store_dir: str):
        self.store_dir = store_dir or None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(str(raw_store_dir(crawler.settings) or ""))

    def process_item(self, item):
        page = report_page(item)
        if self.store_dir is not None and page is not None:
            store(self.store_dir, page["body"])
        return item
