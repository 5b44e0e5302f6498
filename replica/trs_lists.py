"""TRS 动静结合 lists in the replica: the first page a static file, the later pages only through the
platform's list API, called by the page's script.

Real (../shared/samples/pingtan-list.html, a TRS listing page of 平潭): the static items; the
empty page bar; `var SiteInfo = {… searchId: …}`; the call `require(["list2.trsapi", "tools"], …
listModel({quickMode: "动静结合", maxStaticIndex: 1, listArgs: {channelid: SiteInfo.searchId,
classsql: "" || "chnlid=…", sortfield: "-docorderpri,-docreltime"}, pagebar: {prepage, recordCount:
'…', pgTemp, pgCountMode: "recordCount", displayNum}}))`; the record fields the template binds
(`doctitle`, `chnldocurl`, `docreltime`).
INVENTED: the API's path (LIST_API; the real one is in the platform's script, not in the page),
its page parameter `page` (1-based) and its answers (dynamic.trs_list_api: JSON or an HTML
fragment), the search ids and channel ids.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

from replica.model import Replica
from replica.pages import ListEntry

LIST_API = "/fjdzapp/search"
SORT = "-docorderpri,-docreltime"


def list_api_script(search_id: int, channel: int, per_page: int, records: int, count_script: str | None = None) -> str:
    """The page's site settings and its list2.trsapi call, as the sample writes them; with
    `count_script`, the record count comes from that script's `columnInfo.total` instead."""
    count = "columnInfo.total" if count_script else f"'{records}'"
    loader = f'<script src="{count_script}"></script>\n' if count_script else ""
    return f"""{loader}<div class="page_base" ms-controller="list_pagebar" ms-include-src="pgTemp" ms-if="pageCount>0"></div>
<script>
var SiteInfo = {{
    //was4doc: {search_id + 1},  //文档检索的was频道号
    searchId: {search_id}, //默认的文档检索频道的ID
    defaultPgTemp: "pgBar.html"  //本站点默认的分页模板名
}};
</script>
<script src="/images/model.min.js"></script>
<script>
    require(["list2.trsapi", "tools"], function(listModel, tools) {{
        listModel({{
            quickMode: "动静结合",
            maxStaticIndex: 1,
            listArgs: {{
                channelid: SiteInfo.searchId,
                classsql: "" || "chnlid={channel}",
                sortfield: "{SORT}"
            }},
            pagebar: {{
                prepage: {per_page},
                recordCount: {count},
                pgTemp: "pgBar_xxgk.html",
                pgCountMode: "recordCount",
                displayNum: 2
            }}
        }});
    }});
</script>"""


def dynamic_list(replica: Replica, column_url: str, search_id: int, channel: int, entries: list[ListEntry],
                 per_page: int, answer: str, absolute: bool, api: str = LIST_API,
                 count_elsewhere: bool = False) -> tuple[list[ListEntry], str]:
    """Record a 动静结合 column's entries (newest first) for the list API and its pages in the
    manifest; returns the entries of the static first page and the script that goes with them.
    `answer` is the API's shape (json | html | xml); `absolute` whether its links are absolute URLs;
    `api` the API's path; `count_elsewhere` puts the record count in a script of its own
    (columninfo.js beside the page), so that the page alone does not say how many pages there are."""
    host = urlsplit(column_url)
    records = [{"doctitle": e.title, "chnldocurl": column_url + e.href[2:] if absolute else e.href,
                "docreltime": f"{e.date} 00:00:00"} for e in entries]
    replica.write(f"{host.scheme}://{host.netloc}/_data/trs_list/{channel}.json",
                  json.dumps({"answer": answer, "records": records}, ensure_ascii=False, indent=1))
    pages = -(-len(entries) // per_page)
    args = [("channelid", search_id), ("classsql", f"chnlid={channel}"), ("sortfield", SORT), ("prepage", per_page)]
    replica.lists.extend(f"{host.scheme}://{host.netloc}{api}?{urlencode([*args, ('page', page)])}"
                         for page in range(2, pages + 1))
    count_script = None
    if count_elsewhere:
        count_script = "./columninfo.js"
        replica.write(column_url + "columninfo.js", f"var columnInfo = {{total: {len(entries)}}};\n")
    return entries[:per_page], list_api_script(search_id, channel, per_page, len(entries), count_script)


def site_config(api: str = LIST_API) -> dict:
    """What a site with such lists declares in its `_site.json`."""
    return {"dynamic": {api: "trs_list_api"}}


# The platform's script as the browser runs it, for a site whose list API answers a shape the
# spider cannot read (its lists are then read in the browser, page by page): `require` hands the
# page's callback a listModel that keeps the static first page, asks the API for the later ones
# and shows them with a 下一页 pager (a dead 下一页 on the last page).
MODEL_SCRIPT = """/* replica: stand-in for the TRS platform's model.min.js (list2.trsapi only) */
(function () {
  var API = "%(api)s";
  function text(doc, name) { return doc.getElementsByTagName(name)[0].textContent; }
  function items(answer) {
    var docs;
    try { docs = JSON.parse(answer).docs; } catch (e) {
      if (answer.trim().indexOf("<?xml") !== 0) { return answer; }  /* an HTML fragment */
      var xml = new DOMParser().parseFromString(answer, "text/xml");
      docs = Array.prototype.map.call(xml.getElementsByTagName("doc"), function (doc) {
        return {doctitle: text(doc, "doctitle"), chnldocurl: text(doc, "chnldocurl"), docreltime: text(doc, "docreltime")};
      });
    }
    return docs.map(function (d) {
      return '<dl><dd><a href="' + d.chnldocurl + '" title="' + d.doctitle + '">' + d.doctitle + '</a></dd><dd>'
        + d.docreltime.slice(0, 10) + '</dd></dl>';
    }).join("");
  }
  function listModel(options) {
    var list = document.querySelector("[data-trs-list]"), bar = document.querySelector(".page_base");
    var first = list.innerHTML, statics = options.maxStaticIndex || 1;
    var pages = Math.ceil(Number(options.pagebar.recordCount) / options.pagebar.prepage);
    function pager(page) {
      bar.innerHTML = '<span class="current">' + page + '/' + pages + '</span> '
        + (page < pages ? '<a href="javascript:;" class="next">下一页</a>' : '<span class="next">下一页</span>');
      var next = bar.querySelector("a.next");
      if (next) { next.onclick = function () { show(page + 1); }; }
    }
    function show(page) {
      if (page <= statics) { list.innerHTML = first; pager(page); return; }
      var query = Object.keys(options.listArgs).map(function (k) {
        return encodeURIComponent(k) + "=" + encodeURIComponent(options.listArgs[k]);
      }).join("&") + "&prepage=" + options.pagebar.prepage + "&page=" + page;
      fetch(API + "?" + query).then(function (r) { return r.text(); }).then(function (answer) {
        list.innerHTML = items(answer); pager(page);
      });
    }
    show(1);
  }
  window.require = function (modules, callback) { callback(listModel, {}); };
})();
"""


def write_model_script(replica: Replica, base: str, api: str = LIST_API) -> None:
    """The stand-in platform script at {base}/images/model.min.js, where the list pages load it."""
    replica.write(f"{base}/images/model.min.js", MODEL_SCRIPT % {"api": api})
