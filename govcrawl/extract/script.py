"""Traditional-script input (mirrors, 繁體 versions) → Simplified, with Taiwan phrase mapping.

A report is Traditional when a clear share of its Han characters exist only in Traditional
form. Conversion uses OpenCC's phrase-aware Taiwan config, so 網際網路 → 互联网 and 檔案 → 文件,
which a character-by-character conversion would get wrong.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

# The CJK Unified Ideographs: the Han characters counted.
FIRST_HAN, LAST_HAN = 0x4E00, 0x9FFF
HAN = re.compile(f"[{chr(FIRST_HAN)}-{chr(LAST_HAN)}]")
# Share of Han characters that must be Traditional-only; Simplified reports quote at most a few.
TRADITIONAL_SHARE = 0.05


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    traditional = len(_traditional_only().findall(text))
    return traditional > 0 and traditional / len(HAN.findall(text)) >= TRADITIONAL_SHARE


@cache
def _traditional_only() -> re.Pattern:
    """The Han characters that OpenCC's t2s changes, as one character class, made once per
    process (15 ms): a text is searched for them in C, without a Python string per character."""
    chars = [chr(code) for code in range(FIRST_HAN, LAST_HAN + 1)]
    # The whole range in one conversion, a character a line: no phrase spans a line break.
    simplified = _converter("t2s").convert("\n".join(chars)).split("\n")
    return re.compile("[" + "".join(char for char, converted in zip(chars, simplified) if converted != char) + "]")


def to_simplified(text: str) -> str:
    return _converter("tw2sp").convert(text)
