"""Linearised tables in text (report-format.md §6.14): the seeds that carry them, hand-made edge
cases, and random tables of both formats written in each of the three text shapes inside report
prose, read back exactly through the whole engine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcrawl.extract import extract, extract_file
from govcrawl.evaluate import evaluate
from govcrawl.extract.linear import tables_in_lines
from tests.test_tables import COLUMN_KEYS, GOV2019_ACTIVE, GOV2021_ACTIVE, Spec, count_raw, td

SEEDS = ["002_5b7f9e9403413c40.txt", "004_85e060c1b45bce65.txt"]


# --- the seeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_tables_reproduce_every_gold_item(shared, seed):
    [score] = evaluate(shared / "gold", [shared / "seeds" / seed]).files
    assert score.differences == []
    assert score.scored["cells"] == 198


def test_seed_004_fails_exactly_the_source_errors(shared):
    record = extract_file(shared / "seeds" / SEEDS[1]).record
    failing = {c["rule"] for c in record["checks"] if c["status"] == "fail"}
    assert failing == {"applications_balance.natural_person", "applications_balance.org_commercial"}
    assert record["tables"]["applications"]["new_received"]["natural_person"] == 286  # as printed
    assert record["via"] == "text" and "[bookmark:" not in record["text"]


def test_seed_002_reads_the_odd_cells_as_written(shared):
    record = extract_file(shared / "seeds" / SEEDS[0]).record
    active = record["tables"]["active_disclosure"]
    assert active["admin_licensing"]["items_change"] == -75  # 减75
    assert active["admin_coercion"]["decisions"] == 50  # 「      50」
    assert active["central_procurement"]["amount_wan_yuan"] == 14957.701682
    sections = {s["key"]: s["text"] for s in record["sections"]}
    assert sections["problems_improvements"].startswith("(一)存在的问题")
    assert "行政复议" not in sections["problems_improvements"]


# --- hand-made edge cases ----------------------------------------------------------------------

REVIEW_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
REVIEW_HEADER += ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2


def rhythm(cells: list[str]) -> list[str]:
    lines = []
    for cell in cells:
        lines += cell.split("\n") + [""] if cell else [""]
    return lines


def test_a_row_with_one_blank_line_too_many_is_skipped_not_shifted():
    values = ["1", "", "", "", "1", "2", "", "", "", "2", "3", "", "", "", "3"]
    lines = rhythm(REVIEW_HEADER + values)
    good = tables_in_lines(["四、政府信息公开行政复议、行政诉讼情况", ""] + lines)
    assert [b.kind for b in good] == ["text", "table"]
    assert [c.text for c in good[1].rows[-1]] == values
    shifted = rhythm(REVIEW_HEADER + [""] + values)  # an extra empty cell: 16 values
    assert all(b.kind == "text" for b in tables_in_lines(shifted))


def test_numbers_on_consecutive_lines_are_not_joined():
    lines = rhythm(["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "12\n3"])
    assert all(b.kind == "text" for b in tables_in_lines(lines))


def test_layout_pipes_and_prose_stay_text():
    lines = ["临海市 | ||||||", "行政复议 | 是指……", "一、总体情况", "（一）予以公开的信息很多。"]
    assert [b.kind for b in tables_in_lines(lines)] == ["text"] * 4


# --- random tables in each text shape ----------------------------------------------------------
# The layout below is the national template as report-format.md §2–3 describes it (an HTML grid
# with spans); the renderers linearise it the way §6.14 and the seeds show.

NUMERALS = "一二三四五六七八九十"


def count(signed=False):
    """(raw cell text, number) as the HTML table tests draw them, with the HTML-only 「&nbsp;」
    zero written as the empty cell it is in text."""
    return count_raw(signed).map(lambda drawn: ("", 0) if drawn[0] == "&nbsp;" else drawn)


@st.composite
def money(draw, header_unit: bool):
    amount = Decimal(draw(st.integers(1, 10**9))) / 10000
    forms = ["wan", "yuan"] + (["bare"] if header_unit else [])
    form = draw(st.sampled_from(forms))
    return {"wan": f"{amount}万元", "yuan": f"{amount * 10000}元", "bare": f"{amount}"}[form], float(amount)


def broken(draw, label: str) -> str:
    """A header label as Word and HTML copies break it: 「本年新」 / 「制作数量」."""
    if len(label) > 4 and draw(st.booleans()):
        return f"{label[:3]}\n{label[3:]}"
    return label


# The 表二 labels of both formats, as the HTML table tests write them from the spec.
ACTIVE = {"gov2019": GOV2019_ACTIVE, "gov2021": GOV2021_ACTIVE}
SPLIT_UNIT = "（万元）"


@st.composite
def active_table(draw, fmt):
    """表二: every block 4 grid columns wide, a block header over the width, single columns spanning."""
    rows, expected = [], {}
    for block_header, columns, body in ACTIVE[fmt].values():
        span = 4 - len(columns)
        rows.append([td(block_header, colspan=4)])
        header_unit = fmt == "gov2021" or draw(st.booleans())  # else 采购总金额 with the unit in the cell
        names = [c.removesuffix(SPLIT_UNIT) if not header_unit else c for c in columns]
        rows.append([td("信息内容")] + [td(broken(draw, n), colspan=span if i == 0 else 1) for i, n in enumerate(names)])
        for label, row in body:
            cells = [td(label)]
            for i, column in enumerate(columns):
                key = COLUMN_KEYS[column]
                raw, value = draw(money(header_unit)) if key == "amount_wan_yuan" else draw(count(key == "items_change"))
                expected.setdefault(row, {})[key] = value
                cells.append(td(raw, colspan=span if i == 0 else 1))
            rows.append(cells)
    return rows, expected


APPLICATION_COLUMNS = ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other", "total"]
SUBROWS = {
    "denied": ("不予公开", ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益", "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"],
               ["state_secret", "prohibited_by_law", "security_stability", "third_party_rights", "internal_affairs", "process_info", "enforcement_file", "admin_inquiry"]),
    "unable": ("无法提供", ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"], ["not_held", "needs_creation", "unclear_after_correction"]),
    "not_processed": ("不予处理", ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息"],
                      ["petition_complaint", "duplicate", "publication", "excessive", "confirm_or_reissue"]),
    "other_handling": ("其他处理", ["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"],
                       ["no_correction", "fee_unpaid", "other"]),
}


@st.composite
def applications_table(draw, fmt):
    """表三 (§2.2, §3.3): a 3×3 note cell, vertical 「三、本年度办理结果」 and group cells."""
    rows = [
        [td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), td("申请人情况", colspan=7)],
        [td("自然人", rowspan=2), td("法人或其他组织", colspan=5), td("总计", rowspan=2)],
        [td(t) for t in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
    ]
    results: list[tuple[str, list[Spec]]] = [("granted", [td("（一）予以公开", colspan=2)]),
                                             ("partially_granted", [td("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)])]
    for number, group in enumerate(SUBROWS, start=3):
        title, labels, keys = SUBROWS[group]
        if group == "other_handling" and fmt == "gov2019":
            results.append((group, [td(f"（六）{title}", colspan=2)]))
            continue
        for i, (label, key) in enumerate(zip(labels, keys)):
            head = [td(f"（{NUMERALS[number - 1]}）{title}", rowspan=len(keys))] if i == 0 else []
            results.append((f"{group}.{key}", head + [td(f"{i + 1}.{label}")]))
    results.append(("results_total", [td("（七）总计", colspan=2)]))
    body = [("new_received", [td("一、本年新收政府信息公开申请数量", colspan=3)]),
            ("carried_over_in", [td("二、上年结转政府信息公开申请数量", colspan=3)])]
    body += [(key, ([td("三、本年度办理结果", rowspan=len(results))] if i == 0 else []) + labels) for i, (key, labels) in enumerate(results)]
    body.append(("carried_over_out", [td("四、结转下年度继续办理", colspan=3)]))
    expected = {}
    for key, labels in body:
        drawn = [draw(count()) for _ in APPLICATION_COLUMNS]
        expected[key] = {col: value for col, (_, value) in zip(APPLICATION_COLUMNS, drawn)}
        rows.append(labels + [td(raw) for raw, _ in drawn])
    return rows, expected


@st.composite
def review_table(draw):
    """表四 (§2.3): 行政复议 (5) | 行政诉讼 (10) over 未经复议直接起诉 (5) | 复议后起诉 (5)."""
    outcomes = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"), ("total", "总计")]
    groups = ["admin_review", "litigation_direct", "litigation_after_review"]
    rows = [
        [td("行政复议", colspan=5), td("行政诉讼", colspan=10)],
        [td(broken(draw, label), rowspan=2) for _, label in outcomes] + [td("未经复议直接起诉", colspan=5), td("复议后起诉", colspan=5)],
        [td(label) for _ in range(2) for _, label in outcomes],
    ]
    drawn = [draw(count()) for _ in range(15)]
    rows.append([td(raw) for raw, _ in drawn])
    expected = {g: {o: drawn[5 * i + j][1] for j, (o, _) in enumerate(outcomes)} for i, g in enumerate(groups)}
    return rows, expected


def source_cells(rows: list[list[Spec]]) -> list[list[str]]:
    """Each row's own cells, a spanned cell once (what HTML and the blank-rhythm copy show)."""
    return [[text for text, _, _ in row] for row in rows]


