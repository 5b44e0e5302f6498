"""Ingest completed run directories (OUTPUT_DIR/runs/<spider>/<run_id>/) into the catalogue.

A run directory is complete when its stats.json is there (written last, by rename); one
without it is a killed run and is left alone. Ingesting a run twice changes nothing: runs are
keyed by run_id, and the conclusions are recomputed from every run each time.

`ingest_run(output_dir, run_dir)` is what a crawl calls when it has written its run directory;
`ingest_output(output_dir)` takes every completed run not yet in the catalogue.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govcrawl.corpus.catalogue import Catalogue, open_catalogue
from govcrawl.corpus.identity import conclude
from govcrawl.corpus.progress import Progress
from govcrawl.items import utc_now

STATS_FILE = "stats.json"
# Every response of a run, when the crawl logged them (govcrawl/corpus/extensions.py FetchLog).
FETCHES_FILE = "fetches.jsonl"
HTTP_STATUS = re.compile(r"^HTTP (\d{3})\b")


class RunDirError(ValueError):
    """A run directory that cannot be read (malformed stats.json or feed line)."""


@dataclass
class IngestResult:
    ingested: list[str] = field(default_factory=list)  # run ids
    skipped: list[str] = field(default_factory=list)  # already in the catalogue
    incomplete: list[Path] = field(default_factory=list)  # no stats.json: killed runs
    errors: list[str] = field(default_factory=list)  # unreadable run directories, one line each


def completed_run_dirs(output_dir: Path) -> list[Path]:
    """Oldest first (a run id starts with its start time): a report's bytes keep the record the
    earliest run made of them."""
    return sorted((p.parent for p in (output_dir / "runs").glob(f"*/*/{STATS_FILE}")), key=lambda d: (d.name, d.parent.name))


def ingest_output(output_dir: Path, catalogue: Catalogue | None = None, progress: Progress | None = None) -> IngestResult:
    """Every completed run in OUTPUT_DIR/runs that the catalogue does not have yet."""
    own = catalogue is None
    catalogue = catalogue or open_catalogue(output_dir)
    try:
        result = IngestResult(incomplete=sorted(
            p for p in (output_dir / "runs").glob("*/*") if p.is_dir() and not (p / STATS_FILE).exists()
        ))
        known = catalogue.run_ids()
        # A run directory is named by its run id: those already in the catalogue are not read.
        run_dirs = [d for d in completed_run_dirs(output_dir) if d.name not in known]
        result.skipped = [d.name for d in completed_run_dirs(output_dir) if d.name in known]
        for run_dir in (progress or Progress.quiet()).track(run_dirs, "ingest"):
            _ingest_one(catalogue, run_dir, known, result)
        if result.ingested:
            catalogue.replace_conclusions(conclude)
        return result
    finally:
        if own:
            catalogue.close()


def ingest_run(output_dir: Path, run_dir: Path) -> IngestResult:
    """One run, just written by a crawl (it must have its stats.json)."""
    run_dir = Path(run_dir)
    if not (run_dir / STATS_FILE).exists():
        raise RunDirError(f"{run_dir}: no {STATS_FILE} (the run did not complete)")
    with open_catalogue(Path(output_dir)) as catalogue:
        result = IngestResult()
        _ingest_one(catalogue, run_dir, catalogue.run_ids(), result)
        if result.errors:
            raise RunDirError(result.errors[0])
        if result.ingested:
            catalogue.replace_conclusions(conclude)
        return result


def _ingest_one(catalogue: Catalogue, run_dir: Path, known: set[str], result: IngestResult) -> None:
    try:
        run = read_run(run_dir)
        if run.row["run_id"] in known:
            result.skipped.append(run.row["run_id"])
            return
        # The fetches and records are read from the run's files as they are written, in one transaction.
        catalogue.add_run(run.row, run.fetches, run.sightings, run.derivation, run.records)
    except (OSError, ValueError) as error:
        result.errors.append(f"{run_dir}: {error}")
        return
    known.add(run.row["run_id"])
    result.ingested.append(run.row["run_id"])


@dataclass
class RunData:
    """A run as the catalogue takes it. Its fetches and records are read from the run's files when
    they are iterated, one at a time, so ingesting a run takes memory for its sightings and a few
    numbers per report, whatever the size of its records and cells."""

    row: dict
    fetches: Iterable[dict]
    sightings: list[dict]
    derivation: str | None  # the extractor version of its records
    records: Iterable[tuple[str, str, str]]  # (sha256, record JSON, JSON array of its cells)


@dataclass
class _Lines:
    """Where lines are in a feed: byte ranges, read back when they are needed."""

    path: Path
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # key → [(start, end)], in file order

    def add(self, key: str, start: int, end: int) -> None:
        spans = self.spans.setdefault(key, [])
        if spans and spans[-1][1] == start:  # the next line of the same key: one range
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))

    def read(self, file, key: str) -> list[bytes]:
        lines = []
        for start, end in self.spans.get(key, ()):
            file.seek(start)
            lines += file.read(end - start).splitlines()
        return lines


def read_run(run_dir: Path) -> RunData:
    """Reads the run's records and cells once to check them and to take what the catalogue
    concludes from (sightings, the URLs of report pages and attachments); the records and cells
    themselves go to the catalogue as the lines the crawl wrote, read again when they are stored."""
    stats = _read_json(run_dir / STATS_FILE)
    for key in ("spider", "run_id", "started_at", "finished_at"):
        if not stats.get(key):
            raise RunDirError(f"{STATS_FILE} has no {key}")
    run_id = stats["run_id"]
    cells = _Lines(run_dir / "cells.jsonl")
    for report_id, start, end in _cell_report_ids(cells.path):
        cells.add(report_id, start, end)
    reports = _Lines(run_dir / "reports.jsonl")
    sightings, extractors, kept, kinds = [], set(), {}, {}
    for record, start, end in _read_lines(reports.path):
        if not record.get("url") or not record.get("sha256"):
            raise RunDirError(f"a record without url or sha256 in reports.jsonl: {record.get('id')}")
        if record.get("extractor"):
            extractors.add(record["extractor"])
        # A report the crawl met under several URLs is one record listing them all in `urls`.
        sightings += [sighting(run_id, record, url) for url in record_urls(record)]
        kinds |= {a["url"]: "attachment" for a in record.get("attachments") or []}
        if record["sha256"] not in kept:
            kept[record["sha256"]] = record["id"]
            reports.add(record["sha256"], start, end)
    kinds |= {s["url"]: "report" for s in sightings}
    if len(extractors) > 1:
        raise RunDirError(f"records of several extractor versions in one run: {sorted(extractors)}")
    extractor = next(iter(extractors), None)
    row = {
        "run_id": run_id,
        "spider": stats["spider"],
        "status": stats.get("status"),
        "finish_reason": stats.get("finish_reason"),
        "started_at": stats["started_at"],
        "finished_at": stats["finished_at"],
        "arguments": stats.get("arguments") or {},
        "project_version": stats.get("project_version"),
        "extractor_version": extractor,
        "counts": stats.get("counts"),
        "health": stats.get("health"),
        "stats": stats.get("stats"),
        "ingested_at": utc_now(),
    }
    return RunData(row, _fetches(run_dir, run_id, kinds), sightings, extractor, _records(reports, cells, kept))


def _records(reports: _Lines, cells: _Lines, kept: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(sha256, record, cells) of the first record of each sha256, as the JSON the run wrote."""
    with reports.path.open("rb") as report_file, _open_or_empty(cells.path) as cell_file:
        for sha, report_id in kept.items():
            (line,) = reports.read(report_file, sha)
            yield sha, line.decode("utf-8"), "[" + ",".join(c.decode("utf-8") for c in cells.read(cell_file, report_id)) + "]"


