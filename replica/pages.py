"""Page templates of the three Tianjin sites the replica serves, modelled on TRS WCM pages.

www.tj.gov.cn (2019 onward): the chrome seed 000 shows — a top bar whose date a script fills,
无障碍/长者模式, 简体/繁體, 个人中心, then title, `来源:… 发布时间:YYYY-MM-DD HH:MM`, the body in
div.TRS_Editor, and the IE-version notice as the footer. List pages add the portal's navigation.
fzgg.tj.gov.cn: the department's own chrome; body in div.article_content; date without time.
gk.tj.gov.cn (2008–2018): old table layout, GB2312, `首页 > 政府信息公开年度报告专栏`,
`来源:…   发布时间:YYYY年MM月DD日`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape


@dataclass(frozen=True)
class ListEntry:
    href: str
    title: str
    date: str  # YYYY-MM-DD as the list shows it


# What the portals' web servers answer for a page that is not there.
NOT_FOUND_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>'
    "<body><h1>页面不存在</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode("utf-8")


def pager_script(total: int, current: int, ext: str) -> str:
    return f'<script type="text/javascript">createPageHTML({total}, {current}, "index", "{ext}");</script>'


def list_items(entries: list[ListEntry], ul_class: str) -> str:
    items = "\n".join(
        f'<li><a href="{e.href}" title="{escape(e.title)}" target="_blank">{escape(e.title)}</a>'
        f"<span>{e.date}</span></li>"
        for e in entries
    )
    return f'<ul class="{ul_class}">\n{items}\n</ul>'


def paragraphs(texts: list[str], style: str = "text-indent:2em;") -> str:
    return "\n".join(f'<p style="{style}">{t}</p>' for t in texts)


# -- www.tj.gov.cn ------------------------------------------------------------------------

WWW_META = """<meta name="SiteName" content="天津市人民政府">
<meta name="SiteDomain" content="www.tj.gov.cn">
<meta name="SiteIDCode" content="1200000052">"""

WWW_TOPBAR = """<div class="topbar"><div class="w1200 clearfix">
<div class="topbar-left"><a href="https://www.gov.cn/" target="_blank">中央政府门户网站</a> <span id="todayDate">----年--月-日 星期-</span></div>
<div class="topbar-right">
<p><a href="javascript:void(0);" id="barrierfree">无障碍</a> <a href="javascript:void(0);" class="zzms">长者模式</a></p>
<p><a href="javascript:void(0);" class="jt">简体</a> <a href="javascript:void(0);" class="ft">繁體</a>|</p>
<p><a href="javascript:void(0);" class="grzx">个人中心</a> |</p>
</div></div></div>
<script type="text/javascript">
(function () {
  var d = new Date(), w = "日一二三四五六";
  document.getElementById("todayDate").innerHTML = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 星期" + w.charAt(d.getDay());
})();
</script>"""

WWW_NAV = """<div class="header"><div class="w1200 clearfix">
<a href="/" class="logo"><img src="/images/tj_logo.png" alt="天津市人民政府"></a>
<ul class="nav">
<li><a href="/">首页</a></li>
<li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwgk/zcjd/">政策解读</a></li>
<li><a href="/zwgk/szfwj/">市政府文件</a></li>
<li><a href="/hdjl/">互动交流</a></li>
<li><a href="/search/">搜索</a></li>
</ul></div></div>"""

WWW_FOOTER = """<div id="ieTip" class="ie-tip">IE版本小于10,为了不影响您的浏览效果,请升级IE版本! <a href="javascript:void(0);" class="ie-close">x</a></div>
<script type="text/javascript" src="/images/tj_common.js"></script>"""

# The off-limits columns the navigation links to, as absolute URLs.
WWW_NAV_COLUMNS = ("https://www.tj.gov.cn/zwgk/zcjd/", "https://www.tj.gov.cn/zwgk/szfwj/",
                   "https://www.tj.gov.cn/hdjl/", "https://www.tj.gov.cn/search/")


def www_page(title: str, head_meta: str, main: str) -> str:
    """Any page of www.tj.gov.cn: the top bar, `main`, the IE-version notice."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
{WWW_META}
{head_meta}
<title>{escape(title)}_天津市人民政府</title>
<link rel="stylesheet" type="text/css" href="/images/tj_common.css">
</head>
<body>
{WWW_TOPBAR}
{main}
{WWW_FOOTER}
</body>
</html>
"""


def www_article(url: str, title: str, column: str, publisher: str, published: datetime, body: str) -> str:
    """An article page as seed 000 shows it: no navigation between the top bar and the title."""
    pubdate = f"{published:%Y-%m-%d %H:%M}"
    meta = f"""<meta name="ColumnName" content="{escape(column)}">
