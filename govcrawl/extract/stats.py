"""Figures stated in the report's prose, under the dotted keys of schema.md.

Each key has phrase patterns, matched within one sentence; a pattern with a gate applies only
to sentences the gate matches (「其他4件」 counts applicants only in the sentence about
applicants). Phrases require the sentence's own wording for the whole (共收到…申请N件, 全区受理…申请N件,
2020年收到…申请N件), so a part (市级各部门收到申请5912件) never stands in for a total. The first
match of a key wins. A figure is taken only where the phrase names it: an approximate one
(近100件, 100余件) or the end of a range (3至5件) is not a figure.

Before matching, the prose is put in one form (`prose_form`): NFKC (full-width digits), the
spaces PDF extraction leaves around and inside numbers removed (「申请 1 7 件」), and Chinese
numerals before a count unit written in digits (一百二十三件 → 123件).

A count stated as nothing — 「未收到政府信息公开申请」, 「未发生…行政复议、行政诉讼」 — is 0, but
only where the clause says so of that count.
"""

from __future__ import annotations

import re

from govcrawl.extract.decoding import nfkc

# A figure: digits (in groups of three with commas, or not) not after a digit, a point, a range or an
# approximation. Its first digit comes before the look-behind, which looks at that digit and the
# character before it: a pattern that starts with a figure is then tried only where a digit stands,
# not at every character of the sentence.
N = r"(?P<n>\d(?<![\d.\-~～至约近超逾]\d)(?:\d{0,2}(?:,\d{3})+(?![\d,])|\d*))(?![\d.])"
Q = r"[“”\"']?"  # reports quote outcome names: 其中“予以公开”80件
APPLICATION = r"(?:政府)?(?:信息公开)?(?:依申请|申请)"
WHOLE = r"(?:共|全[省市区县旗镇乡]|本年度?|全年|\d{4}年度?)"  # the sentence's own word for the whole
RECEIVED = r"(?:新)?(?:收到|受理|接收|接到)"
NEXT_YEAR = r"(?:下一?年度?|\d{4}年度?)"
GAP = r"[^,。;\d]{0,24}?"  # words between a verb and its object: 共收到公民、法人和其他组织提出的…申请
CASES = r"(?:件|起|宗)"

