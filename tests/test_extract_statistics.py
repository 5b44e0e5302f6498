"""The pre-2019 statistics table (《政府信息公开情况统计表》, 国办发〔2014〕32号, report-format.md §5.3)
read into `stats` and `stats_extra`: the national table rendered as a report page's HTML table, as
text in the three linearised shapes, as a PDF with and without ruling lines, as a Word document
and as a workbook,
with and without 序号 and 历年累计 columns; random tables of it read back exactly; the older coded
forms; and tables whose year column cannot be told apart, which are not read."""

from __future__ import annotations

import html
import io
import random
import zipfile

import openpyxl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govcrawl.extract import Attachment, extract

from .pdfs import PdfTable, report_pdf

# The national table (§5.3) as sections of (label, unit, key). A key of None with a unit is a
# row kept under its raw label in stats_extra; without a unit, a heading row without a value.
# Rows whose label only means something under the row above (被依法纠错数, 其中：主要负责同志…)
# stay in their section, after it.
NATIONAL: list[list[tuple[str, str, str | None]]] = [
    [
        ("一、主动公开情况", "", None),
        ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "active.items"),
        ("其中：主动公开规范性文件数", "条", "active.normative_docs_published"),
        ("制发规范性文件总数", "件", "active.normative_docs_issued"),
        ("（二）通过不同渠道和方式公开政府信息的情况", "", None),
        ("1.政府公报公开政府信息数", "条", "active.channel.gazette"),
        ("2.政府网站公开政府信息数", "条", "active.channel.website"),
        ("3.政务微博公开政府信息数", "条", "active.channel.weibo"),
        ("4.政务微信公开政府信息数", "条", "active.channel.wechat"),
        ("5.其他方式公开政府信息数", "条", "active.channel.other"),
    ],
    [
        ("二、回应解读情况", "", None),
        ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "response.hot_topics"),
        ("（二）通过不同方式回应解读的情况", "", None),
        ("1.参加或举办新闻发布会总次数", "次", "response.press_conferences"),
        ("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conferences.principal"),
        ("2.政府网站在线访谈次数", "次", "response.online_interviews"),
        ("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews.principal"),
        ("3.政策解读稿件发布数", "篇", "response.interpretations"),
        ("4.微博微信回应事件数", "次", "response.social_media"),
        ("5.其他方式回应事件数", "次", "response.other"),
    ],
    [
        ("三、依申请公开情况", "", None),
        ("（一）收到申请数", "件", "apply.received"),
        ("1.当面申请数", "件", "apply.received.in_person"),
        ("2.传真申请数", "件", "apply.received.fax"),
        ("3.网络申请数", "件", "apply.received.online"),
        ("4.信函申请数", "件", "apply.received.letter"),
        ("（二）申请办结数", "件", "apply.completed"),
        ("1.按时办结数", "件", "apply.completed.on_time"),
        ("2.延期办结数", "件", "apply.completed.extended"),
        ("（三）申请答复数", "件", None),
        ("1.属于已主动公开范围数", "件", "apply.reply.already_public"),
        ("2.同意公开答复数", "件", "apply.reply.granted"),
        ("3.同意部分公开答复数", "件", "apply.reply.partially_granted"),
        ("4.不同意公开答复数", "件", "apply.reply.denied"),
        ("其中：涉及国家秘密", "件", "apply.reply.denied.state_secret"),
        ("涉及商业秘密", "件", "apply.reply.denied.commercial_secret"),
        ("涉及个人隐私", "件", "apply.reply.denied.privacy"),
        ("危及国家安全、公共安全、经济安全和社会稳定", "件", "apply.reply.denied.security_stability"),
        ("不是《条例》所指政府信息", "件", "apply.reply.denied.not_government_info"),
        ("法律法规规定的其他情形", "件", "apply.reply.denied.other_law"),
        ("5.不属于本行政机关公开数", "件", "apply.reply.not_this_agency"),
        ("6.申请信息不存在数", "件", "apply.reply.not_exist"),
        ("7.告知作出更改补充数", "件", "apply.reply.notify_amend"),
        ("8.告知通过其他途径办理数", "件", "apply.reply.notify_other_channel"),
    ],
    [
        ("四、行政复议数量", "件", "review.total"),
        ("（一）维持具体行政行为数", "件", "review.upheld"),
        ("（二）被依法纠错数", "件", "review.corrected"),
        ("（三）其他情形数", "件", "review.other"),
    ],
    [
        ("五、行政诉讼数量", "件", "litigation.total"),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
        ("（二）被依法纠错数", "件", "litigation.corrected"),
        ("（三）其他情形数", "件", "litigation.other"),
    ],
    [
        ("六、举报投诉数量", "件", "complaints.total"),
        ("（一）维持具体行政行为数", "件", "complaints.upheld"),
        ("（二）被纠错数", "件", "complaints.corrected"),
        ("（三）其他情形数", "件", "complaints.other"),
    ],
    [("七、依申请公开信息收取的费用", "万元", "fees_wan_yuan")],
    [
        ("八、机构建设和保障经费情况", "", None),
        ("（一）政府信息公开工作专门机构数", "个", "org.units"),
        ("（二）设置政府信息公开查阅点数", "个", "org.reading_points"),
        ("（三）从事政府信息公开工作人员数", "人", None),
        ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "org.staff_full_time"),
        ("2.兼职人员数", "人", "org.staff_part_time"),
        ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", "org.budget_wan_yuan"),
    ],
    [
        ("九、政府信息公开会议和培训情况", "", None),
        ("（一）召开政府信息公开工作会议或专题会议数", "次", "training.meetings"),
        ("（二）举办各类培训班数", "次", "training.courses"),
        ("（三）接受培训人员数", "人次", "training.trainees"),
    ],
]
STAFF = "（三）从事政府信息公开工作人员数"
# A row that means its key only under another row (its group): the group's key or label.
PARENTS = {
    key: parent
    for section in NATIONAL
    for _, _, key in section
    if key
    for parent in [
        next((p for p in ("apply.received", "apply.completed", "apply.reply.denied", "response.press_conferences",
                          "response.online_interviews") if key.startswith(p + ".")), None)
        or (key.split(".")[0] + ".total" if key.split(".")[0] in ("review", "litigation", "complaints") and not key.endswith(".total") else None)
        or (STAFF if key.startswith("org.staff_") else None)
    ]
    if parent
}


