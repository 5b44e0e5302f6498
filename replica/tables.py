"""The three statistics tables of a gov2019/gov2021 report: their numbers and their HTML.

Numbers are generated so that the identities of report-format.md §4 hold; labels are exactly
those of report-format.md §2–3. One renderer draws every table; `TableStyle` carries the
markup variants real pages show (Word-pasted cells, labels broken by <br>, zero written as
blank, "-", "/" or "—", colspans placed differently in header and data rows, money in 元 or 万元).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

APPLICANT_COLUMNS = (
    "natural_person", "org_commercial", "org_research", "org_public_welfare", "org_legal_service", "org_other",
)
APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, "total")
ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# 三、本年度办理结果: (key, label, sub-rows); a group's data rows are "key.sub_key".
RESULT_GROUPS = {
    "denied": ("（三）不予公开", (
        ("state_secret", "1.属于国家秘密"),
        ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("security_stability", "3.危及“三安全一稳定”"),
        ("third_party_rights", "4.保护第三方合法权益"),
        ("internal_affairs", "5.属于三类内部事务信息"),
        ("process_info", "6.属于四类过程性信息"),
        ("enforcement_file", "7.属于行政执法案卷"),
        ("admin_inquiry", "8.属于行政查询事项"),
    )),
    "unable": ("（四）无法提供", (
        ("not_held", "1.本机关不掌握相关政府信息"),
        ("needs_creation", "2.没有现成信息需要另行制作"),
        ("unclear_after_correction", "3.补正后申请内容仍不明确"),
    )),
    "not_processed": ("（五）不予处理", (
        ("petition_complaint", "1.信访举报投诉类申请"),
        ("duplicate", "2.重复申请"),
        ("publication", "3.要求提供公开出版物"),
        ("excessive", "4.无正当理由大量反复申请"),
        ("confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    )),
    "other_handling": ("（六）其他处理", (
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    )),
}
SINGLE_RESULT_ROWS = {
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "other_handling": "（六）其他处理",  # gov2019: one row; gov2021: the group above
    "results_total": "（七）总计",
}
OUTER_ROWS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over_in": "二、上年结转政府信息公开申请数量",
    "carried_over_out": "四、结转下年度继续办理",
}
REVIEW_GROUPS = ("admin_review", "litigation_direct", "litigation_after_review")
REVIEW_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                   ("pending", "尚未审结"), ("total", "总计"))

# 表二 blocks: (header, column labels and keys, row labels and keys). Single-value gov2021
# columns span the three value columns of the 4-column grid.
ACTIVE_BLOCKS = {
    "gov2019": (
        ("第二十条第（一）项",
         (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"), ("total_published", "对外公开总数量")),
         (("regulations", "规章"), ("normative_docs", "规范性文件"))),
        ("第二十条第（五）项",
         (("prev_year_items", "上一年项目数量"), ("items_change", "本年增/减"), ("decisions", "处理决定数量")),
         (("admin_licensing", "行政许可"), ("other_external_services", "其他对外管理服务事项"))),
        ("第二十条第（六）项",
         (("prev_year_items", "上一年项目数量"), ("items_change", "本年增/减"), ("decisions", "处理决定数量")),
         (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制"))),
        ("第二十条第（八）项",
         (("prev_year_items", "上一年项目数量"), ("items_change", "本年增/减")),
         (("admin_fees", "行政事业性收费"),)),
        ("第二十条第（九）项",
         (("project_count", "采购项目数量"), ("amount_wan_yuan", "采购总金额")),
         (("central_procurement", "政府集中采购"),)),
    ),
    "gov2021": (
        ("第二十条第（一）项",
         (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
         (("regulations", "规章"), ("normative_docs", "行政规范性文件"))),
        ("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("admin_licensing", "行政许可"),)),
        ("第二十条第（六）项", (("decisions", "本年处理决定数量"),),
         (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制"))),
        ("第二十条第（八）项", (("amount_wan_yuan", "本年收费金额（单位：万元）"),), (("admin_fees", "行政事业性收费"),)),
    ),
}
ACTIVE_GRID_VALUES = 3  # value columns of the 表二 grid, beside the 信息内容 column

# How labels look when the editor broke them over lines (report-format.md §6.1).
LABEL_BREAKS = {
    "本年新制作数量": "本年新<br>制作数量",
    "本年新公开数量": "本年新<br>公开数量",
    "对外公开总数量": "对外公开<br>总数量",
    "上一年项目数量": "上一年<br>项目数量",
    "三、本年度办理结果": "三、本年度<br>办理结果",
    "法人或其他组织": "法人或<br>其他组织",
    "社会公益组织": "社会公益<br>组织",
    "法律服务机构": "法律服务<br>机构",
    "（三）不予公开": "（三）<br>不予<br>公开",
}


def result_rows(fmt: str) -> list[str]:
    """The data rows under 三、本年度办理结果, in table order, results_total last."""
    rows = ["granted", "partially_granted"]
    for group in ("denied", "unable", "not_processed"):
        rows += [f"{group}.{key}" for key, _ in RESULT_GROUPS[group][1]]
    if fmt == "gov2021":
        rows += [f"other_handling.{key}" for key, _ in RESULT_GROUPS["other_handling"][1]]
    else:
        rows.append("other_handling")
    return [*rows, "results_total"]


# -- numbers ------------------------------------------------------------------------------

# Share of a column's finished applications per outcome row (the rest is granted).
OUTCOME_SHARES = {
    "partially_granted": 0.08, "denied.state_secret": 0.004, "denied.prohibited_by_law": 0.006,
    "denied.security_stability": 0.003, "denied.third_party_rights": 0.01, "denied.internal_affairs": 0.02,
    "denied.process_info": 0.02, "denied.enforcement_file": 0.004, "denied.admin_inquiry": 0.01,
    "unable.not_held": 0.22, "unable.needs_creation": 0.02, "unable.unclear_after_correction": 0.01,
    "not_processed.petition_complaint": 0.03, "not_processed.duplicate": 0.03,
    "not_processed.publication": 0.004, "not_processed.excessive": 0.01,
    "not_processed.confirm_or_reissue": 0.005, "other_handling": 0.04,
    "other_handling.no_correction": 0.03, "other_handling.fee_unpaid": 0.002, "other_handling.other": 0.02,
}
APPLICANT_SHARES = {"natural_person": 0.86, "org_commercial": 0.1, "org_research": 0.004,
                    "org_public_welfare": 0.006, "org_legal_service": 0.02, "org_other": 0.01}


def _share(rng: random.Random, amount: float) -> int:
    """A count near `amount`; small expectations come out as an occasional 1 or 2."""
    if amount < 1:
        return int(rng.random() < amount * 2) * rng.randint(1, 2)
    return max(0, round(amount * rng.uniform(0.6, 1.4)))


def make_applications(rng: random.Random, fmt: str, finished: int, carried_in: dict[str, int]) -> dict:
    """表三 for `finished` applications in all; `carried_in` is last year's carried_over_out."""
    rows = result_rows(fmt)
    table: dict[str, dict[str, int]] = {row: {} for row in ["new_received", "carried_over_in", *rows, "carried_over_out"]}
    for col in APPLICANT_COLUMNS:
        base = finished * APPLICANT_SHARES[col]
        parts = {row: _share(rng, base * OUTCOME_SHARES[row]) for row in rows[1:-1]}
        parts["granted"] = _share(rng, base * 0.45)
        results = sum(parts.values())
        carried_out = _share(rng, base * 0.03)
        new = results + carried_out - carried_in.get(col, 0)
        if new < 0:  # more carried in than finished: the rest stays open
            carried_out, new = carried_out - new, 0
        for row, value in {**parts, "results_total": results, "new_received": new,
                           "carried_over_in": carried_in.get(col, 0), "carried_over_out": carried_out}.items():
            table[row][col] = value
    for values in table.values():
        values["total"] = sum(values[c] for c in APPLICANT_COLUMNS)
    return table


