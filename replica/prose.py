"""Report bodies: invented text in the structure real reports use, with the rendered tables.

Every figure the prose states is taken from the tables it sits beside (or, for pre2019
reports, returned as the report's stats), so the text never contradicts the numbers.
"""

from __future__ import annotations

import random

from replica import tables as t
from replica.pages import paragraphs

SECTION_TITLES = (
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
)
OVERVIEW_TOPICS = (
    ("（一）主动公开", "围绕重点领域信息公开，通过门户网站、政务新媒体、政府公报等渠道主动公开政府信息{items}条，"
                    "发布政策解读{readings}篇，及时回应社会关切。"),
    ("（二）依申请公开", "全年共收到政府信息公开申请{new_received}件，上年结转{carried_over_in}件，"
                      "办结{results_total}件，结转下年度继续办理{carried_over_out}件。"),
    ("（三）政府信息管理", "严格落实公文公开属性源头认定制度，拟制公文时同步明确公开方式，"
                        "动态更新政府信息公开目录，做好规范性文件清理工作。"),
    ("（四）平台建设", "持续加强政府网站和政务新媒体内容保障，优化政府信息公开专栏栏目设置，"
                    "提升信息发布的准确性和时效性。"),
    ("（五）监督保障", "将政务公开工作纳入年度绩效考评，组织开展业务培训{trainings}次，"
                    "畅通社会评议渠道，自觉接受社会监督。"),
)
STATED_APPLICATION_ROWS = ("new_received", "carried_over_in", "results_total", "carried_over_out")
PROBLEMS = (
    "{short}政府信息公开工作取得了一定成效，但仍存在一些不足：一是政策解读的形式还不够丰富；"
    "二是基层政务公开标准化规范化水平有待提升；三是工作人员业务能力还需进一步加强。",
    "下一步，{short}将围绕上述问题，丰富政策解读形式，更多运用图表图解、视频音频等方式解读政策；"
    "加强对基层政务公开工作的指导；定期组织业务培训，不断提高政府信息公开工作质量。",
)


def heading(text: str, word: bool) -> str:
    if word:
        return f'<p class=MsoNormal style="text-indent:32.0pt"><b><span style="font-family:黑体">{text}</span></b></p>'
    return f'<p style="text-indent:2em;"><strong>{text}</strong></p>'


