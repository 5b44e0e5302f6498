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

from govcrawl.pipelines import report_page
from govcrawl.runs import raw_store_dir


class RawStorePipeline:
    def __init__(self, store_dir: str):
        self.store_dir = store_dir or None
        self.folders: set[str] = set()  # the folders made (or found) by this crawl: one makedirs each

    @classmethod
    def from_crawler(cls, crawler):
        return cls(str(raw_store_dir(crawler.settings) or ""))

    def process_item(self, item):
        page = report_page(item)
        if self.store_dir is not None and page is not None:
            self.store(page["body"])
        return item

    def store(self, body: bytes) -> None:
        # os calls rather than pathlib's: a 2,000-page crawl made 12,000 of them in the crawl's
        # thread, and pathlib's objects around each took as long as the calls.
        digest = hashlib.sha256(body).hexdigest()
        folder = os.path.join(self.store_dir, digest[:2])
        path = os.path.join(folder, digest)
        if os.path.exists(path):
            return
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        # A name of this process's own: the workers of a shared run may store the same bytes at once.
        temporary = f"{path}.{os.getpid()}.part"
        with open(temporary, "wb") as file:
            file.write(body)
        os.replace(temporary, path)
