"""Keep the raw bytes of every fetched report page, addressed by their sha256.

Records carry the same sha256, so a later run can re-extract every record from the store
without touching the portals, and identical pages are stored once. The file is written in a
thread: creating a file costs the crawl's thread as much as parsing a page, and the crawl goes on
meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from pathlib import Path

from govcrawl.pipelines import report_page
from govcrawl.runs import raw_store_dir


class RawStorePipeline:
    def __init__(self, store_dir: str):
        self.store_dir = Path(store_dir) if store_dir else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(str(raw_store_dir(crawler.settings) or ""))

    async def process_item(self, item):
        page = report_page(item)
        if self.store_dir is None or page is None:
            return item
        await asyncio.to_thread(self.store, page["body"])
        return item

    def store(self, body: bytes) -> None:
        digest = hashlib.sha256(body).hexdigest()
        path = self.store_dir / digest[:2] / digest
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of this process's own and this thread's: workers of a shared run, or two
            # items of this one, may store the same bytes at once.
            temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            temporary.write_bytes(body)
            temporary.replace(path)
