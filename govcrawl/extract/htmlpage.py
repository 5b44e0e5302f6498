"""An HTML report page → Document: the body container's blocks in reading order, page metadata.

Containers, title sources and meta names are data tables for the CMS families of
../shared/spec/portals.md. Tables are told apart by what their cells hold: a data table has
short cells; a layout table (old templates put the whole page in one) has cells of prose or
other tables, and is unwrapped so its paragraphs become ordinary text blocks.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lxml import etree, html

from govcrawl.extract.document import Block, Document
from govcrawl.extract.htmltable import rows_from_html_table
from govcrawl.extract.limits import Deadline

# Body containers, most specific first; the first selector that matches non-empty text wins.
# An element is chosen through its attribute (`//@id[…]/..`, the parent of a matching id):
# libxml2 tests that in a fraction of the time it takes to test every element's attributes in a
# predicate (`//*[@id=…]`: 2 ms on a report page of 2,000 elements, `//@id[…]/..` 0.1 ms).
BODY_CONTAINERS = tuple(etree.XPath(path) for path in (
    "//div/@class[contains(concat(' ', normalize-space(), ' '), ' TRS_Editor ')]/..",
    "//div/@class[contains(concat(' ', normalize-space(), ' '), ' article_content ')]/..",
    "//@id[.='zoom' or .='Zoom' or .='UCAP-CONTENT' or .='content' or .='article']/..",
    "//div/@class[contains(., 'article-content') or contains(., 'pages_content')"
    " or contains(., 'wzy_content') or contains(., 'news_content')]/..",
    "//article",
))  # fmt: skip

# Meta tags copied to Document.meta under their own names.
META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "Author", "SiteName", "ColumnName")
TITLE_ELEMENTS = tuple(etree.XPath(path) for path in ("//h1", "//@class[contains(., 'article_title') or .='title']/.."))
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
_HAS_NESTED_TABLE = etree.XPath("boolean(.//table)")
_CELL_COUNT = etree.XPath("count(.//td | .//th)")
# The cells whose text (text_content(), XPath's string()) is longer than the limit as it stands.
_LONG_CELLS = etree.XPath(f"(.//td | .//th)[string-length() > {LAYOUT_CELL_CHARS}]")

# Browsers nest elements only so deep (Blink: 512); an element opened deeper is placed beside its
# would-be parent, so its text still shows. Pages are read the same way (parse_page).
MAX_DEPTH = 512
# An XML declaration before an HTML page (XHTML exports) means nothing to a browser.
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Whether an element has MAX_DEPTH ancestors: a path of that many child steps below the root
# element (one pass down the tree; counting every element's ancestors is one pass per level).
_DEEPER_THAN_MAX = etree.XPath("boolean(/*" + "/*" * MAX_DEPTH + ")")
# Elements that only wrap one element and hold no text of their own.
WRAPPER_TAGS = ("div", "span", "font", "section", "article", "center", "main", "b", "i", "u", "strong", "em", "small", "big")
PURE_WRAPPERS = (
    "//*[(" + " or ".join(f"self::{tag}" for tag in WRAPPER_TAGS) + ") and count(*) = 1 and not(normalize-space(text()))]"
)
MARKUP_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
# How many elements are walked between two looks at the deadline.
DEADLINE_STRIDE = 5_000

_HAN_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


def document_from_html(page: str, deadline: Deadline | None = None, utf8: bytes | None = None) -> Document:
    """`utf8`: the page in UTF-8, when the caller has it (the bytes it was decoded from)."""
    tree = parse_page(page, utf8)
    meta = _meta(tree)
    body = _body_container(tree)
    blocks = _blocks(body, deadline)
    meta.update(_labelled_lines(tree, body))
    return Document(blocks=blocks, title=_title(tree, meta), meta=meta, media_type="text/html")


def parse_page(page: str, utf8: bytes | None = None):
    """The page's tree as a browser shows it: an XML declaration ignored, a page with no element
    (a doctype alone) an empty document, and a deep nest read whole.

    Exports nest a report in hundreds of wrappers (<div>s, <span>s, <font>s holding one element
    and no text of their own): past MAX_DEPTH those are unwrapped, which changes nothing a browser
    shows. What is still too deep after that, or deeper than libxml2 goes at all, is flattened as a
    browser flattens it (`flattened`).

    libxml2 reads the page from `utf8` when given: lxml hands it a str as UTF-16, which it
    converts to UTF-8 first (a tenth of the parse)."""
    page, declarations = XML_DECLARATION.subn("", page, count=1)
    try:
        tree = _parsed(page, None if declarations else utf8)
    except etree.ParserError:  # "Document is empty": nothing but a doctype, comments or whitespace
        return html.document_fromstring("<html><body></body></html>")
    if not _DEEPER_THAN_MAX(tree):
        return tree
    for wrapper in tree.xpath(PURE_WRAPPERS):
        wrapper.drop_tag()
    if _DEEPER_THAN_MAX(tree):
        tree = _parsed(flattened(html.tostring(tree, encoding="unicode"), MAX_DEPTH))
    return tree


def _parsed(page: str, utf8: bytes | None = None):
    parser = _html_parser() if utf8 is None else _html_parser("utf-8")
    tree = html.document_fromstring(page if utf8 is None else utf8, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # Past 2048 libxml2 drops the rest of the page: the markup's wrappers are flattened first.
        tree = html.document_fromstring(flattened(page, MAX_DEPTH, WRAPPER_TAGS), parser=_html_parser())
    return tree


def _html_parser(encoding: str | None = None) -> etree.HTMLParser:
    """lxml.html's parser, with every element an HtmlElement chosen in C: lxml.html's own lookup
    (special classes for form elements, which nothing here uses) is a Python call per element
    touched, a tenth of a page's reading time. `encoding`: that of the bytes it is given. No
    table of the elements' ids is kept (collect_ids): nothing looks an element up by its id."""
    # libxml2's default depth is 256, its most (huge) 2048
    parser = etree.HTMLParser(huge_tree=True, encoding=encoding, collect_ids=False)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction)
    )
    return parser