<meta name="ColumnType" content="政府信息公开工作年度报告">
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{pubdate}">
<meta name="ContentSource" content="{escape(publisher)}">
<meta name="Url" content="{url}">"""
    main = f"""<div class="xl-main w1200">
<div class="xl-tit">
<h1 class="xl-title">{escape(title)}</h1>
<div class="xl-info"><span class="source">来源:{escape(publisher)}</span> <span class="time">发布时间:{pubdate}</span></div>
</div>
<div class="xl-content" id="zoom">
<div class="TRS_Editor">
{body}
</div>
</div>
</div>"""
    return www_page(f"{title}_{column}", meta, main)


def www_column(column: str, crumbs: list[tuple[str, str]], content: str) -> str:
    """A list or navigation page of www.tj.gov.cn: portal navigation and breadcrumb around `content`."""
    crumb_links = " &gt; ".join(f'<a href="{href}">{escape(text)}</a>' for href, text in crumbs)
    main = f"""{WWW_NAV}
<div class="crumb w1200">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {crumb_links}</div>
<div class="main w1200">
<div class="column-title"><h2>{escape(column)}</h2></div>
{content}
</div>"""
    return www_page(column, f'<meta name="ColumnName" content="{escape(column)}">', main)


# -- fzgg.tj.gov.cn -----------------------------------------------------------------------

FZGG_HEADER = """<div class="fgw-top"><div class="wrap">
<span class="fgw-name">天津市发展和改革委员会</span>
<span class="fgw-tools"><a href="javascript:void(0);" id="wza">无障碍浏览</a> | <a href="/english/">English</a></span>
</div></div>
<div class="fgw-nav"><div class="wrap">
<a href="/">首页</a><a href="/jgzn/">机构职能</a><a href="/xwzx/">新闻中心</a><a href="/zwgk_47325/">政务公开</a><a href="/hdjl/">互动交流</a>
</div></div>
<div class="location wrap">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk_47325/">政务公开</a> &gt; <a href="/zwgk_47325/zfxxgk1/">政府信息公开</a> &gt; <a href="/zwgk_47325/zfxxgk1/zfxxgknb1/">政府信息公开年报</a></div>"""

FZGG_FOOTER = """<div class="fgw-footer"><div class="wrap">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>
<p>主办单位：天津市发展和改革委员会　地址：天津市和平区曲阜道83号</p>
<p>网站标识码：1200000032　津ICP备05004150号</p>
</div></div>"""

FZGG_NAV_COLUMNS = ("https://fzgg.tj.gov.cn/xwzx/", "https://fzgg.tj.gov.cn/jgzn/", "https://fzgg.tj.gov.cn/hdjl/")