def _fetches(run_dir: Path, run_id: str, kinds: dict[str, str]) -> Iterator[dict]:
    """The run's fetches: from its fetch log (fetches.jsonl, every response) when it has one,
    else what its records and error entries say (report pages, attachments, failed requests).
    Requests that got no response are only in the error entries."""
    log = run_dir / FETCHES_FILE
    if log.exists():
        for line, _, _ in _read_lines(log):
            yield _fetch(run_id, line["url"], kinds.get(line["url"], "page"), line["status"], line["sha256"], line["at"],
                         etag=line.get("etag"), last_modified=line.get("last_modified"))
    else:
        for record, _, _ in _read_lines(run_dir / "reports.jsonl"):
            for url in record_urls(record):
                yield _fetch(run_id, url, "report", 200, record["sha256"], record.get("fetched_at"))
            for attachment in record.get("attachments") or []:
                yield _fetch(run_id, attachment["url"], "attachment", 200 if attachment.get("sha256") else None,
                             attachment.get("sha256"), record.get("fetched_at"), attachment.get("error"))
    for error, _, _ in _read_lines(run_dir / "errors.jsonl"):
        status = HTTP_STATUS.match(error.get("error") or "")
        if status and log.exists():
            continue  # its response is in the log
        yield _fetch(run_id, error["url"], error.get("stage") or "unknown", int(status.group(1)) if status else None,
                     None, error.get("at"), error.get("error"))


