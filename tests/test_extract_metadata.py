"""Metadata rules: publication dates, statistics year and period, units, section headings."""

import pytest

from govcrawl.extract import extract
from govcrawl.extract.metadata import published_from, statistics_period, title_year, unit_from
from govcrawl.extract.sections import find_sections


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2021-03-30 16:52", "2021-03-30T16:52:00+08:00"),
        ("2018年03月29日", "2018-03-29"),
        ("发布时间：2022-02-08 16:34:05", "2022-02-08T16:34:05+08:00"),
        ("２０２１年２月１０日", "2021-02-10"),
        ("", None),
        ("----年--月-日", None),
    ],
)
def test_published(written, iso):
    assert published_from(written) == iso


@pytest.mark.parametrize(
    ("sentence", "years", "consistent"),
    [
        ("本年度报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。", (2020, 2020), True),
        ("本报告中所列数据的统计期限为2020年1月1日至2019年12月31日。", (2020, 2019), False),
        ("本年度报告中所列数据统计期限从202011日起至20201231日止。", (2020, 2020), True),
    ],
)
def test_statistics_period(sentence, years, consistent):
    period = statistics_period(sentence)
    assert (period.start_year, period.end_year) == years and period.consistent is consistent


def test_title_year():
    assert title_year("平潭综合实验区2020年度政府信息公开工作年度报告") == 2020
    assert title_year("政府信息公开工作年度报告") is None


@pytest.mark.parametrize(
    ("title", "name", "code", "level"),
    [
        ("天津市2020年政府信息公开工作年度报告", "天津市人民政府", "120000", "province"),
        ("天津市红桥区人民政府2020年政府信息公开年度报告", "天津市红桥区人民政府", "120106", "district"),
        ("天桥区人民政府2020年政府信息公开工作年度报告", "济南市天桥区人民政府", "370105", "district"),
        ("临海市2020年政府信息公开工作年度报告", "临海市人民政府", "331082", "county"),
        ("洪泽区政府2023年政府信息公开工作年度报告", "淮安市洪泽区人民政府", "320813", "district"),
        ("平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区管委会", "350128", "county"),
        ("天津市教育委员会2020年政府信息公开工作年度报告", "天津市教育委员会", "120000", "department"),
        ("天津市北辰区人民政府集贤里街道办事处2023年政府信息公开工作年度报告", "天津市北辰区人民政府集贤里街道办事处", "120113", "township"),
        ("天津市武清区崔黄口镇人民政府2022年政府信息公开工作年度报告", "天津市武清区崔黄口镇人民政府", "120114", "township"),
    ],
)
def test_unit_from_title(title, name, code, level):
    unit = unit_from(title, None)
    assert (unit.name, unit.region_code, unit.level) == (name, code, level)


def test_a_district_name_shared_by_provinces_needs_the_hint():
    assert unit_from("河东区2020年政府信息公开工作年度报告", None).region_code is None
    assert unit_from("河东区2020年政府信息公开工作年度报告", {"region_code": "120102"}).name == "天津市河东区人民政府"


def test_table_rows_numbered_like_headings_are_not_sections():
    text = "\n".join([
        "一、总体情况", "正文。", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量", "三、本年度办理结果", "四、结转下年度继续办理",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无。",
    ])
    sections = find_sections(text)
    assert [s.title for s in sections][3] == "政府信息公开行政复议、行政诉讼情况"
    assert len(sections) == 6


def test_inline_headings_of_a_flattened_page():
    text = "导言。 一、总体情况 2020年临海市坚持… 二、主动公开政府信息情况\n五、存在的主要问题及改进情况 存在问题:一是…"
    titles = [s.title for s in find_sections(text)]
    assert titles == ["总体情况", "主动公开政府信息情况"]


def test_the_names_own_place_beats_the_portal_owners_code():
    # A district report found on the municipal portal: the hint carries the owner's code.
    unit = unit_from("天津市河西区2017年政府信息公开工作年度报告", {"name": "天津市河西区人民政府", "region_code": "120000"})
    assert (unit.name, unit.region_code) == ("天津市河西区人民政府", "120103")


def test_an_organ_whose_name_holds_no_place_takes_the_crawls_code():
    unit = unit_from("天津经济技术开发区管理委员会2022年政府信息公开工作年度报告", {"name": "开发区", "region_code": "120116"})
    assert (unit.name, unit.region_code, unit.level) == ("天津经济技术开发区管理委员会", "120116", "department")


TIANJIN = {"name": "天津市人民政府", "region_code": "120000", "level": "province"}


@pytest.mark.parametrize(
    ("title", "name", "code", "level"),
    [
        # the year first
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", "310000", "department"),
        ("2020年度天津市红桥区政府信息公开工作年度报告", "天津市红桥区人民政府", "120106", "district"),
        # 关于…的报告
        ("天津市发展和改革委员会关于2020年度政府信息公开工作的报告", "天津市发展和改革委员会", "120000", "department"),
        # a department under its parent's level word: the parent from the portal owner
        ("市发展改革委2020年政府信息公开工作年度报告", "天津市发展改革委", "120000", "department"),
        # the unit's own place decides, not the portal owner's
        ("天津市河东区民政局2020年政府信息公开工作年度报告", "天津市河东区民政局", "120102", "department"),
    ],
)
def test_unit_from_every_title_shape(title, name, code, level):
    unit = unit_from(title, TIANJIN)
    assert (unit.name, unit.region_code, unit.level) == (name, code, level)


def test_a_title_broken_over_two_lines_is_one_title():
    page = (
        "<html><body><p>天津市红桥区人民政府2024年</p><p>政府信息公开年度报告</p><p>一、总体情况</p><p>略。</p>"
        "<p>二、主动公开政府信息情况</p><p>略。</p></body></html>"
    )
    record = extract(page.encode(), source_file="page.html", unit=TIANJIN).record
    assert record["title"] == "天津市红桥区人民政府2024年政府信息公开年度报告"
    assert (record["unit"]["name"], record["unit"]["region_code"], record["year"]) == ("天津市红桥区人民政府", "120106", 2024)


def test_a_body_without_a_title_is_the_unit_and_year_its_first_paragraph_names():
    page = (
        "<html><body><p>2024年，河东区坚持以习近平新时代中国特色社会主义思想为指导，全面推进政务公开。</p>"
        "<p>一、总体情况</p><p>略。</p><p>二、主动公开政府信息情况</p><p>略。</p></body></html>"
    )
    record = extract(page.encode(), source_file="page.html", unit=TIANJIN).record
    assert record["title"] is None
    assert (record["unit"]["name"], record["unit"]["region_code"], record["unit"]["level"]) == ("天津市河东区人民政府", "120102", "district")
    assert record["year"] == 2024 and record["format"] == "gov2021"
