"""The canonical form of a report URL: one report reached under several URLs is one report.

Portals link the same page over http and https, with tracking parameters (`?from=list`, utm_*,
spm) and with or without a trailing slash. The canonical form drops the scheme, those parameters
and the trailing slash, lower-cases the host and sorts what is left of the query; parameters that
select content (Hanweb's `area`, `fbtime`, `artId`) stay.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

TRACKING_PARAMETERS = frozenset({
    "from", "spm", "source", "share", "scene", "isappinstalled", "timestamp",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
})


def canonical_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in TRACKING_PARAMETERS)
    path = parts.path.rstrip("/") or "/"
    return f"//{host}{path}" + (f"?{urlencode(query)}" if query else "")