class StatisticsTable:
    """A statistics table to render: header and rows as cell texts, and what must be read."""

    def __init__(self, sections, values, numbered=True, cumulative=True, year_header="本年度", cumulative_header="历年累计"):
        self.header = (["序号"] if numbered else []) + ["统计指标", "单位", year_header] + ([cumulative_header] if cumulative else [])
        self.rows, self.stats, self.extra = [], {}, {}
        number = 0
        for section in sections:
            for label, unit, key in section:
                number += 1
                if not unit:
                    value_cells = [""] + ([""] if cumulative else [])
                else:
                    value = values[label]
                    raw = f"{value:.2f}" if unit == "万元" else str(value)
                    # the cumulative figure is always larger: taking it for the year's shows
                    cumulative_raw = f"{value * 10 + 7:.2f}" if unit == "万元" else str(value * 10 + 7)
                    value_cells = [raw] + ([cumulative_raw] if cumulative else [])
                    read = round(float(raw), 2) if unit == "万元" else value
                    if key is None:
                        self.extra[label.replace(" ", "")] = read
                    else:
                        self.stats[key] = read
                self.rows.append(([str(number)] if numbered else []) + [label, unit] + value_cells)

    def __repr__(self) -> str:
        return f"StatisticsTable({self.cells()!r})"

    def cells(self) -> list[list[str]]:
        return [self.header] + self.rows


def national(numbered=True, cumulative=True, **headers) -> StatisticsTable:
    rng = random.Random(2016)
    values = {label: rng.randint(0, 900) + (rng.randint(1, 99) / 100 if unit == "万元" else 0)
              for section in NATIONAL for label, unit, _ in section}
    return StatisticsTable(NATIONAL, values, numbered, cumulative, **headers)


