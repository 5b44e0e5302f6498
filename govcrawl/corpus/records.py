"""The current version of every report as a record of the feed, with the corpus's fields
(schema.md "Fields added since version 1": version, supersedes, urls, first_seen, last_seen,
gone_since) and the corpus's own flags.

A version's record is the one of the newest derivation that has its bytes: a reparse with a new
engine is preferred to what the crawl extracted, and the crawl's record is kept beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from govcrawl.corpus.catalogue import Catalogue

# Flag of the reports of a unit that has two or more different reports for one year (a
# republished, corrected report): both are kept.
SEVERAL_REPORTS_FLAG = "several_reports_for_year"


@dataclass
class CorpusReport:
    record: dict  # the feed record with the corpus fields
    cells: list[dict]  # its cell lines, report_id the corpus's
    derivation: str


def derivation_records(catalogue: Catalogue, derivation: str | None = None) -> dict[str, tuple[str, dict, list[dict]]]:
    """sha256 → (derivation, record, cells): `derivation`'s, or for each sha256 the newest."""
    names = [d["name"] for d in catalogue.derivations()]
    if derivation is not None:
        if derivation not in names:
            raise ValueError(f"no derivation {derivation!r} in the corpus (there are: {', '.join(names) or 'none'})")
        names = [derivation]
    found: dict[str, tuple[str, dict, list[dict]]] = {}
    for name in names:  # oldest first: newer derivations replace older ones
        for sha, record, cells in catalogue.records(name):
            found[sha] = (name, record, cells)
    return found


def current_reports(catalogue: Catalogue, derivation: str | None = None) -> list[CorpusReport]:
    by_sha = derivation_records(catalogue, derivation)
    versions = {(v["report_id"], v["version"]): v for v in catalogue.rows("versions", "report_id, version")}
    urls: dict[str, list[str]] = defaultdict(list)
    for row in catalogue.rows("report_urls", "first_seen, url"):
        urls[row["report_id"]].append(row["url"])
    reports = []
    for report in catalogue.rows("reports", "report_id"):
        version = versions[(report["report_id"], report["current_version"])]
        if version["sha256"] not in by_sha:
            continue  # not in the chosen derivation
        name, record, cells = by_sha[version["sha256"]]
        record = dict(record) | {
            "id": report["report_id"],
            "url": report["url"],
            "portal": report["portal"],
            "flags": list(record.get("flags") or []),
            "version": version["version"],
            "supersedes": version["supersedes"],
            "urls": urls[report["report_id"]],
            "first_seen": report["first_seen"],
            "last_seen": report["last_seen"],
            "gone_since": report["gone_since"],
        }
        reports.append(CorpusReport(record, [cell | {"report_id": report["report_id"]} for cell in cells], name))
    _flag_several_per_year(reports)
    return sorted(reports, key=lambda r: (r.record["portal"] or "", *series_key(r.record), r.record["year"] or 0, r.record["id"]))


def series_key(record: dict) -> tuple[str, str]:
    """A unit's series: its region code and name."""
    unit = record.get("unit") or {}
    return unit.get("region_code") or "", unit.get("name") or ""


def _flag_several_per_year(reports: list[CorpusReport]) -> None:
    per_year: dict[tuple, list[CorpusReport]] = defaultdict(list)
    for report in reports:
        if report.record.get("year") is not None and report.record["unit"].get("name"):
            per_year[(*series_key(report.record), report.record["year"])].append(report)
    for group in per_year.values():
        if len(group) > 1:
            for report in group:
                report.record["flags"].append(SEVERAL_REPORTS_FLAG)