def gov_report_body(name: str, short: str, year: int, fmt: str, tables: dict, style: t.TableStyle,
                    rng: random.Random) -> tuple[str, dict[str, int]]:
    """The six sections of a gov2019/gov2021 report with 表二, 表三, 表四 as HTML tables, and the
    figures its prose states, under their schema.md stats keys."""
    applications = tables["applications"]
    figures = {row: applications[row]["total"]
               for row in STATED_APPLICATION_ROWS}
    figures |= {"items": rng.randint(800, 30000), "readings": rng.randint(10, 400), "trainings": rng.randint(1, 12)}
    intro = (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室"
             f"有关要求，由{name}编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
             f"政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
             f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    overview = [f"{year}年，{short}深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，"
                "坚持以公开为常态、不公开为例外，不断提升政务公开质量和实效。"]
    for topic, text in OVERVIEW_TOPICS:
        sentence = text.format(**figures)
        overview += [f"{topic}。{sentence}"] if style.word else [topic, sentence]
    fee = rng.choice((0, rng.randint(1, 30) * 10))
    other = ("无。" if fmt == "gov2019" else
             f"{year}年，{short}依据《政府信息公开信息处理费管理办法》收取信息处理费{fee}元。")
    sections = [
        heading(SECTION_TITLES[0], style.word) + "\n" + paragraphs(overview),
        heading(SECTION_TITLES[1], style.word) + "\n" + t.render_table(t.active_disclosure_rows(fmt, tables["active_disclosure"], style), style),
        heading(SECTION_TITLES[2], style.word) + "\n" + t.render_table(t.applications_rows(fmt, applications, style), style),
        heading(SECTION_TITLES[3], style.word) + "\n" + t.render_table(t.review_litigation_rows(tables["review_litigation"], style), style),
        heading(SECTION_TITLES[4], style.word) + "\n" + paragraphs([p.format(short=short) for p in PROBLEMS]),
        heading(SECTION_TITLES[5], style.word) + "\n" + paragraphs([other]),
    ]
    stats = {f"applications.{row}": figures[row] for row in STATED_APPLICATION_ROWS}
    return paragraphs([intro]) + "\n" + "\n".join(sections), stats


def pre2019_figures(rng: random.Random, scale: int) -> dict[str, int]:
    """The figures an old prose report states, consistent with each other."""
    replies = {"granted": rng.randint(5, 60) * scale, "partially_granted": rng.randint(0, 8) * scale,
               "denied": rng.randint(0, 5) * scale, "not_this_agency": rng.randint(0, 20) * scale,
               "not_exist": rng.randint(0, 10) * scale}
    received = sum(replies.values())
    in_person = rng.randint(0, received // 3)
    letter = rng.randint(0, (received - in_person) // 4)
    channels = {"in_person": in_person, "online": received - in_person - letter, "letter": letter}
    return {"items": rng.randint(3000, 12000) * (1 + scale // 30), "normative_docs": rng.randint(10, 120),
            "received": received, **channels, **replies,
            "review": rng.randint(0, 3), "litigation": rng.randint(0, 2)}


def pre2019_body(name: str, short: str, year: int, f: dict[str, int]) -> str:
    """A 2008–2017 report: free prose with the figures inline, headings as in 2012–2017 reports."""
    start = "5月1日" if year == 2008 else "1月1日"  # the regulation came into force on 2008-05-01
    return "\n".join([
        paragraphs([f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{name}{year}年政府信息公开工作年度报告。"
                    f"本报告所列数据统计期限为{year}年{start}至12月31日。"]),
        heading("一、概述", False),
        paragraphs([f"{year}年，{short}认真贯彻落实《条例》，进一步完善政府信息公开工作制度，"
                    "加强政府信息公开平台建设，扎实推进政府信息公开工作。"]),
        heading("二、主动公开政府信息情况", False),
        paragraphs([f"本年度主动公开政府信息{f['items']}条，其中主动公开规范性文件{f['normative_docs']}件。"
                    "主动公开的政府信息主要包括机构职能、政策法规、规划计划、财政预决算、行政审批事项等内容。"]),
        heading("三、依申请公开政府信息情况", False),
        paragraphs([f"全年共受理政府信息公开申请{f['received']}件，其中当面申请{f['in_person']}件、网络申请{f['online']}件、"
                    f"信函申请{f['letter']}件。已全部按期答复，其中同意公开{f['granted']}件，同意部分公开{f['partially_granted']}件，"
                    f"不同意公开{f['denied']}件，不属于本行政机关公开{f['not_this_agency']}件，申请信息不存在{f['not_exist']}件。"]),
        heading("四、政府信息公开的收费及减免情况", False),
        paragraphs(["本年度在办理政府信息公开申请过程中，未收取任何费用。"]),
        heading("五、因政府信息公开申请行政复议、提起行政诉讼的情况", False),
        paragraphs([f"本年度因政府信息公开申请行政复议{f['review']}件，提起行政诉讼{f['litigation']}件。"]),
        heading("六、政府信息公开工作存在的主要问题及改进措施", False),
        paragraphs(["政府信息公开工作还存在公开内容不够全面、更新不够及时等问题。下一步将进一步健全工作机制，"
                    "加强督促检查，不断提高政府信息公开工作水平。"]),
    ])


def pre2019_stats(f: dict[str, int]) -> dict[str, int]:
    """The prose figures under the stats keys of schema.md (report-format.md §5.3)."""
    keys = {"active.items": "items", "active.normative_docs_published": "normative_docs",
            "apply.received": "received", "apply.received.in_person": "in_person",
            "apply.received.online": "online", "apply.received.letter": "letter",
            "apply.reply.granted": "granted", "apply.reply.partially_granted": "partially_granted",
            "apply.reply.denied": "denied", "apply.reply.not_this_agency": "not_this_agency",
            "apply.reply.not_exist": "not_exist", "review.total": "review", "litigation.total": "litigation"}
    return {key: f[name] for key, name in keys.items()}


def interpretation_body(report_title: str, items: int, new_received: int) -> str:
    return paragraphs([
        f"近日，{report_title}正式发布。为便于公众更好地了解年度报告内容，现就有关情况解读如下。",
        "一、年度报告编制的背景。按照《中华人民共和国政府信息公开条例》规定，各级行政机关应当在每年1月31日前公布本行政机关的政府信息公开工作年度报告。",
        f"二、年度报告的主要内容。全年主动公开政府信息{items}条，收到政府信息公开申请{new_received}件，均依法依规作出答复。",
        "三、下一步工作安排。将持续深化政务公开，不断提升政务公开标准化规范化水平。",
    ])


def notice_body(year: int) -> str:
    return paragraphs([
        "各区人民政府，市政府各委、局，各直属单位：",
        f"按照《中华人民共和国政府信息公开条例》规定和国务院办公厅有关要求，现就做好{year}年政府信息公开工作年度报告编制发布工作通知如下：",
        f"一、各区、各部门要严格按照《中华人民共和国政府信息公开工作年度报告格式》编制本单位{year}年政府信息公开工作年度报告，"
        f"于{year + 1}年1月31日前在本单位政府网站政府信息公开专栏发布。",
        "二、年度报告中的数据要真实准确，表格数据之间的勾稽关系要一致，文字表述要简洁清晰。",
        "三、年度报告发布后，请将发布链接报送市政府办公厅政务公开办公室。",
        "天津市人民政府办公厅",
    ])
