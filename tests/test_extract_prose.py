"""Figures stated in the prose (stats.py): the wordings real reports use, the forms PDF
extraction and typing leave them in, counts stated as nothing, and what is not a figure."""

from __future__ import annotations

import pytest

from govcrawl.extract import extract
from govcrawl.extract.stats import chinese_number, stated_figures


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # spaces PDF extraction leaves around and inside numbers
        ("2019年全年共受理信息公开申请 17 件，均按时答复。", {"applications.new_received": 17}),
        ("全年共受理信息公开申请 1 7 件。", {"applications.new_received": 17}),
        ("结转下年度继续办理72件。", {"applications.carried_over_out": 72}),
        ("结转下一年度继续办理 3 件。", {"applications.carried_over_out": 3}),
        ("共收到公民、法人和其他组织提出的政府信息公开申请81件，其中自然人申请79件。",
         {"applications.new_received": 81, "applications.by_applicant.natural_person": 79}),
        ("2020年收到政府信息公开申请81件。", {"applications.new_received": 81}),
        ("上一年度结转政府信息公开申请5件。", {"applications.carried_over_in": 5}),
        # full-width digits, thousands separators, Chinese numerals
        ("全年共收到政府信息公开申请１２３４件。", {"applications.new_received": 1234}),
        ("全年共收到政府信息公开申请1，234件。", {"applications.new_received": 1234}),
        ("本年度共收到政府信息公开申请一百二十三件。", {"applications.new_received": 123}),
        ("本年度共收到政府信息公开申请十二件，其中予以公开八件。",
         {"applications.new_received": 12, "applications.granted": 8}),
        # review and litigation, counted or stated as nothing
        ("本年度因政府信息公开被申请行政复议2件，提起行政诉讼1起。", {"review.total": 2, "litigation.total": 1}),
        ("本年度未发生因政府信息公开引起的行政复议、行政诉讼。", {"review.total": 0, "litigation.total": 0}),
        ("未发生因政府信息公开引起的行政复议，因政府信息公开被提起行政诉讼1件。",
         {"review.total": 0, "litigation.total": 1}),
        ("本年度未收到政府信息公开申请。", {"applications.new_received": 0}),
        ("本年度无政府信息公开申请。", {"applications.new_received": 0}),
        # items actively disclosed, both eras
        ("2023年，我区在政府网站平台主动公开政府信息1136条。", {"active.items": 1136}),
        ("全年主动公开政府信息2,645条。", {"active.items": 2645}),
    ],
)
def test_figures_as_real_reports_write_them(sentence, expected):
    assert stated_figures(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "全年共收到政府信息公开申请约100件。",  # approximate
        "全年共收到政府信息公开申请100余件。",
        "全年共收到政府信息公开申请近100件。",
        "每件申请办理时限为3至5件工作日。",  # the end of a range
        "市级各部门收到申请5912件。",  # a part, not the whole
        "对未予公开的决定不服可依法申请行政复议或者提起行政诉讼。",  # no statement of nothing
        "全区行政复议案件120件，行政诉讼案件30件。",  # not about disclosure
        "办好一件事。",
    ],
)
def test_what_is_not_a_figure_gives_none(sentence):
    assert stated_figures(sentence) == {}


def test_chinese_numerals():
    assert [chinese_number(t) for t in ("一百二十三", "十二", "一千零五", "三〇五", "两万三千", "十", "〇")] == [
        123, 12, 1005, 305, 23000, 10, 0,
    ]
    assert chinese_number("二三十") is None


PAGE = (
    "<html><body><h1>{title}</h1><p>一、总体情况</p><p>{overview}</p><p>二、主动公开政府信息情况</p><p>略。</p>"
    "<p>三、收到和处理政府信息公开申请情况</p><p>略。</p><p>四、政府信息公开行政复议、行政诉讼情况</p>{table}"
    "<p>五、存在的主要问题及改进情况</p><p>略。</p></body></html>"
)


def test_review_and_litigation_figures_are_checked_against_table_four():
    outcomes = "".join(f"<td>{t}</td>" for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    table = (
        '<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
        f'<tr>{outcomes}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
        f"<tr>{outcomes}{outcomes}{outcomes}</tr>"
        "<tr>" + "".join(f"<td>{v}</td>" for v in (1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1)) + "</tr></table>"
    )
    overview = "本年度因政府信息公开被申请行政复议2件，被提起行政诉讼3件。"
    page = PAGE.format(title="某区人民政府2021年政府信息公开工作年度报告", overview=overview, table=table)
    record = extract(page.encode(), source_file="page.html").record
    checks = {c["rule"]: c for c in record["checks"] if c["rule"].startswith("stats_vs_table")}
    assert checks["stats_vs_table.review.total"] == {"rule": "stats_vs_table.review.total", "status": "pass", "left": 2, "right": 2}
    assert checks["stats_vs_table.litigation.total"] == {"rule": "stats_vs_table.litigation.total", "status": "fail", "left": 3, "right": 2}


def test_a_pre2019_reports_prose_figures_use_the_statistics_table_keys():
    overview = "2016年共收到政府信息公开申请81件，其中同意公开70件，结转下年度继续办理2件。"
    page = PAGE.format(title="某区人民政府2016年政府信息公开工作年度报告", overview=overview, table="")
    record = extract(page.encode(), source_file="page.html").record
    assert record["format"] == "pre2019"
    assert record["stats"] == {"apply.received": 81, "apply.reply.granted": 70, "applications.carried_over_out": 2}