def make_active_disclosure(rng: random.Random, fmt: str, scale: int, in_force: dict[str, int]) -> dict:
    """表二; `in_force` (gov2021) carries each row's stock of documents from year to year."""
    if fmt == "gov2021":
        table = {}
        for row, issued_range in (("regulations", (0, 12)), ("normative_docs", (5, 60))):
            issued, repealed = rng.randint(*issued_range), rng.randint(0, 8)
            stock = in_force.get(row, rng.randint(40, 300)) + issued - repealed
            in_force[row] = stock
            table[row] = {"issued": issued, "repealed": repealed, "in_force": stock}
        table["admin_licensing"] = {"decisions": rng.randint(0, scale * 40)}
        table["admin_penalty"] = {"decisions": rng.randint(0, scale * 8)}
        table["admin_coercion"] = {"decisions": rng.randint(0, scale)}
        table["admin_fees"] = {"amount_wan_yuan": rng.choice((0, round(rng.uniform(1, 900), 2)))}
        return table
    made = {row: rng.randint(*r) for row, r in (("regulations", (0, 10)), ("normative_docs", (3, 50)))}
    table = {row: {"new_made": n, "new_published": n - rng.randint(0, min(n, 2)),
                   "total_published": n + rng.randint(30, 400)} for row, n in made.items()}
    for row, decisions in (("admin_licensing", scale * 40), ("other_external_services", scale * 10),
                           ("admin_penalty", scale * 8), ("admin_coercion", scale)):
        table[row] = {"prev_year_items": rng.randint(5, 300), "items_change": rng.randint(-12, 12),
                      "decisions": rng.randint(0, decisions)}
    table["admin_fees"] = {"prev_year_items": rng.randint(0, 30), "items_change": rng.randint(-3, 2)}
    yuan = rng.randint(100, 9_000_000)
    table["central_procurement"] = {"project_count": rng.randint(1, 60), "amount_wan_yuan": yuan / 10000}
    return table


