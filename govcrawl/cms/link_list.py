"""Portals whose CMS is known only by its URL shapes (滨海新区): plain links everywhere.

The definition gives the shapes as regular expressions in its `[lists]` table — `article` for
report pages, `list` for list pages — and the list's further pages are the pager's ordinary
links (下一页, 尾页, page numbers). Which lists lead to reports is decided by link text only:
with no folder tree in the URLs there is no structure to go by, so a list is entered when its
link names an annual report or a unit, and never when it is the page itself.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from govcrawl.definitions import DefinitionError
from govcrawl.cms.list_rules import REPORT_COLUMN_TEXT, ListRules, link_text, names_unit

PAGER_TEXT = re.compile(r"^(下一页|尾页|末页|\d+)$")


class LinkListRules(ListRules):
    def __init__(self, definition):
        super().__init__(definition)
        self.article, self.list = (self._pattern(key) for key in ("article", "list"))

    def _pattern(self, key: str) -> re.Pattern:
        where = f"{self.definition.source}: portal {self.definition.name!r}: field 'lists.{key}'"
        value = self.definition.lists.get(key)
        if not isinstance(value, str) or not value:
            raise DefinitionError(f"{where}: missing (a regular expression for the URL path)")
        try:
            return re.compile(value)
        except re.error as error:
            raise DefinitionError(f"{where}: not a regular expression: {error}") from error

    def is_article(self, url: str) -> bool:
        return bool(self.article.search(urlsplit(url).path))

    def is_list(self, url: str) -> bool:
        return bool(self.list.search(urlsplit(url).path))

    def leads_to_reports(self, url: str, text: str, page_url: str) -> bool:
        return url != page_url and bool(REPORT_COLUMN_TEXT.search(text) or names_unit(text))

    def further_pages(self, response) -> list[str]:
        pages = []
        for anchor in response.css("a[href]"):
            url = response.urljoin(anchor.attrib["href"].strip())
            if PAGER_TEXT.match(link_text(anchor)) and self.is_list(url) and url != response.url:
                pages.append(url)
        return pages