def flattened(page: str, max_depth: int, tags: tuple[str, ...] | None = None) -> str:
    """The markup without the start and end tags of the elements (of `tags`, or all) opened at
    depth `max_depth` or more; their text and children stay where they were."""
    pieces, open_tags, depth, last = [], [], 0, 0
    for tag in MARKUP_TAG.finditer(page):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in VOID_TAGS or tag.group(0).endswith("/>"):
            continue
        if not closing:
            kept = depth < max_depth or (tags is not None and name not in tags)
            open_tags.append((name, kept))
            depth += kept
        else:
            match = next((i for i in range(len(open_tags) - 1, -1, -1) if open_tags[i][0] == name), None)
            if match is None:
                continue  # a stray end tag: the parser ignores it
            kept = open_tags[match][1]
            depth -= sum(k for _, k in open_tags[match:])
            del open_tags[match:]
        if not kept:
            pieces.append(page[last : tag.start()])
            last = tag.end()
    pieces.append(page[last:])
    return "".join(pieces)


def _meta(tree) -> dict[str, str]:
    """The META_NAMES the page gives, in that order: the first content of each name, when not blank."""
    first: dict[str, str] = {}
    for element in tree.iter("meta"):
        name, content = element.get("name"), element.get("content")
        if name in META_NAMES and content is not None:
            first.setdefault(name, content.strip())
    return {name: first[name] for name in META_NAMES if first.get(name)}


def _title(tree, meta: dict[str, str]) -> str | None:
    if meta.get("ArticleTitle"):
        return meta["ArticleTitle"]
    for elements in TITLE_ELEMENTS:
        for element in elements(tree):
            text = _clean(element.text_content())
            if text:
                return text
    titles = tree.xpath("//title/text()")
    return TITLE_SUFFIX.sub("", _clean(titles[0])) or None if titles else None


def _body_container(tree):
    for elements in BODY_CONTAINERS:
        texts = [(e, e.text_content()) for e in elements(tree)]  # each container's text made once
        candidates = [(e, text) for e, text in texts if text.strip()]  # not blank: _clean keeps some of it
        if candidates:
            return max(candidates, key=lambda candidate: len(candidate[1]))[0]
    bodies = tree.xpath("//body")
    return bodies[0] if bodies else tree


def _labelled_lines(tree, body) -> dict[str, str]:
    """Short text nodes outside the body (来源：…, 发布时间：…) as `lines` meta, in page order.

    Which of them carry the source and date is decided with the other metadata rules. The
    elements are visited in the order of `tree.iter()` (by lxml's walker, in C), the body's never
    (most of the page)."""
    lines = []
    walker = etree.iterwalk(tree, events=("start",))
    for _event, element in walker:
        if element is body:
            walker.skip_subtree()
            continue
        tag = element.tag  # a new str at each look
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        for fragment in (element.text, element.tail):
            if fragment and not fragment.isspace():  # most are indentation: nothing to clean
                text = _clean(fragment)
                if len(text) <= 80:
                    lines.append(text)
    return {"lines": "\n".join(lines)} if lines else {}


def _blocks(container, deadline: Deadline | None = None) -> list[Block]:
    blocks: list[Block] = []
    pending: list[str] = []  # the texts since the last block boundary, none of them empty
    walked = 0

    def flush():
        if not pending:
            return
        text = "".join(pending)
        if not text.isspace():  # most are the indentation between two elements: nothing to clean
            blocks.append(Block("text", _clean(text)))
        pending.clear()

    def walk(element):
        nonlocal walked
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED:  # a comment's tag is a function
            return
        walked += 1
        if deadline is not None and walked % DEADLINE_STRIDE == 0:
            deadline.check(f"element {walked:,} of the page")
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
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if text := element.text:
            pending.append(text)
        for child in element:
            walk(child)
            if tail := child.tail:
                pending.append(tail)
        if block:
            flush()

    walk(container)
    flush()
    return blocks


def _is_layout_table(table) -> bool:
    if _HAS_NESTED_TABLE(table):
        return True
    # Cleaning never lengthens a text: only a cell longer than the limit as it stands is cleaned.
    return _CELL_COUNT(table) <= 1 or any(len(_clean(cell.text_content())) > LAYOUT_CELL_CHARS for cell in _LONG_CELLS(table))


def _clean(text: str) -> str:
    """Source line breaks inside Chinese prose are layout, not spaces; other runs (&nbsp; too)
    become one space."""
    if "\n" in text:  # a Han gap holds a line break; most texts have none
        text = _HAN_GAP.sub("", text)
    return " ".join(text.split())  # str.split's whitespace is the \s of re


def is_html(text: str) -> bool:
    head = text[:2048].lower()
    return any(marker in head for marker in ("<!doctype html", "<html", "<head", "<body", "<meta"))


