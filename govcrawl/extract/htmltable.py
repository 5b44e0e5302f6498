"""The source grid of one HTML `<table>`: its direct rows, each cell's text and spans.

Cell text keeps the visual line structure (a `<br>`, `<p>` or `<div>` boundary becomes "\\n")
because split header words ("结<br>果<br>维<br>持") are joined later by the label matcher, while
whitespace inside a line is collapsed and `&nbsp;` counts as a space.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from govcrawl.extract.document import Cell

# Elements whose boundaries start a new line of text inside a cell.
LINE_BREAKING_TAGS = frozenset({"br", "p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
INVISIBLE_TAGS = frozenset({"script", "style", "template"})
# A junk span such as colspan="9999" must not blow up the grid; no real report table comes close.
MAX_SPAN = 100

_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
CELL_TAGS = ("td", "th")
_HOLDS_INVISIBLE = etree.XPath("boolean(" + " | ".join(f".//{tag}" for tag in sorted(INVISIBLE_TAGS)) + ")")
# The cell's text nodes that hold more than XPath's whitespace (space, tab, CR, LF: a subset of
# Python's, so a node blank here is blank for str.isspace too). Comments' text is no text node.
_FILLED_TEXT_NODES = etree.XPath(".//text()[normalize-space()]", smart_strings=False)
_LEADING_DIGITS = re.compile(r"\s*(\d+)")
_WHITESPACE_RUN = re.compile(r"\s+")


def rows_from_html_table(table: lxml.html.HtmlElement) -> list[list[Cell]]:
    """The table's own rows (thead/tbody/tfoot included, nested tables excluded) as cells."""
    all_shown = not _HOLDS_INVISIBLE(table)  # the parser writes tag names in lower case
    return [
        [
            Cell(cell_text(cell, all_shown), span(cell.get("rowspan")), span(cell.get("colspan")))
            for cell in row
            if cell.tag in CELL_TAGS  # the row's children in C: an XPath per row costs more than its cells
        ]
        for row in _ROWS(table)
    ]


def span(attribute: str | None) -> int:
    """A rowspan/colspan attribute as a count ≥ 1; missing, "0" or junk count as 1."""
    if attribute is None:  # most cells
        return 1
    match = _LEADING_DIGITS.match(attribute)
    if not match:
        return 1
    return min(max(int(match.group(1)), 1), MAX_SPAN)


def cell_text(cell: lxml.html.HtmlElement, all_shown: bool = False) -> str:
    """`all_shown`: the cell holds no script, style or template, so every text node of it is shown."""
    if not len(cell):  # text only: one line, its whitespace runs (str.split's: re's \s) as one space
        return " ".join((cell.text or "").split())
    if all_shown:
        filled = [text for text in _FILLED_TEXT_NODES(cell) if not text.isspace()]
        if len(filled) <= 1:
            # The most common cell (<td><p><span>12</span></p></td>): one text node and whitespace
            # around it, which the lines below would strip or drop, so the text is that node's.
            return " ".join(filled[0].split()) if filled else ""
    pieces = [_flat(cell.text)]
    _collect_children_text(cell, pieces)
    lines = (line.strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _flat(text: str | None) -> str:
    """Source text with every whitespace run (newlines of the HTML source, &nbsp;) as one space."""
    return _WHITESPACE_RUN.sub(" ", text) if text else ""


def _collect_children_text(element: lxml.html.HtmlElement, pieces: list[str]) -> None:
    for child in element:
        tag = child.tag
        # Comments and processing instructions have a non-string tag; only their tail is content.
        if isinstance(tag, str) and (tag := tag.lower()) not in INVISIBLE_TAGS:
            breaks_line = tag in LINE_BREAKING_TAGS
            if breaks_line:
                pieces.append("\n")
            if child.text:
                pieces.append(_flat(child.text))
            _collect_children_text(child, pieces)
            if breaks_line:
                pieces.append("\n")
        if child.tail:
            pieces.append(_flat(child.tail))
