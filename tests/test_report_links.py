"""The spider parses a report page for attachment links and table pictures only when its markup
says it may have some (`may_link_files`): on every page of the replica and of ../shared, a page
it does not parse is one where the parse finds nothing."""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from govcrawl.cms.list_rules import attachment_links, may_link_files
from govcrawl.spiders.base import body_images
from replica.server import DEFAULT_SITES

SHARED = Path(__file__).resolve().parents[2] / "shared"
PAGES = sorted(p for root in (DEFAULT_SITES, SHARED) if root.is_dir() for p in root.rglob("*")
               if p.is_file() and p.suffix.lower() in (".html", ".htm", ".shtml"))


def test_a_page_left_unparsed_has_no_attachment_and_no_picture():
    assert len(PAGES) > 100
    unparsed = 0
    for page in PAGES:
        response = HtmlResponse(url=f"http://www.example.gov.cn/zwgk/{page.name}", body=page.read_bytes())
        title = response.css("title::text").get()
        if not may_link_files(response.text):
            unparsed += 1
            assert attachment_links(response, title) == {} and body_images(response) == [], page
    assert unparsed > 0


@pytest.mark.parametrize("html, maybe", [
    ("<p>本年度共收到申请12件。</p>", False),
    ('<a href="/gknb/index.html">返回</a><a href="javascript:void(0)">打印</a><a href="#top">顶部</a><a href=/ >首页</a>', False),
    ('<a name="top"></a><a\nhref="../2023/t1.htm">上一篇</a>', False),
    ('<a href="P020240101.pdf">年报</a>', True),
    ("<A HREF='report.DOCX?v=1'>下载</A>", True),
    ('<a title="a > b" href="table.xls">表</a>', True),  # a > inside a quoted value
    ('<a href="download.jsp?id=3&amp;t=1">附件1</a>', True),  # a character reference: unclear
    ('<a href="/attach/get?id=9">附件</a>', True),  # no web page suffix: may be a file named 附件
    ('<p><img src="/img/table1.png"></p>', True),
    ('<a title="see href=\'a.html\'" href="b.pdf">x</a>', True),
])
def test_what_the_markup_says_about_files(html, maybe):
    assert may_link_files(html) is maybe
