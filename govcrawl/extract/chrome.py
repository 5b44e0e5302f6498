"""Page chrome: the portal's header, footer and tool lines that are not part of any report.

Rules are written for the CMS families and the page formats (../shared/spec/portals.md), one
data table of line patterns matched against the NFKC form of a line with its spaces removed,
so that 「简体 繁體|」 and 「简体|繁体」 are one rule.
"""

from __future__ import annotations

import re

from govcrawl.extract.decoding import nfkc

# A line that is nothing but chrome. (family, pattern) — the family says where it was seen.
CHROME_LINES: tuple[tuple[str, str], ...] = (
    ("generic", r"^当前位置"),
    ("generic", r"^(首页>|您的位置|您现在的位置)"),
    ("generic", r"^[|>]+$"),
    ("generic", r"^(【?打印(本页)?】?|【?关闭(窗口)?】?)+$"),
    ("generic", r"^(无障碍|长者模式|老年模式|关怀模式|进入老年模式|退出老年模式|简体|繁[體体]|\|)+$"),
    ("generic", r"^(进入|退出)(老年|长者|关怀)模式"),
    ("generic", r"^个人中心"),
    ("generic", r"^(登录|注册|\|)+$"),
    ("generic", r"^IE版本小于"),
    ("generic", r"(关于我们|使用帮助|网站声明|网站地图|联系我们|网站纠错)\|"),
    ("generic", r"^(主办|承办|协办|主管|技术支持|运维)(单位)?[:：]"),
    ("generic", r"网站标识码"),
    ("generic", r"ICP备"),
    ("generic", r"公网安备"),
    ("generic", r"^版权所有"),
    ("generic", r"扫一扫在手机上查看"),
    ("generic", r"^分享到[:：]?$"),
    ("generic", r"^字号[:：]?(大中小)?$"),
    ("generic", r"^[大中小]{3}$"),
    ("generic", r"^•?字体[:：]?\[.*\]$"),
    ("generic", r"^•?浏览次数"),
    ("generic", r"^附件[:：]?$"),
    ("generic", r"^[-—]+年[-—]+月[-—]+日星期[-—]?$"),
    # The article's source and date line; read as metadata before the chrome goes.
    ("generic", r"^•?(信息)?来源[:：].{0,40}$"),
    ("generic", r"^•?(发布|成文)?(时间|日期)[:：][\d\-/.年月日:]{6,30}$"),
    ("trs_wcm", r"^中央政府门户网站"),
    # Tianjin district sites print a fixed date after the site name; never a publication date.
    ("trs_wcm", r"^\S{2,24}人民政府\d{4}年\d{1,2}月\d{1,2}日星期.$"),
    ("hanweb_jcms", r"^年报解读链接$"),
    ("mirror", r"^(相關詞條|熱門詞條|聯絡我們|相关词条|热门词条|联络我们|联系我们)$"),
)

# Fragments cut out of a line that is otherwise report text.
CHROME_FRAGMENTS: tuple[tuple[str, str], ...] = (
    ("hanweb_jcms", r"\s*(\|\s*){2,}"),  # layout tables flattened to runs of "|"
    ("hanweb_jcms", r"\s+\|\s*$"),
    ("docx_text", r"\[(image|bookmark):[^\]]*\]"),  # placeholders of a Word export
)

# The rules anchored at the line's start are tried there only: one alternation of all rules,
# searched, would try every rule at every character of every paragraph.
_LINE_START = re.compile("|".join(f"(?:{pattern})" for _family, pattern in CHROME_LINES if pattern.startswith("^")))
_LINE_ANYWHERE = re.compile("|".join(f"(?:{pattern})" for _family, pattern in CHROME_LINES if not pattern.startswith("^")))
_FRAGMENT = re.compile("|".join(f"(?:{pattern})" for _family, pattern in CHROME_FRAGMENTS))
# Every fragment holds one of these: a line without them (most) is not searched, which would try
# the fragments at every character of the line.
FRAGMENT_MARKS = ("|", "[")


def without_chrome_fragments(line: str) -> str:
    return _FRAGMENT.sub("", line) if any(mark in line for mark in FRAGMENT_MARKS) else line


def is_chrome_line(line: str) -> bool:
    compact = "".join(nfkc(line).split())  # without whitespace: str.split's is the \s of re
    return bool(_LINE_START.match(compact) or _LINE_ANYWHERE.search(compact))


def clean_lines(lines: list[str]) -> list[str]:
    """The lines that are report text, with chrome fragments cut out and empty lines dropped."""
    kept = []
    for line in lines:
        line = without_chrome_fragments(line).strip()
        if line and not is_chrome_line(line):
            kept.append(line)
    return kept
