"""Figures stated in the report's prose, under the dotted keys of schema.md.

Each key has phrase patterns, matched within one sentence; a pattern with a gate applies only
to sentences the gate matches (「其他4件」 counts applicants only in the sentence about
applicants). Phrases require the sentence's own wording for the whole (共收到…申请N件, 全区受理…申请N件), so a
part (市级各部门收到申请5912件) never stands in for a total. The first match of a key wins.
"""

from __future__ import annotations

import re

from govcrawl.extract.decoding import nfkc

N = r"(?P<n>\d[\d,]*)"
Q = r"[“”\"']?"  # reports quote outcome names: 其中“予以公开”80件
APPLICATION = r"(?:政府信息公开)?(?:依申请|申请)"
WHOLE = r"(?:共|全[省市区县旗镇乡])"  # the sentence's own word for the whole: 共收到, 全区受理
NEXT_YEAR = r"(?:下一?年度?|\d{4}年度?)"

# (key, pattern, gate)
STAT_PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    ("applications.new_received", rf"{WHOLE}(?:新)?(?:收到|受理|接收|接到){APPLICATION}(?:数量)?(?:共)?{N}件", None),
    ("applications.new_received", rf"{WHOLE}(?:新)?(?:收到|受理|接收|接到){N}件(?:政府信息公开)?申请", None),
    ("applications.new_received", rf"本年新收{APPLICATION}(?:数量)?{N}件", None),
    ("applications.carried_over_in", rf"(?:上年结转|结转上年|上年度结转|\d{{4}}年结转至\d{{4}}年)(?:的)?{APPLICATION}?(?:数量)?{N}件", None),
    ("applications.results_total", rf"答复{APPLICATION}{N}件", None),
    ("applications.results_total", rf"办结(?:申请)?{N}件", r"申请"),
    ("applications.carried_over_out", rf"{N}件(?:申请)?结转{NEXT_YEAR}", None),
    ("applications.carried_over_out", rf"结转{NEXT_YEAR}(?:继续办理)?{N}件", None),
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
    # pre2019 national statistics table indicators (report-format.md §5.3)
    ("active.items", rf"(?:全年|本年度?|共)[^,。;]{{0,8}}?主动公开[^,。;\d]{{0,10}}?信息{N}条", None),
    ("active.items", rf"(?:全年|本年度?)[^,。;]{{0,16}}?共(?:公布|发布|公开)(?:政府)?信息{N}条", None),
    ("active.normative_docs_published", rf"主动公开(?:行政)?规范性文件{N}件", None),
    ("active.normative_docs_issued", rf"制发(?:行政)?规范性文件{N}件", None),
    ("active.channel.gazette", rf"政府公报公开(?:政府)?信息{N}条", None),
    ("active.channel.website", rf"政府网站公开(?:政府)?信息{N}条", None),
    ("active.channel.weibo", rf"政务微博公开(?:政府)?信息{N}条", None),
    ("active.channel.wechat", rf"政务微信公开(?:政府)?信息{N}条", None),
    ("active.channel.other", rf"其他方式公开(?:政府)?信息{N}条", None),
)

_COMPILED = tuple((key, re.compile(pattern), re.compile(gate) if gate else None) for key, pattern, gate in STAT_PATTERNS)
SENTENCE_END = re.compile(r"[。；;！!？?\n]")


def stated_figures(text: str) -> dict[str, int]:
    stats: dict[str, int] = {}
    for sentence in SENTENCE_END.split(nfkc(text)):
        for key, pattern, gate in _COMPILED:
            if key in stats or (gate and not gate.search(sentence)):
                continue
            found = pattern.search(sentence)
            if found:
                stats[key] = int(found.group("n").replace(",", ""))
    return {key: stats[key] for key, _pattern, _gate in _COMPILED if key in stats}