# (key, pattern, gate)
STAT_PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    ("applications.new_received", rf"{WHOLE}(?:共)?{RECEIVED}{GAP}{APPLICATION}(?:数量)?(?:共|总计|合计)?(?:为)?{N}件", None),
    ("applications.new_received", rf"{WHOLE}(?:共)?{RECEIVED}{N}件(?:政府信息公开)?申请", None),
    ("applications.new_received", rf"本年新收{APPLICATION}(?:数量)?{N}件", None),
    ("applications.carried_over_in", rf"(?:上一?年度?结转|结转上一?年度?|\d{{4}}年结转至\d{{4}}年)(?:的)?{APPLICATION}?(?:数量)?{N}件", None),
    ("applications.results_total", rf"答复{APPLICATION}{N}件", None),
    ("applications.results_total", rf"办结(?:申请)?{N}件", r"申请"),
    ("applications.carried_over_out", rf"{N}件(?:申请)?结转(?:至)?{NEXT_YEAR}", None),
    ("applications.carried_over_out", rf"结转(?:至)?{NEXT_YEAR}(?:继续)?(?:办理)?{N}件", None),
    ("applications.by_applicant.natural_person", rf"自然人(?:的|申请|提出)?{N}件", r"自然人"),
    ("applications.by_applicant.org_commercial", rf"商业企业(?:的|申请|提出)?{N}件", r"自然人"),
    ("applications.by_applicant.org_research", rf"科研机构(?:的|申请|提出)?{N}件", r"自然人"),
    ("applications.by_applicant.org_public_welfare", rf"社会公益组织(?:的|申请|提出)?{N}件", r"自然人"),
    ("applications.by_applicant.org_legal_service", rf"法律服务机构(?:的|申请|提出)?{N}件", r"自然人"),
    ("applications.by_applicant.org_other", rf"(?<![与及和])其他(?:的|组织)?{N}件", r"自然人"),
    ("applications.granted", rf"{Q}(?:予以公开|完整公开|全部公开|同意公开){Q}(?:的)?{N}件", None),
    ("applications.partially_granted", rf"{Q}部分公开{Q}(?:的)?{N}件", None),
    ("applications.denied", rf"{Q}不予公开{Q}(?:的)?{N}件", None),
    ("applications.unable", rf"{Q}无法提供{Q}(?:的)?{N}件", None),
    ("applications.not_processed", rf"{Q}不予处理{Q}(?:的)?{N}件", None),
    ("applications.other_handling", rf"{Q}其他处理{Q}(?:的)?{N}件", None),
    # 因政府信息公开(被申请)行政复议N件 / 提起行政诉讼N起, in a sentence about disclosure
    ("review.total", rf"行政复议(?:申请|案件)?(?:共)?{N}{CASES}", r"公开"),
    ("litigation.total", rf"行政诉讼(?:案件)?(?:共)?{N}{CASES}", r"公开"),
    # pre2019 national statistics table indicators (report-format.md §5.3)
    ("active.items", rf"(?:全年|本年度?|共|\d{{4}}年度?)[^,。;]{{0,8}}?主动公开[^,。;\d]{{0,10}}?信息(?:共)?{N}条", None),
    ("active.items", rf"^(?:\d{{4}}年度?|全年|本年度?),?[^,。;]{{0,12}}?主动公开[^,。;\d]{{0,10}}?信息(?:共)?{N}条", None),
    ("active.items", rf"(?:全年|本年度?)[^,。;]{{0,16}}?共(?:公布|发布|公开)(?:政府)?信息{N}条", None),
    ("active.normative_docs_published", rf"主动公开(?:行政)?规范性文件{N}件", None),
    ("active.normative_docs_issued", rf"制发(?:行政)?规范性文件{N}件", None),
    ("active.channel.gazette", rf"政府公报公开(?:政府)?信息{N}条", None),
    ("active.channel.website", rf"政府网站公开(?:政府)?信息{N}条", None),
    ("active.channel.weibo", rf"政务微博公开(?:政府)?信息{N}条", None),
    ("active.channel.wechat", rf"政务微信公开(?:政府)?信息{N}条", None),
    ("active.channel.other", rf"其他方式公开(?:政府)?信息{N}条", None),
)
# 未发生 / 没有收到 / a clause starting with 无 (本年度无…): the verb is required after 未, so that
# 「对未予公开的决定不服可申请行政复议」 is no statement of nothing.
NONE_HAPPENED = r"(?:(?:未|没有)(?:发生|出现|收到|接到|受理|产生|有)|(?:^|本年度?|全年)无)"
# (key, pattern) of a clause that states a count as nothing. The clause must not hold a figure.
ZERO_PATTERNS: tuple[tuple[str, str], ...] = (
    ("applications.new_received", r"(?:未|没有)(?:收到|受理|接到|接收)(?:任何)?[^,。;\d复议诉讼]{0,16}?(?:政府)?信息公开申请"),
    ("applications.new_received", r"^(?:本年度?|全年|\d{4}年度?)?无(?:政府)?信息公开申请"),
    ("review.total", rf"{NONE_HAPPENED}[^,。;\d]{{0,20}}?行政复议"),
    ("litigation.total", rf"{NONE_HAPPENED}[^,。;\d]{{0,30}}?行政诉讼"),
)

_COMPILED = tuple((key, re.compile(pattern), re.compile(gate) if gate else None) for key, pattern, gate in STAT_PATTERNS)
_ZERO = tuple((key, re.compile(pattern)) for key, pattern in ZERO_PATTERNS)
_STATED_COUNT = re.compile(r"\d[件条起宗]")
_NEGATION = re.compile(r"[未没无]")
SENTENCE_END = re.compile(r"[。；;！!？?\n]")
CLAUSE_END = re.compile(r"[,，:：]")
KEY_ORDER = tuple(dict.fromkeys(key for key, _, _ in STAT_PATTERNS))

