"""Bytes → str, trusting the bytes over the page's own claims.

Government portals often declare gb2312 for text that uses GBK/GB18030 characters, or keep a
template's declaration after re-encoding the page. So: a byte-order mark decides; text that is
valid UTF-8 is UTF-8 whatever it declares (valid multi-byte UTF-8 is practically never
accidental); otherwise the declared charset, widened to its superset; detection last.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from govcrawl.extract.errors import ExtractionError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Declared names → the codec that decodes every page written under that name.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "ascii": "cp1252",
}

CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)

# Share of control characters above which decoded "text" is really binary data.
MAX_CONTROL_SHARE = 0.02


def declared_charset(raw: bytes, content_type: str | None = None) -> str | None:
    """The charset the server header or the page's <meta> claims, as a Python codec name."""
    found = CONTENT_TYPE_CHARSET.search(content_type or "")
    name = found.group(1) if found else None
    if name is None:
        meta = META_CHARSET.search(raw[:8192])
        name = meta.group(1).decode("ascii", "ignore") if meta else None
    if not name:
        return None
    name = name.lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def decode(raw: bytes, content_type: str | None = None) -> str:
    return decode_with_utf8(raw, content_type)[0]


def decode_with_utf8(raw: bytes, content_type: str | None = None) -> tuple[str, bytes | None]:
    """The text, and `raw` itself when the text is `raw` read as UTF-8 as it stands (None when
    it was converted): a parser can read those bytes instead of the text."""
    if not raw.strip():
        raise ExtractionError("empty body")
    text, as_utf8 = _decode(raw, content_type)
    if text is None or _control_share(text, raw if as_utf8 else None) > MAX_CONTROL_SHARE:
        raise ExtractionError("undecodable bytes: no text encoding fits")
    return text.lstrip("\ufeff"), raw if as_utf8 else None


def _decode(raw: bytes, content_type: str | None) -> tuple[str | None, bool]:
    """The text, and whether it is `raw` read as UTF-8 as it stands."""
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace"), False
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            # The first bad byte is a character cut in half at the very end: the transfer or the
            # CMS cut the page off. Reading the rest would give a report with tables missing.
            raise ExtractionError(
                f"truncated: the page ends inside a character after {error.start} bytes"
            ) from error
    declared = declared_charset(raw, content_type)
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return raw.decode(declared), False
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(raw).best()
    return (str(best) if best is not None else None), False


# Unicode's control characters (category Cc: U+0000–U+001F and U+007F–U+009F) but the four that
# text uses (tab, line feed, form feed, carriage return). A regular expression over the ranges,
# not unicodedata.category per character: that loop was most of the time of reading a page.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# The same characters' bytes in UTF-8: those below U+0080 are their own byte (no other character's
# bytes go below 0x80), U+0080–U+009F are 0xC2 followed by a continuation byte.
C0_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
C1_LEAD_BYTE = b"\xc2"
# Each of them alone: a page holds few or none of them, and `in` looks for one byte with memchr
# (a few bytes of the page per instruction), so only those there are counted.
C0_CONTROLS = tuple(bytes([byte]) for byte in C0_CONTROL_BYTES)


def _control_share(text: str, utf8: bytes | None = None) -> float:
    """The share of control characters in `text`. Given `utf8`, the bytes `text` was read from as
    UTF-8, they are counted in the bytes where no C1 control can be there: ten times faster than
    the regular expression over the text."""
    if utf8 is not None and C1_LEAD_BYTE not in utf8:
        controls = sum(utf8.count(control) for control in C0_CONTROLS if control in utf8)
    else:
        controls = len(CONTROL_CHARACTERS.findall(text))
    return controls / max(len(text), 1)


# The characters that take Chinese text out of NFKC: the full-width forms of ASCII (，（）：；％,
# full-width digits) and the ideographic space. NFKC makes each of them one ASCII character
# wherever it stands, so replacing them first changes nothing in the result, and the text is then
# most often in form already: unicodedata.normalize returns it after its quick check, instead of
# decomposing and recomposing every character (six times as long on a report's text). Any other
# character out of form is still normalized there.
FULL_WIDTH = "\u3000" + "".join(map(chr, range(0xFF01, 0xFF5F)))
_FULL_WIDTH_FORM = {char: unicodedata.normalize("NFKC", char) for char in FULL_WIDTH}
_FULL_WIDTH_CHAR = re.compile(f"[{re.escape(FULL_WIDTH)}]")


def nfkc(text: str) -> str:
    """The form labels and numbers are matched in: full-width digits, brackets and colons folded."""
    if unicodedata.is_normalized("NFKC", text):  # already in form (the record's text, read again): the quick check alone
        return text
    # Each full-width character the text holds, replaced everywhere at once: a report's text holds
    # a few kinds of them hundreds of times (，：（）), a Python call each in re.sub.
    for char in set(_FULL_WIDTH_CHAR.findall(text)):
        text = text.replace(char, _FULL_WIDTH_FORM[char])
    return unicodedata.normalize("NFKC", text)
