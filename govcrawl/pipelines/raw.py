"""Keep the raw bytes of every fetched report page, addressed by their sha256.

Records carry the same sha256, so a later run can re-extract every record from the store
without touching the portals, and identical pages are stored once. The file is written in the
crawl's thread before the page goes on, as the run files are: handed to threads
(`asyncio.to_thread`), each write cost the crawl more than the write itself, since the crawl's
thread and the writing threads took the GIL from each other around every system call of the
write (a 2,000-report crawl took a quarter longer; README "Performance").
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from govcrawl.pipelines import report_page
from govcrawl.runs import raw_store_dir


class RawStorePipeline:
    def __init__(self, store_dir: str):
        self.store_dir = Path(store_dir) if store_dir else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(str(raw_store_dir(crawler.settings) or ""))

    def process_item(self, item):
        page = report_page(item)
        if self.store_dir is not None and page is not None:
            self.store(page["body"])
        return item

    def store(self, body: bytes) -> None:
        digest = hashlib.sha256(body).hexdigest()
        path = self.store_dir / digest[:2] / digest
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of this process's own: the workers of a shared run may store the same bytes at once.
            temporary = path.with_name(f"{path.name}.{os.getpid()}.part")
            temporary.write_bytes(body)
            temporary.replace(path)
