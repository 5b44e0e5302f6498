"""The link-list CMS family: URL shapes from the definition, pages from the pager's links."""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from govcrawl.definitions import DefinitionError, load_definitions, parse_definition
from govcrawl.cms.link_list import LinkListRules

BINHAI = next(d for d in load_definitions() if d.name == "binhai")


def test_url_shapes_come_from_the_definition():
    rules = LinkListRules(BINHAI)
    assert rules.is_article("http://www.tjbh.gov.cn/kfq/contents/3889/123456.html")
    assert rules.is_article("http://www.tjbh.gov.cn/contents/10456/99.html")
    assert not rules.is_article("http://www.tjbh.gov.cn/kfq/channels/3889.html")
    assert rules.is_list("http://www.tjbh.gov.cn/channels/10456_2.html")
    assert not rules.is_list("http://www.tjbh.gov.cn/xyz/channels/1.html")


def test_further_pages_are_the_pagers_links():
    html = (
        '<div class="pagination"><a>首页</a> <a>上一页</a> <a>1</a> '
        '<a href="/channels/10456_2.html">2</a> <a href="/channels/10456_2.html">下一页</a> '
        '<a href="/channels/10456_2.html">尾页</a> <a href="/channels/10001.html">新闻</a></div>'
    )
    response = HtmlResponse("http://www.tjbh.gov.cn/channels/10456.html", body=html.encode(), encoding="utf-8")
    assert set(LinkListRules(BINHAI).further_pages(response)) == {"http://www.tjbh.gov.cn/channels/10456_2.html"}


def test_columns_are_entered_by_link_text_never_the_page_itself():
    rules = LinkListRules(BINHAI)
    page = "http://www.tjbh.gov.cn/channels/10452.html"
    assert rules.leads_to_reports("http://www.tjbh.gov.cn/channels/10456.html", "政府信息公开年报", page)
    assert rules.leads_to_reports("http://www.tjbh.gov.cn/kfq/channels/3885.html", "天津经济技术开发区管理委员会", page)
    assert not rules.leads_to_reports("http://www.tjbh.gov.cn/channels/10453.html", "政府信息公开指南", page)
    assert not rules.leads_to_reports(page, "政府信息公开年报", page)


@pytest.mark.parametrize(("lists", "says"), [({}, "lists.article.*missing"), ({"article": "(", "list": "x"}, "lists.article.*not a regular")])
def test_bad_url_shapes_fail_naming_the_field(lists, says):
    definition = parse_definition(
        {
            "name": "x", "cms": "link_list", "allowed_domains": ["a.gov.cn"], "start_urls": ["http://a.gov.cn/"],
            "owner": {"name": "甲区人民政府"}, "lists": lists,
        },
        Path("seeds/x.toml"),
    )
    with pytest.raises(DefinitionError, match=says):
        LinkListRules(definition)
