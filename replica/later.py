"""The replica a year on: the same portals at a later crawl, `govcrawl replica serve --state later`.

Derived from the first state's model (its files, manifest entries and how each synthetic report
was drawn, model.ReportSource), not from any portal's builder, so it covers whatever reports the
builders draw. For each spider of CHANGED_SPIDERS it makes what real portals do between two
crawls, and states each change with what the corpus must conclude from it in the manifest's
`changes` section:

- `new`: the unit of a list's newest report publishes its next year's report (new figures,
  continuing its carried-over applications), at the top of that list;
- `shifted`: that list's items move down by one, across its pages (page size and count kept);
- `removed`: a report further down the same list is taken offline — its page answers 404 and its
  list item is gone (so the list keeps its page count);
- `edited`: a report is corrected in place — the same URL, one figure of 表二 corrected (and the
  prose drawn again from the corrected tables);
- `moved`: a report's page is moved to a new URL in the same column, the same bytes; the old URL
  answers 404 (real CMSs answer 404 or 301 there; this state uses 404);
- `renamed`: a department is renamed (…局 → …管理局): its newest report's page is drawn again
  with the new name in title and text, at the same URL.

The changes touch only the spider's own pages and manifest entries. `tianjin -a scope=all` also
reads hedong's pages, so it meets hedong's changes too; only hedong's entries state them.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from replica import prose
from replica import tables as t
from replica.model import (
    Replica, ReportSource, Unit, article_url, publication_time, synthetic_report, trs_doc_id,
)

# The municipal portal, one district, and the platform of 济南市天桥区.
CHANGED_SPIDERS = ("tianjin", "hedong", "tianqiao")
CORRECTED = ("active_disclosure", "admin_licensing", "decisions")  # the figure an edit corrects
CORRECTION = 12
RENAMES = (("管理局", None), ("局", "管理局"))  # (old suffix, new suffix); None: not renamed again
LIST_ITEM = re.compile(r"<li\b[^>]*>(?:(?!<li\b).)*?</li>", re.DOTALL)
HREF = re.compile(r'href="([^"]+)"')
INDEX_FILES = ("index.html", "index.shtml", "index.htm")
CHARSET = re.compile(rb"""charset=["']?([\w-]+)""", re.IGNORECASE)
FILE_ID = re.compile(r"[0-9a-f]{6,}(?=[^0-9a-f]*$)")


@dataclass
class ListItem:
    page: str  # the list page's URL
    html: str  # the <li> element
    url: str   # the article it links to


def apply(replica: Replica) -> dict:
    """Change the first state's model into the later one; the manifest's `changes`."""
    return {spider: Changes(replica, spider).apply() for spider in CHANGED_SPIDERS}