def fzgg_page(title: str, head_meta: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="天津市发展和改革委员会">
<meta name="SiteDomain" content="fzgg.tj.gov.cn">
<meta name="SiteIDCode" content="1200000032">
<meta name="ColumnName" content="政府信息公开年报">
{head_meta}
<title>{escape(title)}-天津市发展和改革委员会</title>
<link rel="stylesheet" href="/css/fgw_style.css">
</head>
<body>
{FZGG_HEADER}
<div class="wrap fgw-main">
{content}
</div>
{FZGG_FOOTER}
</body>
</html>
"""


def fzgg_article(url: str, title: str, publisher: str, published: datetime, body: str) -> str:
    meta = (f'<meta name="ArticleTitle" content="{escape(title)}">\n'
            f'<meta name="PubDate" content="{published:%Y-%m-%d}">\n'
            f'<meta name="ContentSource" content="{escape(publisher)}">\n<meta name="Url" content="{url}">')
    content = f"""<div class="article">
<h2 class="article-title">{escape(title)}</h2>
<div class="article-info">信息来源：{escape(publisher)}　发布日期：{published:%Y-%m-%d}　<a href="javascript:window.print();">打印</a></div>
<div class="article_content" id="zoom">
{body}
</div>
</div>"""
    return fzgg_page(title, meta, content)


# -- gk.tj.gov.cn -------------------------------------------------------------------------

def gk_page(title: str, crumb: str, content: str) -> str:
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(title)}</title>
<link href="/images/gk_style.css" rel="stylesheet" type="text/css">
</head>
<body topmargin="0" leftmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/gk_banner.jpg" width="980" height="120"></td></tr>
<tr><td class="dh"><a href="/zcfg_530/">政策法规</a> | <a href="/xxgkml_530/">信息公开目录</a> | <a href="/xxgknb_530/">政府信息公开年度报告</a></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="dqwz">{crumb}</td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td valign="top" class="nr">
{content}
</td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="bottom" align="center">主办：天津市人民政府办公厅　承办：天津市信息化中心<br>
<a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></td></tr>
</table>
</body>
</html>
"""


GK_CRUMB = '<a href="/">首页</a> &gt; <a href="/xxgknb_530/">政府信息公开年度报告专栏</a>'
GK_NAV_COLUMNS = ("http://gk.tj.gov.cn/zcfg_530/", "http://gk.tj.gov.cn/xxgkml_530/")


def gk_article(title: str, publisher: str, published: datetime, body: str) -> str:
    content = f"""<table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td align="center" class="title">{escape(title)}</td></tr>
<tr><td align="center" class="ly">来源:{escape(publisher)}&nbsp;&nbsp;&nbsp;发布时间:{published:%Y年%m月%d日}</td></tr>
<tr><td class="zw"><div class="TRS_Editor">
{body}
</div></td></tr>
</table>"""
    return gk_page(f"{title}", GK_CRUMB, content)


def gk_list_rows(entries: list[ListEntry]) -> str:
    """An old-style list: one table row per article."""
    rows = "\n".join(
        f'<tr><td class="bt"><img src="/images/dot.gif"> <a href="{e.href}" target="_blank">{escape(e.title)}</a></td>'
        f'<td class="rq" width="100">{e.date}</td></tr>'
        for e in entries
    )
    return f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list">\n{rows}\n</table>'


# -- the district portals (www.tjhq.gov.cn, …) --------------------------------------------
# Seed 002's page: `天津市红桥区人民政府 2019年12月3日星期二` (a date fixed in the template),
# `无障碍 简体| 繁体`, title, `来源:政府办 发布时间:2021-03-08 16:47`, body, then the footer lines
# `关于我们 | 使用帮助 | 网站声明 | 网站地图` (em spaces around the bars), `主办:…办公室`, `网站标识码:…`, ICP, 公网安备.
# `site` is a district_sites.District.

DISTRICT_TODAY = "2019年12月3日星期二"
DISTRICT_NAV = (("/xwzx/", "新闻中心"), ("/zwfw/", "政务服务"), ("/hdjl/", "互动交流"))
DISTRICT_FOOTER_LINKS = (("/gywm/", "关于我们"), ("/sybz/", "使用帮助"), ("/wzsm/", "网站声明"), ("/wzdt/", "网站地图"))


def district_page(site, title: str, head_meta: str, main: str, bare: bool = False) -> str:
    """Any page of a district portal: the top bar (left out on `bare` pages), `main`, the footer."""
    top = "" if bare else f"""<div class="top"><div class="w1200 clearfix">
<div class="top-l"><span class="site-name">{site.government}</span> <span class="today">{DISTRICT_TODAY}</span></div>
<div class="top-r"><a href="javascript:void(0);" id="wza">无障碍</a> <a href="javascript:void(0);" class="jt">简体</a>| <a href="javascript:void(0);" class="ft">繁体</a></div>
</div></div>"""
    links = "&emsp;|&emsp; ".join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in DISTRICT_FOOTER_LINKS)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{site.government}">
