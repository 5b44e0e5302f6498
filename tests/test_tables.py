"""表二/表三/表四 read from HTML grids: real pages against their gold, hand-made layouts, and
random tables of both formats read back exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcrawl.extract.checks import run_checks
from govcrawl.extract.document import Block, Cell
from govcrawl.extract.htmltable import rows_from_html_table
from govcrawl.extract.tables import read_tables
from govcrawl.extract.tables.labels import (
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    APPLICATION_SUBROWS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    article_20_item,
)
from govcrawl.extract.tables.values import parse_value

SHARED = Path("/work/shared")
SAMPLES = ["pingtan-2020", "pingtan-2021"]


def sample_blocks(name: str) -> list[Block]:
    root = lxml.html.fromstring((SHARED / "samples" / f"{name}.html").read_bytes())
    return [Block(kind="table", rows=rows_from_html_table(table)) for table in root.iter("table")]


# --- statutory tables rendered as HTML the way report pages lay them out ----------------------

Spec = tuple[str, int, int]  # text (may hold HTML), rowspan, colspan


def td(text: str, rowspan: int = 1, colspan: int = 1) -> Spec:
    return text, rowspan, colspan


def table_html(rows: list[list[Spec]]) -> str:
    def cell(text, rowspan, colspan):
        spans = (f' rowspan="{rowspan}"' if rowspan != 1 else "") + (f' colspan="{colspan}"' if colspan != 1 else "")
        return f"<td{spans}>{text}</td>"

    body = "".join("<tr>" + "".join(cell(*spec) for spec in row) + "</tr>" for row in rows)
    return f"<table><tbody>{body}</tbody></table>"


def blocks_from_html(page: str) -> list[Block]:
    root = lxml.html.fromstring(f"<html><body>{page}</body></html>")
    return [Block(kind="table", rows=rows_from_html_table(table)) for table in root.iter("table")]


def application_row_labels(fmt: str) -> list[tuple[str, list[str]]]:
    """(row key, label cells before the values) in table order, with the vertical cells of a
    grid layout left to the caller: here every label the row shows when flattened."""
    top = {key: (number, label) for key, _, number, label in APPLICATION_ROWS}
    groups = {key: (number, label) for key, number, label in APPLICATION_GROUPS}
    numerals = "一二三四五六七八九十"
    rows = [
        ("new_received", [f"一、{top['new_received'][1]}"]),
        ("carried_over_in", [f"二、{top['carried_over_in'][1]}"]),
        ("granted", ["（一）予以公开"]),
        ("partially_granted", ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
    ]
    for group, (number, label) in groups.items():
        group_label = f"（{numerals[number - 1]}）{label}"
        if group == "other_handling" and fmt == "gov2019":
            rows.append(("other_handling", [group_label]))
            continue
        rows += [(f"{group}.{key}", [group_label, f"{n}.{text}"]) for key, n, text in APPLICATION_SUBROWS[group]]
    rows += [("results_total", ["（七）总计"]), ("carried_over_out", ["四、结转下年度继续办理"])]
    return rows


REVIEW_HEADER = [
    [td("行政复议", colspan=5), td("行政诉讼", colspan=10)],
    [td(label, rowspan=2) for _, label in REVIEW_OUTCOMES]
    + [td(label, colspan=5) for _, label in REVIEW_GROUPS[1:]],
    [td(label) for _ in REVIEW_GROUPS[1:] for _, label in REVIEW_OUTCOMES],
]


# --- real pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_tables_equal_gold_cell_for_cell(name):
    gold = json.loads((SHARED / "gold" / f"{name}.json").read_text())
    reading = read_tables(sample_blocks(name))
    assert reading.format == gold["format"]
    for table, rows in gold["tables"].items():
        assert reading.tables[table] is not None, table
        for row, cols in rows.items():
            for col, value in cols.items():
                assert reading.tables[table][row][col] == value, (table, row, col)
    assert reading.tables == gold["tables"]  # nothing read beyond the gold either
    assert reading.extra_rows == []


def test_cell_feed_keeps_raw_text_and_labels():
    reading = read_tables(sample_blocks("pingtan-2020"))
    feed = {(c["table"], c["row"], c["col"]): c for c in reading.cells}
    amount = feed["active_disclosure", "central_procurement", "amount_wan_yuan"]
    assert amount["raw"] == "73802895.90元" and amount["value"] == 7380.28959
    assert feed["active_disclosure", "admin_penalty", "items_change"]["value"] == -18
    assert feed["applications", "denied.state_secret", "natural_person"]["label"] == "1.属于国家秘密"
    assert feed["review_litigation", "admin_review", "upheld"]["label"] == "行政复议"
    assert len(reading.cells) == 22 + 23 * 7 + 15


# --- the HTML grid -----------------------------------------------------------------------------


def test_rows_from_html_table_keeps_line_breaks_and_parses_spans():
    table = lxml.html.fromstring(
        "<table><thead><tr><th colspan='0' rowspan='x'><p>结</p><p>果<br>维持</p>&nbsp;</th>"
        "<td colspan=' 3px'>a\n   b<!-- c --> d</td></tr></thead>"
        "<tbody><tr><td rowspan='2'>&nbsp;</td><td><table><tr><td>nested</td></tr></table></td></tr></tbody></table>"
    )
    assert rows_from_html_table(table) == [
        [Cell("结\n果\n维持"), Cell("a b d", colspan=3)],
        [Cell("", rowspan=2), Cell("nested")],
    ]


# Cell markup: text with the whitespace reports use, wrappers, line breaks, comments and scripts.
CELL_TEXT = st.lists(st.sampled_from(["1", "2", "结", "果", " ", "\n", "\t", "&nbsp;", "\u3000"]), max_size=6).map("".join)
CELL_MARKUP = st.recursive(
    CELL_TEXT,
    lambda inner: st.tuples(st.sampled_from(["span", "p", "font", "div", "br", "!--", "script"]), st.lists(inner, max_size=3)).map(
        lambda tag_children: (
            "<br>" if tag_children[0] == "br"
            else f"<!--{''.join(tag_children[1])}-->" if tag_children[0] == "!--"
            else f"<{tag_children[0]}>{''.join(tag_children[1])}</{tag_children[0]}>"
        )
    ),
    max_leaves=8,
)


@settings(max_examples=300)
@given(st.lists(CELL_MARKUP, max_size=4).map("".join))
def test_a_cell_with_one_text_node_reads_as_the_full_walk_reads_it(markup):
    """Most cells hold one text node in wrappers, read without walking the cell; a script with
    text added to the cell makes it a cell of two text nodes, read by the walk, and changes nothing."""
    def cell_text(inner: str) -> str:
        table = lxml.html.fromstring(f"<table><tr><td>{inner}</td></tr></table>")
        return rows_from_html_table(table)[0][0].text

    assert cell_text(markup) == cell_text(markup + "<script>var hidden = 1;</script>")


# --- values and labels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, number, blank",
    [
        ("", 0, True),
        ("\xa0", 0, True),
        ("0", 0, False),
        ("-", 0, False),
        ("--", 0, False),
        ("—", 0, False),
        ("/", 0, False),
        ("无", 0, False),
        ("不适用", 0, False),
        ("+3", 3, False),
        ("-8", -8, False),
        ("--253", -253, False),
        ("增5", 5, False),
        ("减75", -75, False),
        ("−8", -8, False),
        ("7710（次）", 7710, False),
        ("１２３", 123, False),
        ("12,345", 12345, False),
    ],
)
def test_cell_values(raw, number, blank):
    value = parse_value(raw)
    assert (value.number, value.blank) == (number, blank)


@pytest.mark.parametrize("raw", ["规章", "1.属于国家秘密", "12,34", "合计12件以上"])
def test_labels_are_not_values(raw):
    assert parse_value(raw) is None


def test_block_headers_with_spaces_or_a_dropped_第():
    assert article_20_item("二十条第(一)项") == 1
    assert article_20_item("第二十条  第（五）项") == 5
    assert article_20_item("第二十条第（一）项信息内容") is None


# --- hand-made layouts -------------------------------------------------------------------------


NATIONAL_APPLICATIONS_HEADER = [
    [td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), td("申请人情况", colspan=8)],
    [td("自然人", colspan=2), td("法人或其他组织", colspan=5), td("总计", rowspan=2)],
    [td(""), td("商业企业"), td("科研机构"), td("社会公益组织"), td("法律服务机构"), td("其他")],
]


def applications_html(fmt: str, raws: dict[str, list[str]], colspan_at: int | None = None, flatten=False,
                      header: list[list[Spec]] = NATIONAL_APPLICATIONS_HEADER) -> str:  # fmt: skip
    """表三 as pages lay it out: vertical heading and group cells, or (flatten) each group label
    written once on the first row of its group. `colspan_at` puts colspan=2 on that value column
    in the data rows while the header keeps it on 自然人 (pingtan 2021)."""
    labelled = application_row_labels(fmt)
    results = [key for key, _ in labelled if key not in ("new_received", "carried_over_in", "carried_over_out")]
    rows, groups_seen = [], set()
    for key, labels in labelled:
        row = []
        if key == results[0] and not flatten:
            row.append(td("三、本年度办理结果", rowspan=len(results)))
        if len(labels) == 2:
            group = key.split(".")[0]
            if group not in groups_seen:
                groups_seen.add(group)
                size = sum(1 for k in results if k.startswith(f"{group}."))
                row.append(td(labels[0], rowspan=1 if flatten else size))
            row.append(td(labels[1]))
        else:
            row.append(td(labels[0], colspan=3 if key in ("new_received", "carried_over_in", "carried_over_out") else 2))
        row += [td(raw, colspan=2 if i == colspan_at else 1) for i, raw in enumerate(raws[key])]
        rows.append(row)
    return table_html(header + rows)


def review_html(raws: list[str], header=REVIEW_HEADER) -> str:
    return table_html(header + [[td(raw) for raw in raws]])


NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TYPES = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
# 表三 headers of local copies: (header rows, the columns they name)
APPLICATION_VARIANTS = {
    "8 columns, a 小计 under 法人或其他组织": (
        [[td(NOTE, 3, 3), td("申请人情况", colspan=8)],
         [td("自然人", rowspan=2), td("法人或其他组织", colspan=6), td("总计", rowspan=2)],
         [td(t) for t in TYPES + ["小计"]]],
        ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other", None, "total"],
    ),
    "法人或其他组织 as one column": (
        [[td(NOTE, 2, 3), td("申请人情况", colspan=3)], [td("自然人"), td("法人或其他组织"), td("总计")]],
        ["natural_person", "org_total", "total"],
    ),
    "without 其他": (
        [[td(NOTE, 3, 3), td("申请人情况", colspan=6)],
         [td("自然人", rowspan=2), td("法人或其他组织", colspan=4), td("总计", rowspan=2)],
         [td(t) for t in TYPES[:4]]],
        ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "total"],
    ),
    "without 总计": (
        [[td(NOTE, 3, 3), td("申请人情况", colspan=6)],
         [td("自然人", rowspan=2), td("法人或其他组织", colspan=5)],
         [td(t) for t in TYPES]],
        ["natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other"],
    ),
    "one header row, columns in another order": (
        [[td(NOTE), td("总计"), td("自然人")] + [td(t) for t in TYPES]],
        ["total", "natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other"],
    ),
}


@pytest.mark.parametrize("variant", list(APPLICATION_VARIANTS))
@pytest.mark.parametrize("fmt", ["gov2019", "gov2021"])
def test_applications_columns_come_from_the_header_labels(variant, fmt):
    header, columns = APPLICATION_VARIANTS[variant]
    raws, expected = {}, {}
    for n, (key, _) in enumerate(application_row_labels(fmt)):
        values = [(n * 5 + i) % 17 for i in range(len(columns))]
        raws[key] = [str(v) for v in values]
        expected[key] = {col: v for col, v in zip(columns, values) if col is not None}
    reading = read_tables(blocks_from_html(applications_html(fmt, raws, header=header)))
    assert reading.tables["applications"] == expected  # a column the source lacks is absent, not 0
    assert reading.format == fmt


def test_checks_run_over_the_columns_a_copy_has():
    header, columns = APPLICATION_VARIANTS["法人或其他组织 as one column"]
    raws = {}
    for key, _ in application_row_labels("gov2019"):
        raws[key] = ["2", "1", "3"]  # 2 + 1 = 3: every row total holds
    reading = read_tables(blocks_from_html(applications_html("gov2019", raws, header=header)))
    checks = {c["rule"]: c["status"] for c in run_checks(reading, {})}
    assert {rule.split(".")[1] for rule in checks if rule.startswith("applications_balance.")} == set(columns)
    assert all(status == "pass" for rule, status in checks.items() if rule.startswith("applications_row_total."))
    without_total = read_tables(blocks_from_html(applications_html(
        "gov2019", {k: v[:2] for k, v in raws.items()},
        header=[[td(NOTE, 2, 3), td("申请人情况", colspan=2)], [td("自然人"), td("法人或其他组织")]],
    )))
    assert not any(rule.startswith("applications_row_total.") for rule in map(lambda c: c["rule"], run_checks(without_total, {})))


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 0, 1, 2, 3]], ids=["national order", "总计 first"])
def test_review_table_with_the_groups_as_rows(order):
    outcomes = [REVIEW_OUTCOMES[i] for i in order]
    values = {"admin_review": [3, 1, 0, 1, 5], "litigation_direct": [0, 0, 1, 0, 1], "litigation_after_review": [2, 0, 0, 0, 2]}
    rows = [[td("", colspan=2)] + [td(label) for _, label in outcomes]]
    rows.append([td("行政复议", colspan=2)] + [td(str(values["admin_review"][i])) for i in order])
    rows.append([td("行政诉讼", rowspan=2), td("未经复议直接起诉")] + [td(str(values["litigation_direct"][i])) for i in order])
    rows.append([td("复议后起诉")] + [td(str(values["litigation_after_review"][i])) for i in order])
    reading = read_tables(blocks_from_html(table_html(rows)))
    keys = [key for key, _ in REVIEW_OUTCOMES]
    assert reading.tables["review_litigation"] == {group: dict(zip(keys, v)) for group, v in values.items()}


def test_gov2021_other_handling_rows_and_colspan_on_another_column():
    raws = {key: [str(i), "0", "0", "1", "0", "2", str(i + 3)] for i, (key, _) in enumerate(application_row_labels("gov2021"))}
    reading = read_tables(blocks_from_html(applications_html("gov2021", raws, colspan_at=1)))
    table = reading.tables["applications"]
    assert len(table) == 25
    assert table["other_handling.fee_unpaid"]["org_other"] == 2
    assert table["other_handling.other"]["natural_person"] == int(raws["other_handling.other"][0])
    assert reading.format == "gov2021"  # no 表二: the three （六） rows tell


def test_single_other_handling_row_with_a_blank_sub_label_cell_keeps_one_key():
    raws = {key: ["1", "0", "0", "0", "0", "0", "1"] for key, _ in application_row_labels("gov2019")}
    page = applications_html("gov2019", raws).replace("<td colspan=\"2\">（六）其他处理</td>", "<td>（六）其他处理</td><td></td>")
    table = read_tables(blocks_from_html(page)).tables["applications"]
    assert "other_handling" in table and not any(key.startswith("other_handling.") for key in table)
    assert table["other_handling"]["total"] == 1


def test_typo_and_flattened_groups_still_map_to_their_rows():
    raws = {key: [str(n)] * 6 + [str(6 * n)] for n, (key, _) in enumerate(application_row_labels("gov2019"))}
    page = applications_html("gov2019", raws, flatten=True).replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    table = read_tables(blocks_from_html(page)).tables["applications"]
    expected = {key: dict(zip(APPLICATION_COLUMNS, map(int, values))) for key, values in raws.items()}
    assert table == expected


def test_review_header_words_split_over_paragraphs():
    header = [[(f"<p>{'</p><p>'.join(text)}</p>" if len(text) == 4 else text, r, c) for text, r, c in row] for row in REVIEW_HEADER]
    raws = [str(n) for n in range(15)]
    table = read_tables(blocks_from_html(review_html(raws, header))).tables["review_litigation"]
    assert table["litigation_after_review"] == dict(zip((o for o, _ in REVIEW_OUTCOMES), range(10, 15)))


def test_unreadable_review_header_rejects_the_table():
    header = [row[:] for row in REVIEW_HEADER]
    header[2] = header[2][:-1] + [td("合计")]
    assert read_tables(blocks_from_html(review_html(["1"] * 15, header))).tables["review_litigation"] is None


def test_extra_local_row_kept_apart_and_blocks_in_separate_tables():
    block1 = table_html(
        [
            [td("第二十条第（一）项", colspan=4)],
            [td("信息内容"), td("本年新<br>制作数量"), td("本年新公开数量"), td("对外公开总数量")],
            [td("规章（设区的市、自治州人民政府应提供相关数据）"), td("1"), td("2"), td("3")],
            [td("规范性文件"), td("4"), td("5"), td("6")],
            [td("其他主动公开文件"), td("7"), td("8"), td("9")],
        ]
    )
    block9 = table_html(
        [
            [td("二十条第(九)项", colspan=4)],
            [td("信息内容"), td("采购项目数量"), td("采购总金额(万元,保留四位小数)", colspan=2)],
            [td("政府集中采购", colspan=2), td("312"), td("103.3879")],
        ]
    )
    contact = table_html([[td("联系电话"), td("0591-12345678")], [td("邮编"), td("350400")]])
    reading = read_tables(blocks_from_html(contact + block1 + "<p>text</p>" + block9))
    assert reading.tables["active_disclosure"] == {
        "regulations": {"new_made": 1, "new_published": 2, "total_published": 3},
        "normative_docs": {"new_made": 4, "new_published": 5, "total_published": 6},
        "central_procurement": {"project_count": 312, "amount_wan_yuan": 103.3879},
    }
    assert reading.extra_rows == [
        {"table": "active_disclosure", "block": "art20_1", "label": "其他主动公开文件", "raw": ["7", "8", "9"]}
    ]
    assert reading.format == "gov2019"
    assert reading.tables["applications"] is None and reading.tables["review_litigation"] is None


def test_active_disclosure_with_the_contents_as_columns():
    """A transposed 表二: each block's header names the contents, each row a figure; read by the
    same labels to the same keys as the national layout."""
    national = table_html(
        [
            [td("第二十条第（一）项", colspan=4)],
            [td("信息内容"), td("本年制发件数"), td("本年废止件数"), td("现行有效件数")],
            [td("规章"), td("2"), td("0"), td("31")],
            [td("行政规范性文件"), td("5"), td("1"), td("87")],
            [td("第二十条第（五）项", colspan=2)],
            [td("信息内容"), td("本年处理决定数量")],
            [td("行政许可"), td("1296")],
        ]
    )
    transposed = table_html(
        [
            [td("第二十条第（一）项", colspan=3)],
            [td("信息内容"), td("规章"), td("行政规范性文件")],
            [td("本年制发件数"), td("2"), td("5")],
            [td("本年废止件数"), td("0"), td("1")],
            [td("现行有效件数"), td("31"), td("87")],
            [td("第二十条第（五）项", colspan=2)],
            [td("信息内容"), td("行政许可")],
            [td("本年处理决定数量"), td("1296")],
        ]
    )
    expected = {
        "regulations": {"issued": 2, "repealed": 0, "in_force": 31},
        "normative_docs": {"issued": 5, "repealed": 1, "in_force": 87},
        "admin_licensing": {"decisions": 1296},
    }
    for page in (national, transposed):
        reading = read_tables(blocks_from_html(page))
        assert reading.tables["active_disclosure"] == expected
        assert reading.format == "gov2021"
    cells = {(c["row"], c["col"]): (c["raw"], c["label"]) for c in read_tables(blocks_from_html(transposed)).cells}
    assert cells["normative_docs", "in_force"] == ("87", "行政规范性文件")


def test_money_without_any_unit_is_not_guessed():
    page = table_html(
        [
            [td("第二十条第（九）项", colspan=3)],
            [td("信息内容"), td("采购项目数量"), td("采购总金额")],
            [td("政府集中采购"), td("3"), td("395")],
        ]
    )
    reading = read_tables(blocks_from_html(page))
    assert reading.tables["active_disclosure"] == {"central_procurement": {"project_count": 3}}
    assert [c["value"] for c in reading.cells] == [3, None]


def test_no_statutory_table_means_no_format_and_no_tables():
    reading = read_tables(blocks_from_html(table_html([[td("序号"), td("名称")], [td("1"), td("一、总体情况")]])))
    assert reading.format is None
    assert reading.tables == dict.fromkeys(reading.tables)
    assert reading.cells == []


# --- random tables read back exactly -----------------------------------------------------------

ZERO_ENCODINGS = ["", "&nbsp;", "0", "-", "--", "—", "/", "无"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def count_raw(draw, signed=False):
    """(raw HTML text, the number it stands for)."""
    number = draw(st.integers(-999, 99999) if signed else st.integers(0, 99999))
    if number == 0:
        return draw(st.sampled_from(ZERO_ENCODINGS)), 0
    if number < 0:
        form = draw(st.sampled_from(["-{}", "--{}", "减{}", "−{}"]))
        return form.format(-number), number
    form = draw(st.sampled_from(["{}", "{:,}", "{}件", "　{} ", "fullwidth"] + (["+{}", "增{}"] if signed else [])))
    return (str(number).translate(FULLWIDTH) if form == "fullwidth" else form.format(number)), number


@st.composite
def money_raw(draw):
    amount = Decimal(draw(st.integers(1, 10**9))) / 10000
    form = draw(st.sampled_from(["wan", "yuan", "bare"]))
    raw = {"wan": f"{amount}万元", "yuan": f"{amount * 10000}元", "bare": f"{amount}"}[form]
    return raw, float(amount)


GOV2019_ACTIVE = {
    "art20_1": ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], [("规章", "regulations"), ("规范性文件", "normative_docs")]),
    "art20_5": ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政许可", "admin_licensing"), ("其他对外管理服务事项", "other_external_services")]),
    "art20_6": ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政处罚", "admin_penalty"), ("行政强制", "admin_coercion")]),
    "art20_8": ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "admin_fees")]),
    "art20_9": ("第二十条第（九）项", ["采购项目数量", "采购总金额（万元）"], [("政府集中采购", "central_procurement")]),
}
GOV2021_ACTIVE = {
    "art20_1": ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "regulations"), ("行政规范性文件", "normative_docs")]),
    "art20_5": ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "admin_licensing")]),
    "art20_6": ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "admin_penalty"), ("行政强制", "admin_coercion")]),
    "art20_8": ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "admin_fees")]),
}
COLUMN_KEYS = {
    "本年新制作数量": "new_made", "本年新公开数量": "new_published", "对外公开总数量": "total_published",
    "上一年项目数量": "prev_year_items", "本年增/减": "items_change", "处理决定数量": "decisions",
    "采购项目数量": "project_count", "采购总金额（万元）": "amount_wan_yuan", "本年制发件数": "issued",
    "本年废止件数": "repealed", "现行有效件数": "in_force", "本年处理决定数量": "decisions",
    "本年收费金额（单位：万元）": "amount_wan_yuan",
}


@st.composite
def active_disclosure_case(draw, fmt):
    """(HTML rows, expected table): each block 4 grid columns wide, single-value columns spanning
    the rest, and colspans put on a random value cell independently in header and data rows."""
    rows, expected = [], {}
    for header, columns, body in (GOV2019_ACTIVE if fmt == "gov2019" else GOV2021_ACTIVE).values():
        rows.append([td(header, colspan=4)])
        header_span = draw(st.integers(0, len(columns) - 1))
        rows.append([td("信息内容")] + [td(c, colspan=1 + (4 - 1 - len(columns)) * (i == header_span)) for i, c in enumerate(columns)])
        for label, key in body:
            data_span = draw(st.integers(0, len(columns) - 1))
            cells = [td(label)]
            for i, column in enumerate(columns):
                col = COLUMN_KEYS[column]
                if col == "amount_wan_yuan":
                    raw, value = draw(money_raw())
                else:
                    raw, value = draw(count_raw(signed=col == "items_change"))
                expected.setdefault(key, {})[col] = value
                cells.append(td(raw, colspan=1 + (4 - 1 - len(columns)) * (i == data_span)))
            rows.append(cells)
    return rows, expected


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["gov2019", "gov2021"]).flatmap(lambda fmt: st.tuples(st.just(fmt), active_disclosure_case(fmt))))
def test_random_active_disclosure_reads_back(case):
    fmt, (rows, expected) = case
    reading = read_tables(blocks_from_html(table_html(rows)))
    assert reading.tables["active_disclosure"] == expected
    assert reading.format == fmt


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["gov2019", "gov2021"]),
    colspan_at=st.one_of(st.none(), st.integers(0, 6)),
    flatten=st.booleans(),
    data=st.data(),
)
def test_random_applications_and_review_read_back(fmt, colspan_at, flatten, data):
    raws, expected = {}, {}
    for key, _ in application_row_labels(fmt):
        drawn = [data.draw(count_raw()) for _ in APPLICATION_COLUMNS]
        raws[key] = [raw for raw, _ in drawn]
        expected[key] = {col: value for col, (_, value) in zip(APPLICATION_COLUMNS, drawn)}
    review = [data.draw(count_raw()) for _ in range(15)]
    page = applications_html(fmt, raws, colspan_at, flatten) + review_html([raw for raw, _ in review])
    reading = read_tables(blocks_from_html(page))
    assert reading.tables["applications"] == expected
    outcomes = [o for o, _ in REVIEW_OUTCOMES]
    assert reading.tables["review_litigation"] == {
        group: dict(zip(outcomes, (value for _, value in review[i * 5 : i * 5 + 5])))
        for i, (group, _) in enumerate(REVIEW_GROUPS)
    }
    assert reading.format == fmt
