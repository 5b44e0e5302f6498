"""The labels of the statutory tables (report-format.md §2–3) and how source labels are compared.

Labels are data: each entry is (key, canonical label, the format it belongs to or None for
both). A source label is compared on its *key*: NFKC, no whitespace (reports break words over
lines), one bracket style, no quotes or list punctuation, parenthetical instructions dropped
(「规章（设区的市…应提供相关数据）」 is 规章). A leading enumerator (一、 / （一） / 1.) is split off
first so that its number can confirm a match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

GOV2019, GOV2021 = "gov2019", "gov2021"

# --- 表二 active_disclosure -------------------------------------------------------------------

ACTIVE_DISCLOSURE_BLOCKS = {1: "art20_1", 5: "art20_5", 6: "art20_6", 8: "art20_8", 9: "art20_9"}

ACTIVE_DISCLOSURE_ROWS = {
    "art20_1": (
        ("regulations", "规章", None),
        ("normative_docs", "行政规范性文件", GOV2021),
        ("normative_docs", "规范性文件", GOV2019),
    ),
    "art20_5": (
        ("admin_licensing", "行政许可", None),
        ("other_external_services", "其他对外管理服务事项", GOV2019),
    ),
    "art20_6": (
        ("admin_penalty", "行政处罚", None),
        ("admin_coercion", "行政强制", None),
    ),
    "art20_8": (("admin_fees", "行政事业性收费", None),),
    "art20_9": (("central_procurement", "政府集中采购", GOV2019),),
}

# (key, label, format, unit the format itself gives the column). Longer labels first where one
# label is the tail of another (本年处理决定数量 / 处理决定数量).
ACTIVE_DISCLOSURE_COLUMNS = (
    ("new_made", "本年新制作数量", GOV2019, None),
    ("new_published", "本年新公开数量", GOV2019, None),
    ("total_published", "对外公开总数量", GOV2019, None),
    ("issued", "本年制发件数", GOV2021, None),
    ("repealed", "本年废止件数", GOV2021, None),
    ("in_force", "现行有效件数", GOV2021, None),
    ("prev_year_items", "上一年项目数量", GOV2019, None),
    ("items_change", "本年增/减", GOV2019, None),
    ("decisions", "本年处理决定数量", GOV2021, None),
    ("decisions", "处理决定数量", GOV2019, None),
    ("project_count", "采购项目数量", GOV2019, None),
    ("amount_wan_yuan", "采购总金额", GOV2019, None),
    ("amount_wan_yuan", "本年收费金额（单位：万元）", GOV2021, "万元"),
)
ACTIVE_DISCLOSURE_HEADER = "信息内容"
MONEY_COLUMNS = frozenset({"amount_wan_yuan"})

# 第二十条第（N）项, also with 第 dropped (「二十条第(一)项」) or the brackets missing.
_ARTICLE_20_ITEM = re.compile(r"第?二十条第?\(?([一二三四五六七八九十])\)?项")

# --- 表三 applications -----------------------------------------------------------------------

APPLICATION_COLUMNS = (
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_welfare",
    "org_legal_service",
    "org_other",
    "total",
)
APPLICANT_COLUMNS = APPLICATION_COLUMNS[:-1]
# Header labels of 表三's columns. Copies that merge the organisation types write
# 法人或其他组织 as one column: `org_total` (not in the national format, never derived).
APPLICATION_COLUMN_LABELS = (
    ("natural_person", "自然人"),
    ("org_commercial", "商业企业"),
    ("org_research", "科研机构"),
    ("org_public_welfare", "社会公益组织"),
    ("org_legal_service", "法律服务机构"),
    ("org_other", "其他"),
    ("total", "总计"),
)
ORG_GROUP_COLUMN = ("org_total", "法人或其他组织")

# Enumerator styles: 一、 (section), （一） (item), 1. (sub-item).
SECTION, ITEM, SUB = "section", "item", "sub"

# (key, level, number, label) of the rows that carry data without a group.
APPLICATION_ROWS = (
    ("new_received", SECTION, 1, "本年新收政府信息公开申请数量"),
    ("carried_over_in", SECTION, 2, "上年结转政府信息公开申请数量"),
    ("granted", ITEM, 1, "予以公开"),
    ("partially_granted", ITEM, 2, "部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("results_total", ITEM, 7, "总计"),
    ("carried_over_out", SECTION, 4, "结转下年度继续办理"),
)
# The vertical 「三、本年度办理结果」 cell: a heading, no data of its own.
APPLICATION_RESULTS_HEADING = (SECTION, 3, "本年度办理结果")
APPLICATION_GROUPS = (
    ("denied", 3, "不予公开"),
    ("unable", 4, "无法提供"),
    ("not_processed", 5, "不予处理"),
    ("other_handling", 6, "其他处理"),
)
# A group whose label alone makes a data row: （六）其他处理 in gov2019 (and in gov2021 copies
# that kept one row, e.g. hongze 2023).
SINGLE_ROW_GROUPS = frozenset({"other_handling"})
APPLICATION_SUBROWS = {
    "denied": (
        ("state_secret", 1, "属于国家秘密"),
        ("prohibited_by_law", 2, "其他法律行政法规禁止公开"),
        ("security_stability", 3, "危及“三安全一稳定”"),
        ("third_party_rights", 4, "保护第三方合法权益"),
        ("internal_affairs", 5, "属于三类内部事务信息"),
        ("process_info", 6, "属于四类过程性信息"),
        ("enforcement_file", 7, "属于行政执法案卷"),
        ("admin_inquiry", 8, "属于行政查询事项"),
    ),
    "unable": (
        ("not_held", 1, "本机关不掌握相关政府信息"),
        ("needs_creation", 2, "没有现成信息需要另行制作"),
        ("unclear_after_correction", 3, "补正后申请内容仍不明确"),
    ),
    "not_processed": (
        ("petition_complaint", 1, "信访举报投诉类申请"),
        ("duplicate", 2, "重复申请"),
        ("publication", 3, "要求提供公开出版物"),
        ("excessive", 4, "无正当理由大量反复申请"),
        ("confirm_or_reissue", 5, "要求行政机关确认或重新出具已获取信息"),
    ),
    "other_handling": (  # gov2021 only
        ("no_correction", 1, "申请人无正当理由逾期不补正"),
        ("fee_unpaid", 2, "申请人逾期未按收费通知要求缴纳费用"),
        ("other", 3, "其他"),
    ),
}
APPLICATION_NOTE = "本列数据的勾稽关系"
APPLICANT_HEADING = "申请人情况"

# --- 表四 review_litigation ------------------------------------------------------------------

REVIEW_GROUPS = (
    ("admin_review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
REVIEW_OUTCOMES = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
LITIGATION_HEADING = "行政诉讼"

# --- comparing labels ------------------------------------------------------------------------

_CHINESE_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_WHITESPACE = re.compile(r"\s+")
_NOISE = re.compile(r"[\"'“”‘’「」『』/、,.:;·•]")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_UNCLOSED_PARENTHETICAL = re.compile(r"\([^()]*$")  # an instruction cut off by the page
_ENUMERATOR = re.compile(r"(?P<section>[一二三四五六七八九十])[、.]|\((?P<item>[一二三四五六七八九十])\)|(?P<sub>\d{1,2})[.、)](?=\D)")
# Similarity a label with a typo needs when its enumerator already confirms the row
# (「2.其他法律行政止公开」 scores 0.86 against 其他法律行政法规禁止公开), and without one, where
# the runner-up must also trail by a clear margin.
FUZZY_WITH_NUMBER = 0.6
FUZZY_WITHOUT_NUMBER = 0.85
FUZZY_MARGIN = 0.2


@dataclass(frozen=True)
class SourceLabel:
    level: str | None  # SECTION / ITEM / SUB, None without an enumerator
    number: int | None
    key: str  # the comparable text after the enumerator


# The label functions are pure and meet the same texts on every line and every page (each table
# reader compares a line's labels with its own candidates): their results are cached, bounded.
LABEL_CACHE_SIZE = 16384


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def _compact(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).translate(_BRACKETS))


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def normalise(text: str) -> str:
    """NFKC, one bracket style, no whitespace, quotes or list punctuation."""
    return _NOISE.sub("", _compact(text))


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def label_key(text: str) -> str:
    """The comparable form of a label without enumerator: parenthetical instructions dropped."""
    key = normalise(text)
    while _PARENTHETICAL.search(key):
        key = _PARENTHETICAL.sub("", key)
    return _UNCLOSED_PARENTHETICAL.sub("", key)


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def source_label(text: str) -> SourceLabel:
    compact = _compact(text)
    match = _ENUMERATOR.match(compact)
    if not match:
        return SourceLabel(None, None, label_key(compact))
    level = match.lastgroup
    number = int(match[level]) if level == SUB else _CHINESE_DIGITS[match[level]]
    return SourceLabel(level, number, label_key(compact[match.end() :]))


def matches_leading(key: str, canonical: str) -> bool:
    """The source label starts with the canonical text (it may carry extra words after it)."""
    return bool(key) and key.startswith(label_key(canonical))


def best_match(label: SourceLabel, candidates: list[tuple[str, int | None, str]]) -> str | None:
    """The candidate key of (key, number, canonical label) a source label names, or None.

    An exact or leading-text match wins; failing that a typo is tolerated when the enumerator
    number agrees and the text is close, or without a number only when the text is very close and
    no other candidate comes near. Never a guess between two plausible rows.
    """
    if not label.key:
        return None
    exact = {key for key, _, canonical in candidates if label.key == label_key(canonical)}
    leading = {key for key, _, canonical in candidates if matches_leading(label.key, canonical)}
    for found in (exact, leading):
        if found:
            return found.pop() if len(found) == 1 else None
    scored = sorted(
        ((_similarity(label.key, canonical), key, number) for key, number, canonical in candidates), reverse=True
    )
    if label.number is not None:
        numbered = [(score, key) for score, key, number in scored if number == label.number]
        return numbered[0][1] if numbered and numbered[0][0] >= FUZZY_WITH_NUMBER else None
    if not scored or scored[0][0] < FUZZY_WITHOUT_NUMBER:
        return None
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return scored[0][1] if scored[0][0] - runner_up >= FUZZY_MARGIN else None


@lru_cache(maxsize=LABEL_CACHE_SIZE)
def _similarity(key: str, canonical: str) -> float:
    return SequenceMatcher(None, key, label_key(canonical)).ratio()


def article_20_item(text: str) -> int | None:
    """N of a 表二 block header 「第二十条第（N）项」, or None for any other text."""
    match = _ARTICLE_20_ITEM.fullmatch(normalise(text))
    return _CHINESE_DIGITS.get(match.group(1)) if match else None
