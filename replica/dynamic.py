"""Dynamic endpoints of the replica, by name, for site trees that need them.

A site's `_site.json` maps paths to handler names:

    {"charset": "utf-8", "dynamic": {"/module/web/jpage/dataproxy.jsp": "hanweb_dataproxy",
                                     "/module/xxgk/xxgkAnnualReport.jsp": "zj_annual_report",
                                     "/api/list": "json_list", "/fjdzapp/search": "trs_list_api"}}

and the server calls `HANDLERS[name](request, root)` for a GET, HEAD or POST of such a path, where
`request` is the server's request handler (`.path` with the query, `.command`, `.headers`, `.body`:
the POST body, read by its Content-Length) and `root` the site's folder. Handlers answer
(status, content type, body) from data files under `root/_data/` (never served as files), so any
tree with such data is served by `govcrawl replica serve --sites DIR`.

Parameters are read as a JSP's `request.getParameter` reads them: the query string, then the
fields of a form-encoded body (the first value of a name wins).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from replica.pages import NOT_FOUND_PAGE

Response = tuple[int, str, bytes]
Handler = Callable[[object, Path], Response]
HANDLERS: dict[str, Handler] = {}

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function
    return register


def params(request) -> dict[str, str]:
    """The request's parameters: query string first, then a form-encoded POST body."""
    found: dict[str, str] = {}
    body = (getattr(request, "body", b"") or b"").decode("utf-8", errors="replace")
    for name, value in [*parse_qsl(urlsplit(request.path).query, keep_blank_values=True),
                        *parse_qsl(body, keep_blank_values=True)]:
        found.setdefault(name, value)
    return found


def data_file(root: Path, *parts: str) -> Path | None:
    """A file below root/_data/, when every part is a plain name (no traversal) and it exists."""
    if not all(re.fullmatch(r"[\w.\-]+", part) and part not in (".", "..") for part in parts):
        return None
    path = root.joinpath("_data", *parts)
    return path if path.is_file() else None


def not_found() -> Response:
    return 404, "text/html; charset=utf-8", NOT_FOUND_PAGE


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


# -- Hanweb jcms: jpage lists -------------------------------------------------------------

def nextgroup_href(column: dict) -> str:
    """The `<nextgroup>` link of a Hanweb list: the proxy with the list unit's parameters."""
    return (f"{DATAPROXY}?page=1&appid=1&webid={column['webid']}&path=/&columnid={column['columnid']}"
            f"&unitid={column['unitid']}&webname={quote(column['webname'])}&permissiontype=0")


def datastore(column: dict, records: list[str], totals: bool) -> str:
    """A `<datastore>` of records (each a `<li>…</li>`), as a column page embeds it and, with the
    totals, as dataproxy.jsp answers it."""
    head = (f"<totalrecord>{len(column['records'])}</totalrecord>\n<totalpage>{page_count(column)}</totalpage>\n"
            if totals else "")
    items = "\n".join(f"<record><![CDATA[\n{record}\n]]></record>" for record in records)
    return (f'<datastore>\n{head}<nextgroup><![CDATA[<a href="{nextgroup_href(column)}"></a>]]>'
            f"</nextgroup>\n<recordset>\n{items}\n</recordset>\n</datastore>")


