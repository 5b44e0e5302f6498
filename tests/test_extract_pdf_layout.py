"""PDF tables drawn without ruling lines (Word and WPS exports), read from the words' positions:
the three statutory tables laid out as the national format draws them (vertical group cells,
wrapped labels, header cells over several columns), a table running onto the next page, and the
pre-2019 statistics table with a 历年累计 column. Each PDF is built with reportlab (tests/pdfs.py)
and read through the whole engine."""

from __future__ import annotations

import pytest

from govcrawl.extract import extract
from govcrawl.extract.tables.labels import APPLICATION_COLUMNS, REVIEW_GROUPS, REVIEW_OUTCOMES

from .pdfs import PdfCell, PdfTable, report_pdf
from .test_tables import application_row_labels

PROSE = (
    "本年度，我区深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "围绕重点领域信息公开、政策解读和回应关切持续发力，不断提升政务公开质量和实效，"
    "切实保障人民群众的知情权、参与权、表达权和监督权。"
)
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORG_TYPES = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def applications_table(values: dict[str, list[str]], ruled: bool = False) -> PdfTable:
    """表三 (gov2021) as drawn by Word: the note over three label columns and three header
    rows, 「三、本年度办理结果」 in a narrow vertical cell, group cells over their sub-rows."""
    header = [
        [PdfCell(NOTE, colspan=3, rowspan=3), PdfCell("申请人情况", colspan=7)],
        [PdfCell("自然人", rowspan=2), PdfCell("法人或其他组织", colspan=5), PdfCell("总计", rowspan=2)],
        list(ORG_TYPES),
    ]
    labelled = application_row_labels("gov2021")
    results = [key for key, _ in labelled if key not in ("new_received", "carried_over_in", "carried_over_out")]
    rows = []
    seen_groups = set()
    for key, labels in labelled:
        cells = [values[key][i] for i in range(len(APPLICATION_COLUMNS))]
        if key in ("new_received", "carried_over_in", "carried_over_out"):
            rows.append([PdfCell(labels[0], colspan=3)] + cells)
            continue
        row = [PdfCell("三、本年度办理结果", rowspan=len(results))] if key == results[0] else []
        if len(labels) == 1:
            row.append(PdfCell(labels[0], colspan=2))
        else:
            group = key.split(".")[0]
            if group not in seen_groups:
                seen_groups.add(group)
                size = sum(1 for k, _ in labelled if k.startswith(group + "."))
                row.append(PdfCell(labels[0], rowspan=size))
            row.append(PdfCell(labels[1]))
        rows.append(row + cells)
    return PdfTable([22, 58, 150] + [35] * 7, header + rows, header_rows=3, ruled=ruled)


def review_table(values: list[str], ruled: bool = False) -> PdfTable:
    outcomes = [label for _, label in REVIEW_OUTCOMES]
    header = [
        [PdfCell("行政复议", colspan=5), PdfCell("行政诉讼", colspan=10)],
        [PdfCell(label, rowspan=2) for label in outcomes] + [PdfCell(label, colspan=5) for _, label in REVIEW_GROUPS[1:]],
        outcomes * 2,
    ]
    return PdfTable([31.6] * 15, header + [list(values)], ruled=ruled)


def active_table(ruled: bool = False) -> tuple[PdfTable, dict]:
    rows = [
        [PdfCell("第二十条第（一）项", colspan=4)],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "7"],
        ["行政规范性文件", "12", "3", "166"],
        [PdfCell("第二十条第（五）项", colspan=4)],
        ["信息内容", PdfCell("本年处理决定数量", colspan=3)],
        ["行政许可", PdfCell("20119", colspan=3)],
        [PdfCell("第二十条第（六）项", colspan=4)],
        ["信息内容", PdfCell("本年处理决定数量", colspan=3)],
        ["行政处罚", PdfCell("531", colspan=3)],
        ["行政强制", PdfCell("0", colspan=3)],
        [PdfCell("第二十条第（八）项", colspan=4)],
        ["信息内容", PdfCell("本年收费金额（单位：万元）", colspan=3)],
        ["行政事业性收费", PdfCell("103.3879", colspan=3)],
    ]
    expected = {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 7},
        "normative_docs": {"issued": 12, "repealed": 3, "in_force": 166},
        "admin_licensing": {"decisions": 20119},
        "admin_penalty": {"decisions": 531},
        "admin_coercion": {"decisions": 0},
        "admin_fees": {"amount_wan_yuan": 103.3879},
    }
    return PdfTable([160, 105, 105, 105], rows, ruled=ruled), expected


def application_values() -> tuple[dict[str, list[str]], dict[str, dict[str, int]]]:
    """Distinct values in every cell, some left blank (0 in the record)."""
    raws, expected = {}, {}
    for n, (key, _) in enumerate(application_row_labels("gov2021")):
        numbers = [(n * 7 + i) % 23 for i in range(7)]
        raws[key] = ["" if v == 0 else str(v) for v in numbers]
        expected[key] = dict(zip(APPLICATION_COLUMNS, numbers))
    return raws, expected


def report(parts_before_tables: int, ruled: bool) -> tuple[bytes, dict]:
    raws, applications = application_values()
    review = [str(v) for v in (3, 1, 0, 1, 5, 0, 0, 0, 0, 0, 2, 0, 1, 0, 3)]
    active, active_expected = active_table(ruled)
    parts = ["天津市红桥区人民政府2021年政府信息公开工作年度报告", "一、总体情况"] + [PROSE] * parts_before_tables
    parts += ["二、主动公开政府信息情况", active, "三、收到和处理政府信息公开申请情况", applications_table(raws, ruled)]
    parts += ["四、政府信息公开行政复议、行政诉讼情况", review_table(review, ruled)]
    parts += ["五、存在的主要问题及改进情况", PROSE, "六、其他需要报告的事项", "无。"]
    outcomes = [o for o, _ in REVIEW_OUTCOMES]
    expected = {
        "active_disclosure": active_expected,
        "applications": applications,
        "review_litigation": {g: dict(zip(outcomes, map(int, review[i * 5 : i * 5 + 5]))) for i, (g, _) in enumerate(REVIEW_GROUPS)},
    }
    return report_pdf(parts), expected


@pytest.mark.parametrize("ruled", [False, True], ids=["without rulings", "ruled"])
@pytest.mark.parametrize("prose", [1, 12], ids=["one page", "表三 over two pages"])
def test_statutory_tables_are_read_exactly(ruled, prose):
    raw, expected = report(prose, ruled)
    record = extract(raw, source_file="report.pdf").record
    assert record["tables"] == expected
    assert record["format"] == "gov2021" and record["via"] == "pdf"
    assert [s["title"] for s in record["sections"]][:4] == [
        "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
    ]


def test_prose_with_column_gaps_stays_text():
    """Lines of prose, short lines and a list of names with numbers are not a table: no
    statutory or statistics table can be read from them."""
    parts = ["某单位2021年政府信息公开工作年度报告", "一、总体情况", PROSE, PROSE]
    record = extract(report_pdf(parts), source_file="prose.pdf").record
    assert record["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}
    assert PROSE[:30] in record["text"]
