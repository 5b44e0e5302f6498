"""An HTML report page → Document: the body container's blocks in reading order, page metadata.

Containers, title sources and meta names are data tables for the CMS families of
../shared/spec/portals.md. Tables are told apart by what their cells hold: a data table has
short cells; a layout table (old templates put the whole page in one) has cells of prose or
other tables, and is unwrapped so its paragraphs become ordinary text blocks.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lxml import html

from govcrawl.extract.document import Block, Document
from govcrawl.extract.htmltable import rows_from_html_table

# Body containers, most specific first; the first selector that matches non-empty text wins.
BODY_CONTAINERS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article_content ')]",
    "//*[@id='zoom' or @id='Zoom' or @id='UCAP-CONTENT' or @id='content' or @id='article']",
    "//div[contains(@class, 'article-content') or contains(@class, 'pages_content')"
    " or contains(@class, 'wzy_content') or contains(@class, 'news_content')]",
    "//article",
)

# Meta tags copied to Document.meta under their own names.
META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "Author", "SiteName", "ColumnName")
TITLE_ELEMENTS = ("//h1", "//*[contains(@class, 'article_title') or @class='title']")
# `<title>` is "article title_column_site" (TRS) or "article title - site"; the site part goes.
TITLE_SUFFIX = re.compile(r"\s*(?:[_|]|\s-\s).*$")

SKIPPED = {"script", "style", "noscript", "head", "iframe", "object", "select", "button", "form"}
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "center", "blockquote", "pre", "tr", "td", "th", "table", "tbody",
    "header", "footer", "nav", "aside", "main", "hr",
}
# A cell holding this much prose, or any nested table, makes its table a layout table.
LAYOUT_CELL_CHARS = 200

_WHITESPACE = re.compile(r"\s+")
_HAN_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


def document_from_html(page: str) -> Document:
    tree = html.fromstring(page)
    meta = {name: value for name in META_NAMES if (value := _meta(tree, name))}
    body = _body_container(tree)
    blocks = _blocks(body)
    meta.update(_labelled_lines(tree, body))
    return Document(blocks=blocks, title=_title(tree, meta), meta=meta, media_type="text/html")


def _meta(tree, name: str) -> str:
    values = tree.xpath(f"//meta[@name='{name}']/@content")
    return values[0].strip() if values else ""


def _title(tree, meta: dict[str, str]) -> str | None:
    if meta.get("ArticleTitle"):
        return meta["ArticleTitle"]
    for xpath in TITLE_ELEMENTS:
        for element in tree.xpath(xpath):
            text = _clean(element.text_content())
            if text:
                return text
    titles = tree.xpath("//title/text()")
    return TITLE_SUFFIX.sub("", _clean(titles[0])) or None if titles else None


def _body_container(tree):
    for xpath in BODY_CONTAINERS:
        candidates = [e for e in tree.xpath(xpath) if _clean(e.text_content())]
        if candidates:
            return max(candidates, key=lambda e: len(e.text_content()))
    bodies = tree.xpath("//body")
    return bodies[0] if bodies else tree


def _labelled_lines(tree, body) -> dict[str, str]:
    """Short text nodes outside the body (来源：…, 发布时间：…) as `lines` meta, in page order.

    Which of them carry the source and date is decided with the other metadata rules."""
    inside = set(body.iter())
    lines = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in SKIPPED or element in inside:
            continue
        for fragment in (element.text, element.tail):
            text = _clean(fragment or "")
            if text and len(text) <= 80:
                lines.append(text)
    return {"lines": "\n".join(lines)} if lines else {}


def _blocks(container) -> list[Block]:
    blocks: list[Block] = []
    pending: list[str] = []

    def flush():
        text = _clean("".join(pending))
        if text:
            blocks.append(Block("text", text))
        pending.clear()

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag in SKIPPED:
            return
        if tag == "table" and not _is_layout_table(element):
            flush()
            blocks.append(Block("table", rows=rows_from_html_table(element)))
            return
        if tag == "img":
            flush()
            blocks.append(Block("image", element.get("alt") or PurePosixPath(element.get("src") or "").name))
            return
        if tag == "br":
            flush()
            return
        if tag in BLOCK_TAGS:
            flush()
        pending.append(element.text or "")
        for child in element:
            walk(child)
            pending.append(child.tail or "")
        if tag in BLOCK_TAGS:
            flush()

    walk(container)
    flush()
    return blocks


def _is_layout_table(table) -> bool:
    if table.xpath(".//table"):
        return True
    cells = table.xpath(".//td | .//th")
    return len(cells) <= 1 or any(len(_clean(c.text_content())) > LAYOUT_CELL_CHARS for c in cells)


def _clean(text: str) -> str:
    """Source line breaks inside Chinese prose are layout, not spaces; other runs become one space."""
    text = _HAN_GAP.sub("", text.replace("\xa0", " "))
    return _WHITESPACE.sub(" ", text).strip()


def is_html(text: str) -> bool:
    head = text[:2048].lower()
    return any(marker in head for marker in ("<!doctype html", "<html", "<head", "<body", "<meta"))