# --- one form of the prose ----------------------------------------------------------------------

CJK = r"\u3400-\u9fff"
COUNT_UNITS = r"件条次篇起宗个"
SPACE = r"[ \u00a0\u3000]"
NUMERALS = "零〇一二两三四五六七八九十百千万"
# Each pattern starts with the character class of its first character and looks behind only after
# it (at what stands before that character): a pattern that starts with a look-behind is tried at
# every character of the text, one that starts with a class only where the class matches.
# A space run between a digit or a Han character and a digit, or between a digit and a Han character:
_SPACE_BY_DIGIT = re.compile(rf"{SPACE}(?:(?<=[\d{CJK}]{SPACE}){SPACE}*(?=\d)|(?<=\d{SPACE}){SPACE}*(?=[{CJK}]))")
# Digits spaced one by one (「1 7 件」), not after a digit or a point:
_SPACED_DIGITS = re.compile(rf"\d(?<![\d.]\d)(?: \d)+(?= ?[{COUNT_UNITS}])")
# Chinese numerals before a count unit, not after another numeral or 第:
_CHINESE_NUMBER = re.compile(rf"([{NUMERALS}](?<![第{NUMERALS}][{NUMERALS}])[{NUMERALS}]*)(?=[{COUNT_UNITS}])")
_COUNT = re.compile(rf"\d\s*[{COUNT_UNITS}]")  # a figure in a clause: no statement of nothing
_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> int | None:
    """一百二十三 → 123, 十二 → 12, 一千零五 → 1005, 三〇五 → 305; None when not a number."""
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGITS:
            if digit is not None and _DIGITS[char] != 0:
                return None  # 二三十: two digits in a row is not a number
            digit = _DIGITS[char] or None
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            section += (digit if digit is not None else 1) * _MULTIPLIERS[char]
            digit = None
    return total + section + (digit or 0)


def prose_form(text: str) -> str:
    text = nfkc(text)
    text = _SPACED_DIGITS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _SPACE_BY_DIGIT.sub("", text)

    def digits(match: re.Match) -> str:
        number = chinese_number(match.group(1))
        return match.group(1) if number is None else str(number)

    return _CHINESE_NUMBER.sub(digits, text)


def stated_figures(text: str) -> dict[str, int]:
    stats: dict[str, int] = {}
    for sentence in SENTENCE_END.split(prose_form(text)):
        sentence = sentence.strip()
        # Every figure pattern ends in a count (N件, N条, N起, N宗): a sentence without one is not tried.
        for key, pattern, gate in _COMPILED if _STATED_COUNT.search(sentence) else ():
            if key in stats or (gate and not gate.search(sentence)):
                continue
            found = pattern.search(sentence)
            if found:
                stats[key] = int(found.group("n").replace(",", ""))
        # Every statement of nothing says 未, 没有 or 无: a sentence without one is not split.
        for clause in CLAUSE_END.split(sentence) if _NEGATION.search(sentence) else ():
            for key, pattern in _ZERO if _NEGATION.search(clause) else ():
                if key not in stats and pattern.search(clause.strip()) and not _COUNT.search(clause):
                    stats[key] = 0
    return {key: stats[key] for key in KEY_ORDER if key in stats}


# A pre-2019 report's figures under the keys of its statistics table (report-format.md §5.3),
# so that prose and table figures of the old reports share keys.
PRE2019_KEYS = {
    "applications.new_received": "apply.received",
    "applications.results_total": "apply.completed",
    "applications.granted": "apply.reply.granted",
    "applications.partially_granted": "apply.reply.partially_granted",
    "applications.denied": "apply.reply.denied",
}


def keys_of_format(stats: dict[str, int], fmt: str) -> dict[str, int]:
    return {PRE2019_KEYS.get(key, key): value for key, value in stats.items()} if fmt == "pre2019" else stats