class Changes:
    def __init__(self, replica: Replica, spider: str):
        replica.start(spider, f"later-{spider}")
        self.replica = replica
        self.reports = {report["url"]: report for report in replica.reports}

    # -- what to change ------------------------------------------------------------------

    def candidates(self) -> list[str]:
        """Reports the later state may change: drawn by model.synthetic_report, with no failing
        check and no faulty attachment, so that each change alone explains what a crawl sees."""
        return [url for url, report in self.reports.items()
                if url in self.replica.sources and not report["failing_checks"]
                and not any(a.get("error") for a in report.get("attachments", []))]

    def chains(self) -> dict[str, list[str]]:
        """The spider's paged lists: list page URLs by folder (index, index_1 or index_2, …)."""
        chains: dict[str, list[str]] = {}
        for url in self.replica.lists:
            folder, _, name = url.rpartition("/")
            if name == "" or name.startswith("index"):
                chains.setdefault(folder + "/", []).append(url)
        return {folder: sorted(pages, key=page_number) for folder, pages in chains.items()}

    def items(self, pages: list[str]) -> list[ListItem]:
        folder = pages[0].rpartition("/")[0] + "/"
        found = []
        for page in pages:
            for match in LIST_ITEM.finditer(self.text(page)):
                href = HREF.search(match[0])
                url = urljoin(page, href[1]) if href else ""
                if url.startswith(folder) and url.rpartition("/")[2] and url not in pages and self.path(url) in self.replica.files:
                    found.append(ListItem(page, match[0], url))
        return found

    def apply(self) -> dict:
        candidates = self.candidates()
        # The paged list whose reports span the most years (a unit's own column, or a year's).
        chain = max(
            (pages for pages in self.chains().values() if len(pages) > 1),
            key=lambda pages: (len({self.reports[i.url]["year"] for i in self.items(pages) if i.url in candidates}), pages[0]),
        )
        items = self.items(chain)
        per_page = sum(item.page == chain[0] for item in items)
        in_chain = [item.url for item in items if item.url in candidates]
        newest = max(in_chain, key=lambda url: self.reports[url]["year"])
        removed = next(item.url for item in reversed(items) if item.url in candidates and item.page != chain[0]
                       and item.url != newest)
        edited = next(url for url in in_chain if url not in (newest, removed))
        used = {newest, removed, edited}
        units = {self.reports[url]["unit"]["name"] for url in used}
        renamed = max((url for url in candidates if url not in used and self.reports[url]["unit"]["name"] not in units
                       and renamed_name(self.replica.sources[url].unit)),
                      key=lambda url: (self.reports[url]["year"], url))
        units.add(self.reports[renamed]["unit"]["name"])
        moved = next(url for url in candidates if url not in used and self.reports[url]["unit"]["name"] not in units)
        new, new_item = self.new_year(newest, items, chain)
        self.reflow(chain, [new_item, *(item for item in items if item.url != removed)], per_page)
        return {
            "new": [new],
            "removed": [self.remove(removed)],
            "shifted": [{"lists": chain, "items_per_page": per_page, "before": [item.url for item in items],
                         "after": [item.url for item in self.items(chain)]}],
            "edited": [self.edit(edited)],
            "renamed": [self.rename(renamed)],
            "moved": [self.move(moved)],
        }

    # -- the changes ---------------------------------------------------------------------

    def new_year(self, newest: str, items: list[ListItem], chain: list[str]) -> tuple[dict, ListItem]:
        """The next year's report of `newest`'s unit, and its list item (drawn from `newest`'s)."""
        source, rng = self.replica.sources[newest], self.replica.rng
        year = source.year + 1
        published = publication_time(rng, year)
        url = (source.locate(published) if source.locate
               else article_url(source.column_url, published.date(), trs_doc_id(rng, published.date())))
        if self.path(url) in self.replica.files:  # a site that places each report by hand
            url = self.fresh_url(newest)
        synthetic_report(self.replica, source.unit, year, source.column_url, source.render, source.publisher,
                         published, locate=lambda _published: url)
        model = next(item for item in items if item.url == newest)
        html = model.html.replace(f"{source.year}年", f"{year}年").replace(f"{source.published:%Y-%m-%d}", f"{published:%Y-%m-%d}")
        report = self.replica.reports[-1]
        change = {"url": url, "unit": report["unit"]["name"], "year": year, "title": report["title"],
                  "list": chain[0], "conclusion": "a new report, first seen in the later crawl"}
        return change, ListItem(chain[0], html, url)

    def remove(self, url: str) -> dict:
        """Take the report offline (its list item is already gone): 404."""
        del self.replica.files[self.path(url)]
        self.replica.reports.remove(self.reports[url])
        return {"url": url, "status": 404, "conclusion": "gone: gone_since is the later crawl's 404 for it"}

    def edit(self, url: str) -> dict:
        report = self.reports[url]
        tables = copy.deepcopy(report["tables"])
        table, row, column = CORRECTED
        before = tables[table][row][column]
        tables[table][row][column] = before + CORRECTION
        self.redraw(url, self.replica.sources[url].unit, tables)
        return {"url": url, "figure": ".".join(CORRECTED), "before": before, "after": before + CORRECTION,
                "conclusion": "a second version of the same report, superseding the first (kept)"}

    def move(self, url: str) -> dict:
        new_url = self.fresh_url(url)
        self.replica.files[self.path(new_url)] = self.replica.files.pop(self.path(url))
        self.relink(url, lambda item, page: item.replace(href_of(item), href_like(href_of(item), new_url, page)))
        self.reports[url]["url"] = new_url
        self.replica.sources[new_url] = self.replica.sources.pop(url)
        return {"from": url, "to": new_url, "status_of_old": 404,
                "conclusion": "one report under both URLs, one version, not gone"}

    def rename(self, url: str) -> dict:
        source = self.replica.sources[url]
        old, new = source.unit.name, renamed_name(source.unit)
        unit = replace(source.unit, name=new, title_prefix=source.unit.title_prefix.replace(old, new))
        self.redraw(url, unit, self.reports[url]["tables"])
        self.relink(url, lambda item, _page: item.replace(old, new))
        return {"url": url, "from": old, "to": new,
                "conclusion": "the same report (same id and URL), a second version under the new unit name"}

    # -- pages ---------------------------------------------------------------------------

    def redraw(self, url: str, unit: Unit, tables: dict) -> None:
        """The report page at `url` drawn again from `tables`, in its own chrome and place."""
        source: ReportSource = self.replica.sources[url]
        report, rng = self.reports[url], self.replica.rng
        body, stats = prose.gov_report_body(unit.name, unit.short, source.year, report["format"], tables,
                                            t.TableStyle.pick(rng), rng)
        title = unit.title(source.year)
        html, when = source.render(url, title, unit.name, source.publisher, source.published, body)
        self.replica.write(url, html)
        report.update(title=title, unit=unit.record(), tables=tables, stats=stats, published=when)

    def reflow(self, chain: list[str], items: list[ListItem], per_page: int) -> None:
        """Write `items` onto the chain's pages, `per_page` to a page, in place of the old ones."""
        old = self.items(chain)
        pages = [items[i:i + per_page] for i in range(0, len(items), per_page)]
        assert len(pages) == len(chain), f"{chain[0]}: {len(items)} items no longer fill its {len(chain)} pages"
        for page, chunk in zip(chain, pages):
            mine = [item for item in old if item.page == page]
            text = self.text(page)
            start, end = text.index(mine[0].html), text.index(mine[-1].html) + len(mine[-1].html)
            lines = [item.html.replace(href_of(item.html), href_like(href_of(item.html), item.url, page)) for item in chunk]
            self.replica.files[self.path(page)] = self.encode(page, text[:start] + "\n".join(lines) + text[end:])

    def relink(self, url: str, change) -> None:
        """Change the list items that link to `url`, wherever the spider lists it."""
        for page in self.replica.lists:
            text = self.text(page)
            items = [m[0] for m in LIST_ITEM.finditer(text) if HREF.search(m[0]) and urljoin(page, HREF.search(m[0])[1]) == url]
            for item in items:
                text = text.replace(item, change(item, page))
            if items:
                self.replica.files[self.path(page)] = self.encode(page, text)

    def fresh_url(self, url: str) -> str:
        """A new article URL beside `url`, the same shape: its file id replaced by a new one."""
        folder, _, name = url.rpartition("/")
        stem = FILE_ID.search(name)
        if stem is None:
            raise ValueError(f"{url}: no document id in its name to give the page a new URL of the same shape")
        digest = hashlib.sha256(f"later {url}".encode()).hexdigest()
        new_id = digest[:len(stem[0])] if not stem[0].isdigit() else str(int(digest, 16))[:len(stem[0])]
        fresh = f"{folder}/{name[:stem.start()]}{new_id}{name[stem.end():]}"
        assert self.path(fresh) not in self.replica.files, fresh
        return fresh

    def path(self, url: str) -> str:
        """The file of `url` in the model (a folder's index page, whichever name its site gives it)."""
        parts = urlsplit(url)
        path = parts.hostname + parts.path
        if not path.endswith("/"):
            return path
        return next((path + name for name in INDEX_FILES if path + name in self.replica.files), path + "index.html")

    def text(self, page: str) -> str:
        return self.replica.files[self.path(page)].decode(self.encoding(page))

    def encode(self, page: str, text: str) -> bytes:
        return text.encode(self.encoding(page))

    def encoding(self, page: str) -> str:
        """The charset the page declares (gk.tj.gov.cn's are GB2312), else UTF-8."""
        declared = CHARSET.search(self.replica.files[self.path(page)][:2048])
        return declared[1].decode("ascii").lower() if declared else "utf-8"


def page_number(url: str) -> int:
    """0 for a list's first page (index.html), N for index_N."""
    number = re.search(r"index_(\d+)\.\w+$", url)
    return int(number[1]) if number else 0


def href_of(item: str) -> str:
    return HREF.search(item)[1]


def href_like(href: str, url: str, base: str) -> str:
    """`url` written as `href` is written (absolute, from the root, or relative to `base`)."""
    if href.startswith(("http://", "https://")):
        return url
    if href.startswith("/"):
        return urlsplit(url).path
    folder = base.rpartition("/")[0] + "/"
    assert url.startswith(folder), (url, base)
    return "./" + url[len(folder):] if href.startswith("./") else url[len(folder):]


def renamed_name(unit: Unit) -> str | None:
    """What a department is called after its reorganisation, None for a unit not renamed here."""
    if unit.level != "department" or unit.name not in unit.title_prefix:
        return None  # only a department whose titles carry its full name
    for old, new in RENAMES:
        if unit.name.endswith(old):
            return unit.name[: -len(old)] + new if new else None
    return None
