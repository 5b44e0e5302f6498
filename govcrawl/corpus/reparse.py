"""`govcrawl reparse OUTPUT_DIR`: every report's stored bytes read again with the current engine,
without the network, into a new derivation.

A derivation is named by the engine that made it: the project version and a digest of the
engine's own files (govcrawl/extract/), so changing the engine makes a new derivation and never
overwrites an older one. It is written to OUTPUT_DIR/derivations/<name>/ (reports.jsonl,
cells.jsonl, errors.jsonl, in sha256 order) and recorded in the catalogue. The same bytes read
by the same engine give byte-identical files.

Each page is read as the crawl read it: its URL, portal, unit, fetch time and its stored
attachments, taken from the record the crawl made of it.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import govcrawl
from govcrawl.corpus.catalogue import Catalogue
from govcrawl.corpus.progress import Progress
from govcrawl.extract import Attachment, Extraction, ExtractionError
from govcrawl.items import utc_now
from govcrawl.workers import TASKS_PER_WORKER, ExtractionPool

ENGINE_PACKAGE = Path(govcrawl.__file__).parent / "extract"
ENGINE_FILES = ("**/*.py", "data/*")


def engine_version() -> str:
    """The project version and the first 12 hex digits of a sha256 over the engine's files."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in ENGINE_FILES for p in ENGINE_PACKAGE.glob(pattern) if p.is_file() and "__pycache__" not in p.parts})
    for path in files:
        digest.update(path.relative_to(ENGINE_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{govcrawl.__version__}+{digest.hexdigest()[:12]}"


@dataclass
class ReparseResult:
    derivation: str
    directory: Path
    records: int = 0
    errors: list[dict] = field(default_factory=list)


def reparse(catalogue: Catalogue, output_dir: Path, progress: Progress | None = None, pool: ExtractionPool | None = None) -> ReparseResult:
    name = engine_version()
    directory = output_dir / "derivations" / name
    directory.mkdir(parents=True, exist_ok=True)
    raw = output_dir / "raw"
    result = ReparseResult(name, directory)
    sources = _sources(catalogue)
    records = []
    # Each stored document is read in a worker process within the same limits as in a crawl
    # (govcrawl/workers.py): one hostile file costs its own entry, not the reparse.
    own_pool = pool is None
    pool = pool or ExtractionPool()
    try:
        for sha, reading in (progress or Progress.quiet()).track(_readings(pool, raw, sources), "reparse", len(sources)):
            _reparse_one(sha, sources[sha], reading, name, records, result)
    finally:
        if own_pool:
            pool.close()
    _write_lines(directory / "reports.jsonl", (record for _sha, record, _cells in records))
    _write_lines(directory / "cells.jsonl", (cell for _sha, _record, cells in records for cell in cells))
    _write_lines(directory / "errors.jsonl", result.errors)
    catalogue.add_derivation(name, "reparse", utc_now(), records)
    result.records = len(records)
    return result


def _sources(catalogue: Catalogue) -> dict[str, dict]:
    """sha256 of every report's bytes → the first record made of them (by the oldest derivation)."""
    wanted = {row["sha256"] for row in catalogue.rows("report_shas", "sha256")}
    found: dict[str, dict] = {}
    for derivation in catalogue.derivations():
        for sha, record, _cells in catalogue.records(derivation["name"]):
            if sha in wanted:
                found.setdefault(sha, record)
    return found


def _readings(pool: ExtractionPool, raw: Path, sources: dict[str, dict]) -> Iterator[tuple[str, Extraction | Exception]]:
    """Each stored page read again, in sha256 order: its Extraction, or why it could not be read.
    As many pages as the workers take at once (TASKS_PER_WORKER each) are handed over before the
    first is awaited, so that a reparse keeps every worker busy, as a crawl does, while holding
    only those pages' bytes."""
    handed: deque[tuple[str, Future | Exception, list[dict]]] = deque()
    for sha in sorted(sources):
        handed.append((sha, *_hand_over(pool, raw, sha, sources[sha])))
        if len(handed) > TASKS_PER_WORKER * pool.workers:
            yield _read(*handed.popleft())
    while handed:
        yield _read(*handed.popleft())


def _hand_over(pool: ExtractionPool, raw: Path, sha: str, source: dict) -> tuple[Future | Exception, list[dict]]:
    """The page's reading under way, or the error reading its stored bytes; and its attachments
    that are not in the raw store, listed as they were."""
    stored, missing = [], []
    try:
        body = (raw / sha[:2] / sha).read_bytes()
        for entry in source.get("attachments") or []:
            if entry.get("path") and (raw / entry["path"]).is_file():
                stored.append(Attachment(url=entry["url"], name=entry.get("name") or "", body=(raw / entry["path"]).read_bytes(),
                                         path=entry["path"]))
            elif not entry.get("path"):
                missing.append(entry)  # never fetched: stays listed with its error
            else:
                missing.append(entry | {"error": f"not in the raw store: {entry['path']}"})
    except OSError as error:
        return error, []
    return pool.extract(body, url=source["url"], portal=source["portal"], unit=source.get("unit"),
                        fetched_at=source.get("fetched_at"), attachments=stored), missing


def _read(sha: str, reading: Future | Exception, missing: list[dict]) -> tuple[str, Extraction | Exception]:
    if isinstance(reading, Exception):
        return sha, reading
    try:
        extraction = reading.result()
    except ExtractionError as error:
        return sha, error
    extraction.record["attachments"].extend(missing)
    return sha, extraction


def _reparse_one(sha: str, source: dict, reading: Extraction | Exception, name: str, records: list, result: ReparseResult) -> None:
    if isinstance(reading, Exception):
        result.errors.append({"sha256": sha, "url": source["url"], "error": type(reading).__name__, "detail": str(reading)})
        return
    if "not_a_report" in reading.record["flags"]:
        result.errors.append({"sha256": sha, "url": source["url"], "error": "not_a_report", "detail": reading.record["title"] or ""})
        return
    records.append((sha, reading.record | {"extractor": name}, reading.cells))


def _write_lines(path: Path, lines) -> None:
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as file:
        for line in lines:
            file.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    temporary.replace(path)
