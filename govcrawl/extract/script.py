"""Traditional-script input (mirrors, 繁體 versions) → Simplified, with Taiwan phrase mapping.

A report is Traditional when a clear share of its Han characters exist only in Traditional
form. Conversion uses OpenCC's phrase-aware Taiwan config, so 網際網路 → 互联网 and 檔案 → 文件,
which a character-by-character conversion would get wrong.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

HAN = re.compile(r"[\u4e00-\u9fff]")
# Share of Han characters that must be Traditional-only; Simplified reports quote at most a few.
TRADITIONAL_SHARE = 0.05


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    # The text's distinct characters are looked at first: a Simplified text (most) has no
    # Traditional-only one, and nothing needs counting.
    traditional = [char for char in HAN.findall("".join(set(text))) if _is_traditional_only(char)]
    if not traditional:
        return False
    count = sum(map(text.count, traditional))
    return count / len(HAN.findall(text)) >= TRADITIONAL_SHARE


@cache  # a few thousand Han characters in all: each is converted once per process
def _is_traditional_only(char: str) -> bool:
    return _converter("t2s").convert(char) != char


def to_simplified(text: str) -> str:
    return _converter("tw2sp").convert(text)
