"""The TRS WCM list rules on their own: folders, the pager script, which columns lead to reports."""

import pytest

from govcrawl.cms.trs_wcm import column_dir, is_report_column, pager_pages

COLUMN = "https://www.tjhd.gov.cn/zwgk/zfxxgk/zfxxgkqjjg/"


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("https://a.gov.cn/x/gknb/", "/x/gknb/"),
        ("https://a.gov.cn/x/gknb/index_2.html", "/x/gknb/"),
        ("https://a.gov.cn/x/gknb", "/x/gknb/"),
        ("https://a.gov.cn", "/"),
    ],
)
def test_column_dir(url, folder):
    assert column_dir(url) == folder


def test_pager_script_announces_the_further_pages_on_the_first_page_only():
    html = '<script>createPageHTML(3, 0, "index", "shtml");</script>'
    assert pager_pages(html, "http://gk.tj.gov.cn/xxgknb_530/index.shtml") == [
        "http://gk.tj.gov.cn/xxgknb_530/index_1.shtml",
        "http://gk.tj.gov.cn/xxgknb_530/index_2.shtml",
    ]
    assert pager_pages(html.replace("3, 0", "3, 1"), "http://gk.tj.gov.cn/xxgknb_530/index_1.shtml") == []
    assert pager_pages("<p>no pager</p>", "http://x.gov.cn/") == []


@pytest.mark.parametrize(
    ("url", "text", "follow"),
    [
        (COLUMN + "qmzj/", "天津市河东区民政局", True),  # a unit below the hub
        (COLUMN + "qmzj/zfxxgknb47/", "政府信息公开年报", True),  # the report column by its text
        (COLUMN + "qmzj/zfxxgknb47/", "更多", True),  # … or by its folder
        (COLUMN + "qmzj/zcwj/", "政策文件", False),  # another column of the unit
        ("https://www.tjhd.gov.cn/zwgk/zfxxgk/", "政府信息公开年度报告专栏", False),  # up the tree
        ("https://www.tjhd.gov.cn/", "天津市河东区人民政府", False),  # home
        ("https://www.tjhd.gov.cn/zwgk/zcjd/", "政策解读", False),
        ("https://fzgg.tj.gov.cn/zwgk_47325/zfxxgk1/zfxxgknb1/", "天津市发展和改革委员会", True),
    ],
)
def test_which_columns_lead_to_reports(url, text, follow):
    assert is_report_column(url, text, COLUMN) is follow


def test_a_shared_column_leads_only_to_the_units_named():
    from govcrawl.definitions import load_definitions
    from govcrawl.cms import list_rules
    from govcrawl.spiders.base import PortalSpider

    rules = list_rules(next(d for d in load_definitions() if d.name == "hexi"))
    shared = "http://gk.tj.gov.cn/xxgknb_530/qxzf/"
    assert PortalSpider.enters(rules, shared + "hxqrmzf/", "天津市河西区人民政府", shared, "河西区")
    assert not PortalSpider.enters(rules, shared + "hbqrmzf/", "天津市河北区人民政府", shared, "河西区")
    assert not PortalSpider.enters(rules, "http://gk.tj.gov.cn/xxgknb_530/", "政府信息公开年度报告专栏", shared, "河西区")