def page_count(column: dict) -> int:
    return max(1, -(-len(column["records"]) // column["perpage"]))


@handler("hanweb_dataproxy")
def hanweb_dataproxy(request, root: Path) -> Response:
    """/module/web/jpage/dataproxy.jsp?startrecord=N&endrecord=M&perpage=P with the list unit's
    fields (col, appid, webid, path, columnid, sourceContentType, unitid, webname, permissiontype)
    posted: records N..M (1-based, inclusive) of `_data/dataproxy/{columnid}.json`. Without a
    known columnid the answer is an empty datastore, as the real proxy's is."""
    given = params(request)
    path = data_file(root, "dataproxy", f"{given.get('columnid', '')}.json")
    if path is None:
        body = "<datastore>\n<totalrecord>0</totalrecord>\n<totalpage>0</totalpage>\n<recordset>\n</recordset>\n</datastore>"
    else:
        column = json.loads(path.read_text(encoding="utf-8"))
        start = max(1, _int(given.get("startrecord"), 1))
        end = _int(given.get("endrecord"), start + column["perpage"] - 1)
        body = datastore(column, column["records"][start - 1:end], totals=True)
    return 200, XML, ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


# -- Zhejiang's annual-report module ------------------------------------------------------

@handler("zj_annual_report")
def zj_annual_report(request, root: Path) -> Response:
    """/module/xxgk/xxgkAnnualReport.jsp?area={unit code}&fbtime={year}&showType=2&artId={id}:
    the page `_data/xxgk_annual_report/{area}/{fbtime}.html`; showType and artId are not needed."""
    given = params(request)
    path = data_file(root, "xxgk_annual_report", given.get("area", ""), f"{given.get('fbtime', '')}.html")
    if path is None:
        return not_found()
    return 200, "text/html; charset=utf-8", path.read_bytes()


# -- a JSON list API (lists a browser builds) ---------------------------------------------

@handler("json_list")
def json_list(request, root: Path) -> Response:
    """/api/list?columnId=…&page=1[&pageSize=n]: one page of `_data/json_list/{columnId}.json`
    ({"pageSize": n, "records": [{"title", "url", "date"}, …]}) as
    {"code": 200, "msg": "success", "data": {"total", "page", "pageSize", "list"}}."""
    given = params(request)
    path = data_file(root, "json_list", f"{given.get('columnId', '')}.json")
    if path is None:
        answer = {"code": 404, "msg": "栏目不存在", "data": None}
    else:
        column = json.loads(path.read_text(encoding="utf-8"))
        page, size = max(1, _int(given.get("page"), 1)), max(1, _int(given.get("pageSize"), column["pageSize"]))
        records = column["records"]
        answer = {"code": 200, "msg": "success", "data": {
            "total": len(records), "page": page, "pageSize": size, "list": records[(page - 1) * size:page * size]}}
    return 200, JSON, json.dumps(answer, ensure_ascii=False).encode("utf-8")


# -- TRS 集约化平台: the list API of 动静结合 lists ---------------------------------------------

def trs_list_items(records: list[dict]) -> str:
    """Records as the HTML fragment a TRS list API may answer: one `<li>` per document."""
    return "\n".join(f'<li><a href="{r["chnldocurl"]}" title="{html.escape(r["doctitle"])}" target="_blank">'
                     f'{html.escape(r["doctitle"])}</a><span>{r["docreltime"][:10]}</span></li>' for r in records)


@handler("trs_list_api")
def trs_list_api(request, root: Path) -> Response:
    """{list API}?channelid=…&classsql=chnlid%3D{id}&sortfield=…&prepage=n&page=p: page p (1-based)
    of the n-record pages of `_data/trs_list/{id}.json` ({"answer": "json" | "html", "records":
    [{"doctitle", "chnldocurl", "docreltime"}, …]}, newest first as -docreltime sorts them). A JSON
    column answers {"count", "pagenum", "prepage", "docs": [records]}, an HTML one a fragment of
    `<li>` links, an XML one `<docs><doc><doctitle>…`; an unknown column or channel an empty JSON
    answer, as a search engine answers a query that matches nothing."""
    given = params(request)
    column = re.fullmatch(r"chnlid\s*=\s*(\d+)", given.get("classsql", "").strip())
    path = data_file(root, "trs_list", f"{column.group(1)}.json") if column and given.get("channelid") else None
    data = json.loads(path.read_text(encoding="utf-8")) if path else {"answer": "json", "records": []}
    size, page = max(1, _int(given.get("prepage"), 10)), max(1, _int(given.get("page"), 1))
    records = data["records"][(page - 1) * size:page * size]
    if data["answer"] == "html":
        return 200, "text/html; charset=utf-8", trs_list_items(records).encode("utf-8")
    if data["answer"] == "xml":  # a shape the spider does not read: its browser reads the list page
        docs = "".join("<doc>" + "".join(f"<{k}>{html.escape(v)}</{k}>" for k, v in r.items()) + "</doc>" for r in records)
        return 200, XML, f'<?xml version="1.0" encoding="UTF-8"?><docs count="{len(data["records"])}">{docs}</docs>'.encode("utf-8")
    answer = {"count": len(data["records"]), "pagenum": page, "prepage": size, "docs": records}
    return 200, JSON, json.dumps(answer, ensure_ascii=False).encode("utf-8")
