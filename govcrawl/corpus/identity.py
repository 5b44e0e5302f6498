"""What the sightings say about reports: which URLs and bytes are one report, its versions,
when it was first and last seen, and since when it is gone.

Sightings are replayed in the order they happened. A sighting belongs to an existing report when
its URL is one of the report's, or its bytes are, or its unit + year + title are (one report
published under two URLs — a district's page and the municipal portal's copy). Then:

- bytes the report already had: that version, seen again (a moved page, a mirror);
- new bytes at a URL that had served other bytes of the report: the report was edited in place,
  a new version that supersedes the current one (the old one is kept);
- new bytes under a new URL: a copy in other page chrome when it says the same in figures (the
  current version's copy), else a republished report: a new version.

The report's id is the id of the URL it was first seen under (sha1 of the URL, as the record's
`id`), so it stays when the report moves. A report is gone once a healthy run (status ok) of a
spider that had seen it, after it was last seen, got 404 or 410 for one of its URLs and did not
find it under another; seen again, it is live again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from govcrawl.corpus.catalogue import Catalogue

GONE_STATUSES = (404, 410)


@dataclass
class Version:
    number: int
    sha256: str
    supersedes: str | None
    url: str
    content: str
    first_seen: str
    last_seen: str


@dataclass
class Report:
    report_id: str
    first: dict  # the first sighting
    versions: list[Version] = field(default_factory=list)
    shas: dict[str, int] = field(default_factory=dict)  # sha256 → version number
    urls: dict[str, list[str]] = field(default_factory=dict)  # url → [first_seen, last_seen]
    url_sha: dict[str, str] = field(default_factory=dict)  # url → the bytes it served last
    spiders: set[str] = field(default_factory=set)
    runs: set[str] = field(default_factory=set)  # the runs that saw it
    last: dict | None = None  # the latest sighting

    @property
    def current(self) -> Version:
        return self.versions[-1]


def report_key(sighting: dict) -> tuple | None:
    key = (sighting["unit_name"], sighting["year"], sighting["title"])
    return key if all(part is not None for part in key) else None


def conclude(catalogue: Catalogue) -> dict[str, list[dict]]:
    spider_of = {run["run_id"]: run["spider"] for run in catalogue.runs()}
    reports: dict[str, Report] = {}
    by_url: dict[str, Report] = {}
    by_sha: dict[str, Report] = {}
    by_key: dict[tuple, Report] = {}
    for seen in catalogue.sightings():
        url, sha, at = seen["url"], seen["sha256"], seen["fetched_at"]
        key = report_key(seen)
        report = by_url.get(url) or by_sha.get(sha) or (by_key.get(key) if key else None)
        if report is None:
            report_id = hashlib.sha1(url.encode()).hexdigest()
            report = reports[report_id] = Report(report_id, seen)
            _add_version(report, seen)
        elif sha in report.shas:
            version = report.versions[report.shas[sha] - 1]
            version.last_seen = max(version.last_seen, at)
        elif url in report.url_sha or seen["content"] != report.current.content:
            _add_version(report, seen)
        else:
            report.shas[sha] = report.current.number
            report.current.last_seen = max(report.current.last_seen, at)
        report.urls.setdefault(url, [at, at])[1] = at
        report.url_sha[url] = sha
        report.spiders.add(spider_of[seen["run_id"]])
        report.runs.add(seen["run_id"])
        report.last = seen
        by_url[url], by_sha[sha] = report, report
        if key:
            by_key.setdefault(key, report)
    gone = _gone_since(reports.values(), catalogue.fetches(GONE_STATUSES), by_url)
    return _tables(reports.values(), gone)


def _add_version(report: Report, seen: dict) -> None:
    supersedes = report.current.sha256 if report.versions else None
    number = len(report.versions) + 1
    at = seen["fetched_at"]
    report.versions.append(Version(number, seen["sha256"], supersedes, seen["url"], seen["content"], at, at))
    report.shas[seen["sha256"]] = number


def _gone_since(reports, failures: list[dict], by_url: dict[str, Report]) -> dict[str, str]:
    gone: dict[str, str] = {}
    for failure in failures:
        report = by_url.get(failure["url"])
        # A failed run (a portal in trouble, a crawl killed) is no evidence that a report is gone.
        if report is None or failure["spider"] not in report.spiders or failure["run_status"] != "ok":
            continue
        if failure["run_id"] in report.runs:
            continue  # a dead old URL of a report the same run found elsewhere (moved)
        last_seen = max(seen_at for _first, seen_at in report.urls.values())
        if failure["at"] and failure["at"] > last_seen and report.report_id not in gone:
            gone[report.report_id] = failure["at"]
    return gone


def _tables(reports, gone: dict[str, str]) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {"reports": [], "versions": [], "report_urls": [], "report_shas": []}
    for report in reports:
        latest = report.last
        tables["reports"].append({
            "report_id": report.report_id,
            "portal": latest["portal"],
            "unit_name": latest["unit_name"],
            "region_code": latest["region_code"],
            "level": latest["level"],
            "year": latest["year"],
            "title": latest["title"],
            "url": latest["url"],
            "current_version": report.current.number,
            "first_seen": min(first for first, _last in report.urls.values()),
            "last_seen": max(last for _first, last in report.urls.values()),
            "gone_since": gone.get(report.report_id),
        })
        tables["versions"] += [
            {"report_id": report.report_id, "version": v.number, "sha256": v.sha256, "supersedes": v.supersedes,
             "url": v.url, "first_seen": v.first_seen, "last_seen": v.last_seen}
            for v in report.versions
        ]
        tables["report_urls"] += [
            {"url": url, "report_id": report.report_id, "first_seen": first, "last_seen": last}
            for url, (first, last) in report.urls.items()
        ]
        tables["report_shas"] += [
            {"sha256": sha, "report_id": report.report_id, "version": number} for sha, number in report.shas.items()
        ]
    return tables
