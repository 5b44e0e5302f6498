"""The raw store: the bytes of every fetched report page, at <store>/<first two hex digits>/<sha256>.

Records carry the same sha256, so a later run can re-extract every record from the store without
touching the portals, and identical pages are stored once. A crawl's pages are stored by the
extraction workers that read them (govcrawl/workers.py), before reading them: creating a file is
mostly the kernel's work (about 0.6 ms a page, two thousand pages a crawl), which in the crawl's
own process ran beside nothing else. A crawl without the extraction pipeline stores them in its
own process (govcrawl/pipelines/raw.py). No Scrapy here: the workers import it.
"""

from __future__ import annotations

import hashlib
import os


def store(store_dir: str, body: bytes) -> None:
    """Keep `body` in the store unless it is there already."""
    digest = hashlib.sha256(body).hexdigest()
    path = os.path.join(store_dir, digest[:2], digest)
    if os.path.exists(path):
        return
    # Written under a name of this process's own and renamed into place: a reader, or a crawl
    # killed meanwhile, never sees part of a file, and two processes of a shared run may store the
    # same bytes at once.
    temporary = f"{path}.{os.getpid()}.part"
    try:
        file = open(temporary, "wb")
    except FileNotFoundError:  # the first file of its folder
        os.makedirs(os.path.dirname(path), exist_ok=True)
        file = open(temporary, "wb")
    with file:
        file.write(body)
    os.replace(temporary, path)
