"""The replica's declared structure as a crawler meets it: the links a page shows, and what a walk
over them reaches when it enters only the lists the manifest declares.

No rule of the spiders' is used here (which link texts lead to reports, which URLs are
articles): the spiders are checked by crawling with them (test_crawl.py). This checks the
replica itself — that what the manifest expects of a spider is there to be found, and that
what it forbids is there to be declined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

# An href wherever it stands: in anchors, and in list records a script or a datastore holds.
HREF = re.compile(r"""href\s*=\s*["']\s*([^"'\s][^"']*?)\s*["']""")
# The TRS pager script on a column's first page: createPageHTML(pages, current, "index", "ext").
PAGER = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"index"\s*,\s*"(\w+)"\s*\)""")


def shown_links(url: str, text: str) -> set[str]:
    """Where a page's links and its TRS pager lead, as absolute URLs."""
    links = {urljoin(url, href) for href in HREF.findall(text) if not href.startswith(("javascript:", "#", "mailto:"))}
    pager = PAGER.search(text)
    if pager and int(pager.group(2)) == 0:
        links |= {urljoin(url, f"index_{n}.{pager.group(3)}") for n in range(1, int(pager.group(1)))}
    return links


def walk(expect: dict, starts: list[str], links_of: Callable[[str], set[str]]) -> tuple[set[str], set[str]]:
    """From `starts`, follow the links of list pages to the lists and reports `expect` (a
    manifest section) declares, entering only those lists. Returns what was reached (starts
    included) and every URL the pages read showed."""
    lists, reports = set(expect["lists"]), {r["url"] for r in expect["reports"]}
    reached, frontier, shown = set(starts), list(starts), set()
    while frontier:
        links = links_of(frontier.pop())
        shown |= links
        for link in links & (lists | reports) - reached:
            reached.add(link)
            if link in lists:
                frontier.append(link)
    return reached, shown