<meta name="SiteDomain" content="{site.host}">
<meta name="SiteIDCode" content="{site.site_id}">
{head_meta}
<title>{escape(title)}_{site.government}</title>
<link rel="stylesheet" type="text/css" href="/images/qu_style.css">
</head>
<body>
{top}
{main}
<div class="footer"><div class="w1200">
<p class="footer-links">{links}</p>
<p>主办:{site.government}办公室</p>
<p>网站标识码:{site.site_id}<br>ICP备案编号:津ICP备{site.icp_number}号<br>津公网安备:{site.beian_number}号</p>
</div></div>
</body>
</html>
"""


def district_article(site, url: str, title: str, column: str, publisher: str, published: datetime, body: str,
                     bare: bool = False) -> str:
    pubdate = f"{published:%Y-%m-%d %H:%M}"
    meta = f"""<meta name="ColumnName" content="{escape(column)}">
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{pubdate}">
<meta name="ContentSource" content="{escape(publisher)}">
<meta name="Url" content="{url}">"""
    main = f"""<div class="xl-main w1200">
<h1 class="xl-title">{escape(title)}</h1>
<div class="xl-info"><span>来源:{escape(publisher)}</span> <span>发布时间:{pubdate}</span></div>
<div class="xl-content" id="zoom">
<div class="TRS_Editor">
{body}
</div>
</div>
</div>"""
    return district_page(site, title, meta, main, bare)


def district_column(site, column: str, crumbs: list[tuple[str, str]], content: str,
                    friends: tuple[tuple[str, str], ...]) -> str:
    """A list or navigation page: the portal's navigation, breadcrumb, `content`, 友情链接."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in
                  (("/", "首页"), *DISTRICT_NAV[:1], (site.hub, "政务公开"), *DISTRICT_NAV[1:]))
    crumb_links = " &gt; ".join(f'<a href="{href}">{escape(text)}</a>' for href, text in crumbs)
    friend_links = "".join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in friends)
    main = f"""<div class="nav w1200"><ul>{nav}</ul></div>
<div class="crumb w1200">当前位置:<a href="/">首页</a> &gt; {crumb_links}</div>
<div class="main w1200">
<div class="column-title"><h2>{escape(column)}</h2></div>
{content}
</div>
<div class="yqlj w1200"><span>友情链接:</span>{friend_links}</div>"""
    return district_page(site, column, f'<meta name="ColumnName" content="{escape(column)}">', main)


def link_pager(href, number: int, total: int, css_class: str, dead_tag: str, lead: str = "") -> str:
    """首页 上一页 1 2 … 下一页 尾页 as ordinary links (`href(page)`); the current page is a span and
    a dead end (上一页 on the first page, 下一页 on the last) is a bare `dead_tag` element."""
    def link(page: int, text: object) -> str:
        return f'<a href="{href(page)}">{text}</a>'
    numbers = [f'<span class="current">{n}</span>' if n == number else link(n, n) for n in range(1, total + 1)]
    parts = [
        link(1, "首页"), link(number - 1, "上一页") if number > 1 else f"<{dead_tag}>上一页</{dead_tag}>", *numbers,
        link(number + 1, "下一页") if number < total else f"<{dead_tag}>下一页</{dead_tag}>", link(total, "尾页"),
    ]
    return f'<div class="{css_class}">' + " ".join([lead, *parts] if lead else parts) + "</div>"
