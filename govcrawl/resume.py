"""Resuming a crawl with JOBDIR, so that a killed or interrupted crawl loses nothing.

Scrapy's own JOBDIR persistence keeps the request queue and the seen-request fingerprints on
disk; a crawl killed with SIGKILL leaves fingerprints of requests that were taken from the queue
but never answered, and a resumed crawl then skips them for ever (thousands of reports lost). So
here the queue and the fingerprints stay in memory, and JOBDIR holds only which run to continue.
A resumed crawl replays: it reads the list pages again and follows every report link except
those its run has already recorded, appending to the same run's files. The run's files are
repaired first: a line cut off by the kill is removed, and so are cells whose record never got
written (cells are written before their record, whose line is the mark that the report is done).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter

from govcrawl.urls import canonical_url

STATE_FILE = "govcrawl-run.json"


class RequestsInMemory(Scheduler):
    """Scrapy's scheduler with its queue in memory even when JOBDIR is set."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.dqdir = None
        return scheduler


class SeenInMemory(RFPDupeFilter):
    """Scrapy's duplicate filter with its fingerprints in memory even when JOBDIR is set."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)


@dataclass
class Progress:
    """What an unfinished run had done, read back from its files."""

    done_urls: set[str] = field(default_factory=set)  # report URLs recorded, and their canonical forms
    records: list[tuple[str, str]] = field(default_factory=list)  # (sha256, url) of each record
    error_keys: set[tuple[str, str]] = field(default_factory=set)  # (url, stage) of each error entry
    counts: Counter = field(default_factory=Counter)
    reports_by_portal: Counter = field(default_factory=Counter)
    started_at: str | None = None


def unfinished_run(jobdir: Path, output: Path, spider: str) -> str | None:
    """The id of the run this JOBDIR was writing, if it never finished."""
    try:
        state = json.loads((jobdir / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    run_dir = output / "runs" / spider / state["run_id"]
    if state["spider"] != spider or not run_dir.is_dir() or (run_dir / "stats.json").exists():
        return None
    return state["run_id"]


def remember_run(jobdir: Path, spider: str, run_id: str, started_at: str) -> None:
    jobdir.mkdir(parents=True, exist_ok=True)
    (jobdir / STATE_FILE).write_text(json.dumps({"spider": spider, "run_id": run_id, "started_at": started_at}), encoding="utf-8")


def started_at(jobdir: Path) -> str:
    return json.loads((jobdir / STATE_FILE).read_text(encoding="utf-8"))["started_at"]


def _complete_lines(path: Path) -> list[bytes]:
    """The whole lines of a feed; a last line cut off by a kill is left out."""
    data = path.read_bytes() if path.exists() else b""
    lines = data.split(b"\n")[:-1]  # what follows the last newline was never finished
    return [line for line in lines if _parses(line)]


def _parses(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def repair(run_dir: Path) -> Progress:
    """Make an unfinished run's .part feeds whole again and say what it had done."""
    progress = Progress()
    reports = _complete_lines(run_dir / "reports.jsonl.part")
    ids = set()
    for line in reports:
        record = json.loads(line)
        ids.add(record["id"])
        progress.records.append((record["sha256"], record["url"]))
        for url in record.get("urls") or [record["url"]]:
            progress.done_urls.update((url, canonical_url(url)))
        progress.reports_by_portal[record["portal"]] += 1
    cells = [line for line in _complete_lines(run_dir / "cells.jsonl.part") if json.loads(line)["report_id"] in ids]
    errors = _complete_lines(run_dir / "errors.jsonl.part")
    for line in errors:
        entry = json.loads(line)
        progress.error_keys.add((entry["url"], entry["stage"]))
    for name, lines in (("reports", reports), ("cells", cells), ("errors", errors)):
        part = run_dir / f"{name}.jsonl.part"
        repaired = part.with_name(f"{name}.jsonl.repaired")
        repaired.write_bytes(b"".join(line + b"\n" for line in lines))
        repaired.replace(part)
    progress.counts.update({"reports": len(reports), "cells": len(cells), "errors": len(errors)})
    return progress