def make_review_litigation(rng: random.Random, scale: int) -> dict:
    table = {}
    for group in REVIEW_GROUPS:
        counts = {key: _share(rng, scale * share) for key, share in
                  (("upheld", 0.8), ("corrected", 0.15), ("other", 0.2), ("pending", 0.3))}
        table[group] = {**counts, "total": sum(counts.values())}
    return table


# -- HTML ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableStyle:
    word: bool = False          # cells pasted from Word: <p class=MsoNormal><span>…</span></p>
    label_breaks: bool = False  # labels broken by <br>, 本年新<br>制作数量
    zero: str = "0"             # how a zero count is written: "0", "", "-", "/", "—"
    span_shift: bool = False    # 表二: data rows put colspan=2 on the first value, headers on the last
    money: str = "元"           # 采购总金额 written as 251000元 or 103.3879万元

    @classmethod
    def pick(cls, rng: random.Random) -> TableStyle:
        return cls(word=rng.random() < 0.5, label_breaks=rng.random() < 0.5,
                   zero=rng.choice(("0", "0", "", "-", "/", "—")), span_shift=rng.random() < 0.5,
                   money=rng.choice(("元", "万元")))


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def _cell_html(cell: Cell, style: TableStyle) -> str:
    text = LABEL_BREAKS.get(cell.text, cell.text) if style.label_breaks else cell.text
    spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
    if style.word:
        content = text or "&nbsp;"
        return (f'<td valign="center"{spans}><p class=MsoNormal align=center style="text-align:center">'
                f'<span style="font-family:仿宋_GB2312;font-size:12.0pt">{content}</span></p></td>')
    return f"<td{spans}>{text}</td>"


def render_table(rows: list[list[Cell]], style: TableStyle) -> str:
    body = "\n".join("<tr>" + "".join(_cell_html(c, style) for c in row) + "</tr>" for row in rows)
    attrs = ' border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"' if style.word \
        else ' class="table" border="1" width="100%"'
    return f"<table{attrs}>\n<tbody>\n{body}\n</tbody>\n</table>"


def _value(value: int | float, key: str, style: TableStyle, money: bool = False) -> str:
    """A cell as the page writes it; `money` marks gov2019's 采购总金额, whose label has no unit."""
    if key == "items_change":
        return f"+{value}" if value > 0 else str(value)
    if money and value:
        return f"{value:.4f}万元" if style.money == "万元" else f"{round(value * 10000)}元"
    return str(value) if value else style.zero


def active_disclosure_rows(fmt: str, table: dict, style: TableStyle) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for header, columns, block_rows in ACTIVE_BLOCKS[fmt]:
        rows.append([Cell(header, colspan=1 + ACTIVE_GRID_VALUES)])
        spare = ACTIVE_GRID_VALUES - len(columns) + 1  # the colspan that fills the grid
        header_span_at = len(columns) - 1
        data_span_at = 0 if style.span_shift else header_span_at
        rows.append([Cell("信息内容")] + [Cell(label, colspan=spare if i == header_span_at else 1)
                                          for i, (_, label) in enumerate(columns)])
        for row_key, row_label in block_rows:
            rows.append([Cell(row_label)] + [
                Cell(_value(table[row_key][key], key, style, money=fmt == "gov2019" and key == "amount_wan_yuan"),
                     colspan=spare if i == data_span_at else 1)
                for i, (key, _) in enumerate(columns)])
    return rows


def applications_rows(fmt: str, table: dict, style: TableStyle) -> list[list[Cell]]:
    def values(row: str) -> list[Cell]:
        return [Cell(_value(table[row][col], col, style)) for col in APPLICATION_COLUMNS]

    rows = [
        [Cell(CHECK_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(label) for label in ORG_LABELS],
        [Cell(OUTER_ROWS["new_received"], colspan=3), *values("new_received")],
        [Cell(OUTER_ROWS["carried_over_in"], colspan=3), *values("carried_over_in")],
    ]
    results = result_rows(fmt)
    first_of_results = True
    for row in results:
        group, _, sub = row.partition(".")
        if sub:
            group_label, subrows = RESULT_GROUPS[group]
            keys = [key for key, _ in subrows]
            lead = [Cell(group_label, rowspan=len(subrows))] if keys.index(sub) == 0 else []
            cells = [*lead, Cell(dict(subrows)[sub]), *values(row)]
        else:
            cells = [Cell(SINGLE_RESULT_ROWS[row], colspan=2), *values(row)]
        if first_of_results:
            cells.insert(0, Cell("三、本年度办理结果", rowspan=len(results)))
            first_of_results = False
        rows.append(cells)
    rows.append([Cell(OUTER_ROWS["carried_over_out"], colspan=3), *values("carried_over_out")])
    return rows


def review_litigation_rows(table: dict, style: TableStyle) -> list[list[Cell]]:
    outcome_labels = [label for _, label in REVIEW_OUTCOMES]
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(label, rowspan=2) for label in outcome_labels),
         Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(label) for label in outcome_labels * 2],
        [Cell(_value(table[group][key], key, style)) for group in REVIEW_GROUPS for key, _ in REVIEW_OUTCOMES],
    ]