def word_grid(rows: list[list[Spec]]) -> list[list[str]]:
    """Each row as a Word table shows it: a vertically merged cell is empty below its first row,
    a horizontally merged one is one cell."""
    covered: dict[tuple[int, int], int] = {}  # (row, grid column) → colspan of the merged cell above
    grid = []
    for r, row in enumerate(rows):
        out, c, pending = [], 0, list(row)
        while pending or (r, c) in covered:
            if (r, c) in covered:
                out.append("")
                c += covered[r, c]
                continue
            text, rowspan, colspan = pending.pop(0)
            for below in range(1, rowspan):
                covered[r + below, c] = colspan
            out.append(text)
            c += colspan
        grid.append(out)
    return grid


def blank_rhythm(rows: list[list[Spec]]) -> list[str]:
    """One cell per line and a blank line after it; an empty cell is one more blank line."""
    return [line for row in source_cells(rows) for line in rhythm(row)]


def tab_cells(rows: list[list[Spec]]) -> list[str]:
    """A blank line, then one tab-indented line per grid cell of the row (a break inside a cell
    continues on a line without a tab)."""
    return [line for row in word_grid(rows) for line in [""] + ["\t" + cell for cell in row]]


def pipe_rows(rows: list[list[Spec]], outer: bool) -> list[str]:
    """A row per line, cells between pipes; spanned cells once, on their first row."""
    lines = []
    for row in source_cells(rows):
        line = " | ".join(cell.replace("\n", "") for cell in row)
        lines.append(f"| {line} |" if outer else line)
    return lines