TITLE = "天津市河东区2016年政府信息公开工作年度报告"
PROSE = (
    "2016年，河东区深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "推进决策、执行、管理、服务、结果公开，不断加大公开力度、增强公开实效，重点领域信息公开取得了一定成效。"
)
BEFORE = [TITLE, "一、概述", PROSE, "二、主动公开政府信息情况", PROSE, "三、依申请公开政府信息情况", PROSE, "附表：政府信息公开情况统计表"]
AFTER = ["四、存在的主要问题及改进措施", PROSE]
SECTIONS = ["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "存在的主要问题及改进措施"]


def as_html(table: StatisticsTable) -> bytes:
    def row(cells, tag="td"):
        return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"

    body = "".join(f"<p>{html.escape(p)}</p>" for p in BEFORE[1:])
    rows = row(table.header, "th") + "".join(row(r) for r in table.rows)
    after = "".join(f"<p>{html.escape(p)}</p>" for p in AFTER)
    return f"<html><body><h1>{TITLE}</h1>{body}<table>{rows}</table>{after}</body></html>".encode()


def as_text(table: StatisticsTable, shape: str) -> bytes:
    lines = []
    for cells in table.cells():
        if shape == "pipe":
            lines.append("| " + " | ".join(cells) + " |")
        elif shape == "tab":
            lines += ["\t" + cell for cell in cells] + [""]
        else:  # blank rhythm: one cell per line, one blank line more per empty cell
            for cell in cells:
                lines += [cell, ""] if cell else [""]
    text = "\n\n".join(BEFORE) + "\n\n" + "\n".join(lines) + "\n\n" + "\n\n".join(AFTER)
    return text.encode()


COLUMN_WIDTHS = {"序号": 28, "统计指标": 235, "单位": 40}


def as_pdf(table: StatisticsTable, ruled: bool) -> bytes:
    widths = [COLUMN_WIDTHS.get(label, 70) for label in table.header]
    return report_pdf(BEFORE + [PdfTable(widths, table.cells(), header_rows=1, ruled=ruled)] + AFTER)


def as_xlsx(table: StatisticsTable) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append([])
    for cells in table.cells():
        sheet.append([float(c) if _number(c) else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    ),
}


def as_docx(table: StatisticsTable) -> bytes:
    """A Word document as Word writes one: paragraphs, then the table (w:tbl) and more paragraphs."""
    def paragraph(text):
        return f"<w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p>"

    def row(cells):
        return "<w:tr>" + "".join(f"<w:tc>{paragraph(c)}</w:tc>" for c in cells) + "</w:tr>"

    body = "".join(paragraph(p) for p in BEFORE) + "<w:tbl>" + "".join(row(r) for r in table.cells()) + "</w:tbl>"
    body += "".join(paragraph(p) for p in AFTER)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{body}</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in {**DOCX_PARTS, "word/document.xml": document}.items():
            package.writestr(name, content)
    return buffer.getvalue()


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


SHAPES = {
    "html": (as_html, "page.html"),
    "rhythm": (lambda t: as_text(t, "rhythm"), "page.txt"),
    "pipe": (lambda t: as_text(t, "pipe"), "page.txt"),
    "tab": (lambda t: as_text(t, "tab"), "page.txt"),
    "pdf": (lambda t: as_pdf(t, ruled=True), "report.pdf"),
    "pdf without rulings": (lambda t: as_pdf(t, ruled=False), "report.pdf"),
    "docx": (as_docx, "report.docx"),
}


def read(table: StatisticsTable, shape: str) -> dict:
    render, name = SHAPES[shape]
    return extract(render(table), source_file=name).record


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("numbered,cumulative", [(True, True), (False, True), (True, False)])
def test_the_national_table_is_read_exactly_in_every_shape(shape, numbered, cumulative):
    table = national(numbered, cumulative)
    record = read(table, shape)
    assert record["stats"] == table.stats
    assert record["stats_extra"] == table.extra == {"（三）申请答复数": table.extra["（三）申请答复数"],
                                                     "（三）从事政府信息公开工作人员数": table.extra["（三）从事政府信息公开工作人员数"]}
    assert record["format"] == "pre2019" and record["year"] == 2016
    if shape not in ("pdf", "pdf without rulings"):
        assert [s["title"] for s in record["sections"]] == SECTIONS  # its numbered rows are no headings


def test_the_table_in_a_workbook_attachment_is_read():
    table = national()
    record = extract(as_xlsx(table), source_file="统计表.xlsx").record
    assert record["stats"] == table.stats and record["via"] == "xlsx"


def test_the_table_in_an_attachment_of_the_report_page_is_read():
    """The report page's prose, its statistics table in a linked workbook."""
    table = national()
    page = as_html(StatisticsTable([], {}))  # the page without the table's rows
    attachment = Attachment(url="http://gk.tj.gov.cn/att/tjb.xlsx", name="政府信息公开情况统计表.xlsx", body=as_xlsx(table))
    record = extract(page, source_file="page.html", attachments=[attachment]).record
    assert record["stats"] == table.stats and record["stats_extra"] == table.extra
    assert record["title"] == TITLE and [s["title"] for s in record["sections"]] == SECTIONS


def test_the_year_column_is_found_by_its_header_whatever_it_is_called():
    for year_header, cumulative_header in [("2016年度", "累计"), ("本年", "历年累计数"), ("数量", "截至2016年底累计")]:
        table = national(year_header=year_header, cumulative_header=cumulative_header)
        assert read(table, "html")["stats"] == table.stats


def test_two_value_columns_that_no_header_tells_apart_are_not_read():
    table = national(year_header="2015年", cumulative_header="2016年")
    record = read(table, "html")
    assert record["stats"] == {} and record["stats_extra"] == {}


def test_prose_and_table_figures_are_compared():
    table = national()
    page = as_html(table).replace(
        "<p>二、主动公开政府信息情况</p>".encode(),
        f"<p>二、主动公开政府信息情况</p><p>全年共主动公开政府信息{table.stats['active.items'] + 1}条。</p>".encode(),
    )
    record = extract(page, source_file="page.html").record
    assert record["stats"]["active.items"] == table.stats["active.items"]  # the table's figure
    [check] = [c for c in record["checks"] if c["rule"] == "stats_vs_table.active.items"]
    assert check == {"rule": "stats_vs_table.active.items", "status": "fail",
                     "left": table.stats["active.items"] + 1, "right": table.stats["active.items"]}


def test_an_older_coded_form_is_read_with_its_codes_skipped():
    """A 2008–2013 provincial form: 指标名称 | 代码 | 计量单位 | 本年 | 上年, coded rows."""
    rows = [
        ("主动公开信息数", "01", "条", "356", "301"),
        ("其中：全文电子化", "02", "条", "356", "301"),
        ("申请总数", "03", "件", "12", "9"),
        ("其中：当面申请", "04", "件", "5", "4"),
        ("网上申请", "05", "件", "7", "5"),
        ("同意公开", "06", "件", "10", "8"),
        ("行政复议数", "07", "件", "1", "0"),
        ("行政诉讼数", "08", "件", "0", "0"),
        ("行政申诉数", "09", "件", "0", "1"),
    ]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    page = (f"<html><body><h1>某县2009年政府信息公开工作年度报告</h1><p>一、概述</p><p>{PROSE}</p>"
            f"<table><tr><td>指标名称</td><td>代码</td><td>计量单位</td><td>本年</td><td>上年</td></tr>{cells}</table>"
            "</body></html>").encode()
    record = extract(page, source_file="page.html").record
    assert record["stats"] == {
        "active.items": 356, "apply.received": 12, "apply.received.in_person": 5, "apply.received.online": 7,
        "apply.reply.granted": 10, "review.total": 1, "litigation.total": 0,
    }
    assert record["stats_extra"] == {"其中：全文电子化": 356, "行政申诉数": 0}


# --- random tables ------------------------------------------------------------------------------


@st.composite
def random_table(draw):
    """Sections of the national table in random order, each with a random subset of its rows
    (a row under a group keeps its group row above it, a heading a row under it), random values, optional 序号 and
    历年累计 columns, and a random name for the year's column."""
    order = draw(st.permutations(range(len(NATIONAL))))
    sections = []
    for index in order:
        kept: list[tuple[str, str, str | None]] = []
        for i, row in enumerate(NATIONAL[index]):
            parent = PARENTS.get(row[2] or row[0])
            if (i == 0 or draw(st.booleans())) and (parent is None or parent in {r[2] or r[0] for r in kept}):
                kept.append(row)
        if kept[-1][1]:  # a heading (一、主动公开情况) is kept with a row under it
            sections.append(kept)
    values = {}
    for section in sections:
        for label, unit, _ in section:
            if unit == "万元":
                values[label] = draw(st.integers(0, 99999)) / 100
            elif unit:
                values[label] = draw(st.integers(0, 99999))
    return StatisticsTable(
        sections, values,
        numbered=draw(st.booleans()), cumulative=draw(st.booleans()),
        year_header=draw(st.sampled_from(["本年度", "2016年度", "本年", "本年数"])),
    )


def _read_rows_are_the_kept_rows(table: StatisticsTable, record: dict) -> None:
    assert record["stats"] == table.stats
    assert record["stats_extra"] == table.extra


@settings(max_examples=40, deadline=None)
@given(table=random_table(), shape=st.sampled_from(["html", "rhythm", "pipe", "tab"]))
def test_random_tables_read_back_in_html_and_text(table, shape):
    assume(len(table.stats) >= 3)  # fewer keyed rows are not taken for a statistics table
    _read_rows_are_the_kept_rows(table, read(table, shape))


@settings(max_examples=5, deadline=None)
@given(table=random_table(), ruled=st.booleans())
def test_random_tables_read_back_from_pdf(table, ruled):
    assume(len(table.stats) >= 3)
    _read_rows_are_the_kept_rows(table, read(table, "pdf" if ruled else "pdf without rulings"))
