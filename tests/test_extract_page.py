"""HTML pages → records: containers, page metadata, chrome, images standing for tables, non-reports."""

from govcrawl.extract import extract
from govcrawl.extract.chrome import clean_lines, is_chrome_line

TITLE = "天津市2020年政府信息公开工作年度报告"
SKELETON = "".join(
    f"<p>{heading}</p><p>{body}</p>"
    for heading, body in [
        ("一、总体情况", "2020年度共收到政府信息公开申请17127件。"),
        ("二、主动公开政府信息情况", '<img src="/images/table2.png" alt="">'),
        ("三、收到和处理政府信息公开申请情况", '<img src="/images/table3.png">'),
        ("四、政府信息公开行政复议、行政诉讼情况", '<img src="/images/table4.png">'),
        ("五、存在的主要问题及改进情况", "一是解读形式单一。"),
        ("六、其他需要报告的事项", "无。"),
    ]
)


def _trs_page(title: str, body: str, extra_head: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2021-03-30 16:52">
<meta name="ContentSource" content="天津市人民政府办公厅">{extra_head}
<title>{title}_政府信息公开年报_天津市人民政府</title></head><body>
<div class="top">中央政府门户网站 ----年--月-日 星期-</div><div>无障碍 长者模式</div>
<div class="article"><h1>{title}</h1><div class="info">来源:天津市人民政府办公厅 发布时间:2021-03-30 16:52</div>
<div class="TRS_Editor">{body}</div></div>
<div class="footer">主办:天津市人民政府办公厅 网站标识码:1200000052 津ICP备05004379号</div></body></html>""".encode()


def test_trs_page_metadata_body_and_chrome():
    record = extract(_trs_page(TITLE, SKELETON), media_type="text/html",
                     url="https://www.tj.gov.cn/zwgk/202103/t20210330_5402052.html", portal="tianjin").record
    assert record["title"] == TITLE
    assert record["unit"] == {"name": "天津市人民政府", "region_code": "120000", "level": "province"}
    assert (record["published"], record["publisher"]) == ("2021-03-30T16:52:00+08:00", "天津市人民政府办公厅")
    assert [s["title"] for s in record["sections"]][:2] == ["总体情况", "主动公开政府信息情况"]
    for chrome in ("中央政府门户网站", "无障碍", "网站标识码", "ICP备"):
        assert chrome not in record["text"]
    assert record["stats"] == {"applications.new_received": 17127}


def test_statutory_sections_holding_images_are_flagged_tables_as_images():
    record = extract(_trs_page(TITLE, SKELETON), media_type="text/html").record
    assert "tables_as_images" in record["flags"]
    assert "tables_missing" not in record["flags"] and "not_a_report" not in record["flags"]
    assert record["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}


def test_id_is_the_url_hash_for_a_page_and_the_bytes_hash_for_a_file():
    raw = _trs_page(TITLE, SKELETON)
    first = extract(raw, url="https://a.gov.cn/t1.html").record
    second = extract(raw + b" ", url="https://a.gov.cn/t1.html").record
    local = extract(raw, source_file="page.html").record
    assert first["id"] == second["id"] != local["id"]
    assert first["sha256"] != second["sha256"]


def test_layout_table_is_unwrapped_into_paragraphs():
    body = f"<table><tr><td><table><tr><td>x</td></tr></table></td></tr><tr><td>{SKELETON}</td></tr></table>"
    record = extract(_trs_page(TITLE, body), media_type="text/html").record
    assert len(record["sections"]) == 6


def test_interpretation_page_is_not_a_report():
    title = "图解：天津市2020年政府信息公开工作年度报告解读"
    record = extract(_trs_page(title, SKELETON), media_type="text/html").record
    assert "not_a_report" in record["flags"]


def test_empty_cms_page_and_notice_are_not_reports():
    empty = extract(_trs_page(TITLE, ""), media_type="text/html").record
    notice = extract(_trs_page("关于开展政务公开培训的通知", "<p>各单位：现将有关事项通知如下。</p>"), media_type="text/html").record
    assert "not_a_report" in empty["flags"] and "not_a_report" in notice["flags"]


def test_unit_hint_is_used_when_the_title_names_no_unit():
    hint = {"name": "天津市河东区人民政府", "region_code": "120102", "level": "district"}
    record = extract(_trs_page("2020年政府信息公开工作年度报告", SKELETON), media_type="text/html", unit=hint).record
    assert record["unit"] == hint


def test_chrome_lines_of_the_cms_families():
    chrome = [
        "中央政府门户网站 ----年--月-日 星期-", "无障碍 长者模式", "简体 繁體|", "个人中心 |",
        "天津市红桥区人民政府 2019年12月3日星期二", "关于我们 |  使用帮助 |  网站声明 |  网站地图",
        "主办:天津市红桥区人民政府办公室", "ICP备案编号:津ICP备10201451号", "津公网安备:12010602120171号",
        "当前位置:首页 > 政务公开 > 信息公开年报", "打印 关闭", "进入老年模式 退出老年模式", "• 浏览次数:",
        "• 字体:[ 大 中 小 ]", "年报解读链接", "相關詞條", "扫一扫在手机上查看当前页面", "附件:", "字号: 大 中 小",
    ]
    assert [line for line in chrome if not is_chrome_line(line)] == []
    assert not is_chrome_line("2020年全年共收到政府信息公开申请300件。")
    assert not is_chrome_line("联系地址：济南市天桥区堤口路53号")


def test_chrome_fragments_are_cut_from_report_lines():
    lines = ["临海市2020年政府信息公开工作年度报告 | ||||||||", "[image: ]二是推进审计信息公开。", "||||", "|"]
    assert clean_lines(lines) == ["临海市2020年政府信息公开工作年度报告", "二是推进审计信息公开。"]