def report(fmt: str, tables: list[list[str]], shape: str) -> str:
    year = 2020 if fmt == "gov2019" else 2022
    prose = [
        f"某某区人民政府{year}年政府信息公开工作年度报告",
        "一、总体情况",
        f"{year}年，本区认真贯彻落实《中华人民共和国政府信息公开条例》，全年共收到申请若干件，依法予以答复。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "一是公开内容还不够丰富。二是解读形式较为单一。下一步将加强培训，提升公开质量。",
        "六、其他需要报告的事项",
        "无。",
    ]
    out: list[str] = []
    for index, line in enumerate(prose):
        out.append(line)
        if shape == "blank":
            out.append("")
        if index in (3, 4, 5):
            out += tables[index - 3] + [""] * (shape != "blank")
    return "\n".join(out) + "\n"


def render(shape: str, rows: list[list[Spec]], outer: bool) -> list[str]:
    if shape == "blank":
        return blank_rhythm(rows)
    if shape == "tab":
        return tab_cells(rows)
    return pipe_rows(rows, outer)


@settings(max_examples=40, deadline=None)
@given(
    fmt=st.sampled_from(["gov2019", "gov2021"]),
    shape=st.sampled_from(["blank", "tab", "pipe"]),
    outer=st.booleans(),
    data=st.data(),
)
def test_random_tables_in_each_text_shape_read_back(fmt, shape, outer, data):
    active, active_expected = data.draw(active_table(fmt))
    applications, applications_expected = data.draw(applications_table(fmt))
    review, review_expected = data.draw(review_table())
    text = report(fmt, [render(shape, rows, outer) for rows in (active, applications, review)], shape)
    record = extract(text.encode("utf-8"), media_type="text/plain").record
    assert record["tables"] == {
        "active_disclosure": active_expected,
        "applications": applications_expected,
        "review_litigation": review_expected,
    }
    assert record["format"] == fmt and record["via"] == "text"
    assert [s["key"] for s in record["sections"]] == [
        "overview", "active_disclosure", "applications", "review_litigation", "problems_improvements", "other_matters",
    ]
    sections = {s["key"]: s["text"] for s in record["sections"]}
    assert sections["problems_improvements"].startswith("一是公开内容")
    assert sections["other_matters"] == "无。"