def record_urls(record: dict) -> list[str]:
    return record.get("urls") or [record["url"]]


def sighting(run_id: str, record: dict, url: str) -> dict:
    unit = record.get("unit") or {}
    return {
        "run_id": run_id,
        "url": url,
        "sha256": record["sha256"],
        "portal": record.get("portal"),
        "unit_name": unit.get("name"),
        "region_code": unit.get("region_code"),
        "level": unit.get("level"),
        "year": record.get("year"),
        "title": normalised_title(record.get("title")),
        "content": content_digest(record),
        "fetched_at": record.get("fetched_at"),
    }


def normalised_title(title: str | None) -> str | None:
    return "".join(unicodedata.normalize("NFKC", title).split()) if title else None


def content_digest(record: dict) -> str:
    """What the report says in figures: its tables and stated figures. Two copies of one report
    in different page chrome have different bytes but the same digest."""
    content = {"tables": record.get("tables"), "stats": record.get("stats")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _fetch(run_id, url, kind, status, sha256, at, error=None, *, etag=None, last_modified=None) -> dict:
    return {"run_id": run_id, "url": url, "kind": kind, "status": status, "sha256": sha256,
            "etag": etag, "last_modified": last_modified, "at": at, "error": error}


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RunDirError(f"{path.name}: not JSON ({error})") from error
    if not isinstance(value, dict):
        raise RunDirError(f"{path.name}: not a JSON object")
    return value


def _feed_lines(path: Path) -> Iterator[tuple[int, bytes, int, int]]:
    """Each line of a feed that is not blank: (its number, its bytes, the byte range it spans);
    nothing for a missing feed."""
    if not path.exists():
        return
    with path.open("rb") as file:
        start = 0
        for number, line in enumerate(file, 1):
            end = start + len(line)
            if line.strip():
                yield number, line, start, end
            start = end


def _json_object(path: Path, number: int, line: bytes) -> dict:
    try:
        value = json.loads(line)
    except ValueError as error:
        raise RunDirError(f"{path.name}: line {number} is not JSON ({error})") from error
    if not isinstance(value, dict):
        raise RunDirError(f"{path.name}: line {number} is not a JSON object")
    return value


def _read_lines(path: Path) -> Iterator[tuple[dict, int, int]]:
    """Each line of a feed as a JSON object, with the byte range it spans; nothing for a missing feed."""
    for number, line, start, end in _feed_lines(path):
        yield _json_object(path, number, line), start, end


# A cell line as a crawl writes it (govcrawl/exporters.py) begins with its report's id, and the id
# is all that ingesting needs of it before the line is stored as it is. Taken from the line, the id
# costs a tenth of parsing it: a run of 2,000 reports has 40,000 cell lines, and parsing each took
# a third of a second of the crawl's close. A line of any other shape is parsed (and refused when
# it is not a JSON object).
CELL_LINE = re.compile(rb'\{"report_id": ?"([0-9a-f]{40})",.*\}\s*', re.DOTALL)


def _cell_report_ids(path: Path) -> Iterator[tuple[str, int, int]]:
    """The report id of each cell line of cells.jsonl, with the byte range the line spans."""
    for number, line, start, end in _feed_lines(path):
        written = CELL_LINE.fullmatch(line)
        report_id = written.group(1).decode("ascii") if written else _json_object(path, number, line)["report_id"]
        yield report_id, start, end


def _open_or_empty(path: Path):
    return path.open("rb") if path.exists() else io.BytesIO()
