"""Each crawl's own run files under OUTPUT_DIR, written so that no run ever destroys data.

    OUTPUT_DIR/runs/<spider>/<run id>/reports.jsonl, cells.jsonl, errors.jsonl, stats.json
    OUTPUT_DIR/latest/<spider> → ../runs/<spider>/<run id>   (the latest run whose health held)
    OUTPUT_DIR/raw/                                           (bytes by sha256, shared by all runs)

A run id is its UTC start time plus a random suffix, so concurrent jobs of one spider never share
a directory. Feeds are written as `*.jsonl.part` and renamed when the spider closes; `stats.json`
comes last, after the health monitors (govcrawl/monitors.py) have run, so a run directory
without it is a run that was killed. With JOBDIR, a run that did not finish keeps its .part
feeds (and writes `interrupted.json` instead of stats.json when it could close), and the next
crawl with the same JOBDIR continues it (govcrawl/resume.py). `latest/<spider>` moves only to a run whose status is ok: a
crawl of a dead portal leaves the previous good data where it was.

A run shared by several workers through Redis (govcrawl/distributed.py) has one run id; each worker
writes its files (the same four) under the run's `workers/<worker>/`, and the worker that completes
the run merges them into the run's own files, written like a single crawl's (`merge_worker_files`):
a run directory with `stats.json` is complete either way.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.utils.job import job_dir
from scrapy.utils.serialize import ScrapyJSONEncoder

from govcrawl import __version__
from govcrawl.exporters import CellLinesExporter, ErrorLinesExporter, ReportLinesExporter
from govcrawl.items import CrawlError, Report, utc_now
from govcrawl import resume
from govcrawl.urls import canonical_url

logger = logging.getLogger(__name__)

# Cells before their record: a record's line is the mark that its report is done (resume.py).
FEED_EXPORTERS = {"cells": CellLinesExporter, "reports": ReportLinesExporter, "errors": ErrorLinesExporter}
# Runs of this process whose health failed: `scrapy crawl` exits non-zero for them (commands/crawl.py).
FAILED_RUNS: list[str] = []


def output_dir(settings) -> Path:
    return Path(settings.get("OUTPUT_DIR") or os.environ.get("GOVCRAWL_OUTPUT_DIR") or "output")


def raw_store_dir(settings) -> Path | None:
    """Where raw bytes are kept: RAW_STORE_DIR when set ("" = nowhere), else OUTPUT_DIR/raw."""
    configured = settings.get("RAW_STORE_DIR")
    if configured is None:
        return output_dir(settings) / "raw"
    return Path(configured) if configured else None


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def run_stats(run_dir: Path) -> dict | None:
    """A finished run's stats.json, None for a run that never finished (killed, or still going)."""
    try:
        return json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def previous_good_run(output: Path, spider: str, arguments: dict, before: str) -> dict | None:
    """The stats of the latest run of `spider` with the same arguments, started before run id
    `before`, whose status was ok."""
    for run_dir in sorted((output / "runs" / spider).glob("*"), reverse=True):
        if run_dir.name >= before:
            continue
        stats = run_stats(run_dir)
        if stats and stats["status"] == "ok" and stats["arguments"] == arguments:
            return stats
    return None


def point_latest(output: Path, spider: str, run_id: str) -> None:
    latest = output / "latest" / spider
    latest.parent.mkdir(parents=True, exist_ok=True)
    temporary = latest.with_name(f".{spider}.{run_id}")
    temporary.symlink_to(Path("..") / "runs" / spider / run_id)
    temporary.replace(latest)  # rename over the old link: readers see the old run or the new one


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


class RunFiles:
    """The extension that writes a run's files; enabled in settings.EXTENSIONS."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.output = output_dir(crawler.settings)
        jobdir = job_dir(crawler.settings)
        self.jobdir = Path(jobdir) if jobdir else None
        self.run_id = new_run_id()
        self.progress = resume.Progress()  # what this run had done before it was resumed, if it was
        self.files: dict = {}
        self.exporters: dict = {}
        self.finished = False
        self.shared_run = None  # the run this worker takes part in, with REDIS_URL (distributed.py)

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        # After spider_closed, when the health monitors have run and the stats are final.
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    @property
    def run_dir(self) -> Path:
        return self.output / "runs" / self.crawler.spider.name / self.run_id

    @property
    def feed_dir(self) -> Path:
        """Where this process writes: the run directory, or its worker's in a shared run."""
        return self.run_dir / "workers" / self.shared_run.worker if self.shared_run else self.run_dir

    def spider_opened(self, spider):
        self.started_at = utc_now()
        self.arguments = dict(getattr(spider, "arguments", {}))
        resumed = self.jobdir and resume.unfinished_run(self.jobdir, self.output, spider.name)
        self.shared_run = getattr(spider, "shared_run", None)
        if self.shared_run:
            self.run_id, self.started_at = self.shared_run.run_id, self.shared_run.started_at
            self.feed_dir.mkdir(parents=True)
            self.shared_run.writes_files()
        elif resumed:
            self.run_id = resumed
            self.started_at = resume.started_at(self.jobdir)
            self.progress = resume.repair(self.run_dir)
            spider.done_urls = self.progress.done_urls
            spider.resumed_records = self.progress.records
            logger.info("govcrawl run %s resumed: %d reports already recorded", self.run_id, self.progress.counts["reports"])
        else:
            self.run_dir.mkdir(parents=True)
            if self.jobdir:
                resume.remember_run(self.jobdir, spider.name, self.run_id, self.started_at)
        self.counts, self.reports_by_portal = self.progress.counts, self.progress.reports_by_portal
        stats = self.crawler.stats
        stats.set_value("govcrawl/run_id", self.run_id)
        stats.set_value("govcrawl/run_dir", str(self.run_dir))
        # Where this process's own files go (its worker's directory in a shared run): the fetch log's too.
        stats.set_value("govcrawl/feed_dir", str(self.feed_dir))
        previous = previous_good_run(self.output, spider.name, self.arguments, self.run_id)
        if previous is not None:  # what the health monitor compares this run with
            stats.set_value("govcrawl/previous_run", previous["run_id"])
            stats.set_value("govcrawl/previous_reports_by_portal", previous.get("reports_by_portal", {}))
        for name, exporter in FEED_EXPORTERS.items():
            self.files[name] = (self.feed_dir / f"{name}.jsonl.part").open("ab")
            self.exporters[name] = exporter(self.files[name])
        logger.info("govcrawl run %s: writing %s", self.run_id, self.feed_dir)

    def item_scraped(self, item, spider):
        if isinstance(item, CrawlError):
            key = (item.url, item.stage)
            if key in self.progress.error_keys:  # already an entry before the run was resumed
                return
            self.progress.error_keys.add(key)
        for exporter in self.exporters.values():
            exporter.export_item(item)
        if isinstance(item, Report):
            self.counts["reports"] += 1
            self.counts["cells"] += len(item.cells)
            self.reports_by_portal[item.record["portal"]] += 1
        elif isinstance(item, CrawlError):
            self.counts["errors"] += 1
        if self.shared_run:  # the whole run's counts, for the health checks (distributed.py)
            self.shared_run.count("reports" if isinstance(item, Report) else "errors")
            if isinstance(item, Report):
                self.shared_run.count(f"portal:{item.record['portal']}")
        stats = self.crawler.stats
        stats.set_value("govcrawl/run/reports", self.counts["reports"])
        stats.set_value("govcrawl/run/errors", self.counts["errors"])
        stats.set_value("govcrawl/run/reports_by_portal", dict(self.reports_by_portal))

    def spider_closed(self, spider, reason):
        for file in self.files.values():
            file.close()
        self.finished = reason == "finished"
        if self.jobdir and not self.finished:
            return  # left to be resumed: the feeds keep their .part names
        met_again = self.crawler.stats.get_value("govcrawl/report_urls_met_again")
        if met_again:
            self._write_report_urls(met_again)
        for name in self.files:
            (self.feed_dir / f"{name}.jsonl.part").replace(self.feed_dir / f"{name}.jsonl")

    def _write_report_urls(self, urls: dict[str, list[str]]) -> None:
        """A record met again under other URLs (pipelines/one_record.py) lists them all in
        `urls`; known only at the end, so the feed is rewritten once, still under its .part name."""
        feed = self.feed_dir / "reports.jsonl.part"
        rewritten = feed.with_name("reports.jsonl.urls")
        with feed.open("rb") as source, rewritten.open("wb") as target:
            for line in source:
                record = json.loads(line)
                if record["url"] in urls:
                    record["urls"] = urls[record["url"]]
                    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                target.write(line)
        rewritten.replace(feed)

    def engine_stopped(self):
        spider = self.crawler.spider
        stats = self.crawler.stats.get_stats()
        health = {"failed": list(stats.get("govcrawl/health/failed", [])), "passed": list(stats.get("govcrawl/health/passed", []))}
        if self.crawler.settings.getbool("SPIDERMON_ENABLED") and "govcrawl/health/passed" not in stats:
            health["failed"].append("the health monitors did not run (see the log)")
        finish_reason = stats.get("finish_reason")
        ok = finish_reason == "finished" and not health["failed"]
        summary = {
            "spider": spider.name,
            "run_id": self.run_id,
            "status": "ok" if ok else "failed",
            "finish_reason": finish_reason,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "arguments": self.arguments,
            "project_version": __version__,
            "counts": {key: self.counts[key] for key in ("reports", "cells", "errors")},
            "reports_by_portal": dict(self.reports_by_portal),
            "health": health,
            "stats": json.loads(json.dumps(stats, cls=ScrapyJSONEncoder, default=str)),
        }
        if self.jobdir and not self.finished:
            summary["status"] = "interrupted"
            _write_atomically(self.run_dir / "interrupted.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
            FAILED_RUNS.append(self.run_id)
            logger.error("govcrawl run %s interrupted (%s): run the same command with JOBDIR=%s to resume it", self.run_id, finish_reason, self.jobdir)
            return
        if self.shared_run:
            summary["worker"] = self.shared_run.worker
            _write_atomically(self.feed_dir / "stats.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
            writers = self.shared_run.leave(finished=self.finished)
            if writers is None:
                if not ok:
                    FAILED_RUNS.append(self.run_id)
                rest = ("the run is completed by another worker" if self.finished else
                        "the requests it held are back in the queue, for the other workers or the next one started")
                logger.log(logging.INFO if ok else logging.ERROR, "govcrawl worker %s of run %s %s (%s): %d reports, "
                           "%d errors; %s", self.shared_run.worker, self.run_id, summary["status"], finish_reason,
                           self.counts["reports"], self.counts["errors"], rest)
                return
            # The last worker of the run: it lists the workers that wrote files, and merges them.
            _write_atomically(self.run_dir / "workers.json", json.dumps(writers, indent=1) + "\n")
            try:
                summary = merge_worker_files(self.run_dir)
            except WorkerFilesElsewhere as elsewhere:
                logger.warning("govcrawl run %s is complete, %s", self.run_id, elsewhere)
                return
            ok, health = summary["status"] == "ok", summary["health"]
        else:
            _write_atomically(self.run_dir / "stats.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        counts = summary["counts"]
        if ok:
            point_latest(self.output, spider.name, self.run_id)
            logger.info("govcrawl run %s ok: %d reports, %d errors → %s", self.run_id, counts["reports"], counts["errors"], self.run_dir)
        else:
            FAILED_RUNS.append(self.run_id)
            why = "; ".join(health["failed"]) or f"finish reason {finish_reason!r}"
            logger.error("govcrawl run FAILED: %s %s: %s. %s is kept as it was.", spider.name, self.run_id, why, self.output / "latest" / spider.name)



def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


class WorkerFilesElsewhere(RuntimeError):
    """A shared run's workers wrote into OUTPUT_DIRs of their own (no shared file system)."""


def merge_worker_files(run_dir: Path) -> dict:
    """A shared run's own files from its workers' (`workers/<worker>/`), written as one crawl
    writes them; returns the run's stats.json. A worker killed before it finished left .part
    feeds: their whole lines count (resume.repair), since what it had not finished was crawled
    again by another worker. A report recorded by two workers — met under two URLs, or crawled
    again because its worker was killed between writing it and saying so — keeps one record with
    every URL in `urls` (the rule of pipelines/one_record.py within one crawl), and that record's
    cells. The run is ok when every worker that finished is ok: killed and interrupted workers are
    listed, their work was done by the others. Every worker in `workers.json` must have its
    directory here: workers on machines without a shared OUTPUT_DIR wrote theirs elsewhere."""
    writers = json.loads((run_dir / "workers.json").read_text(encoding="utf-8"))
    missing = [worker for worker in writers if not (run_dir / "workers" / worker).is_dir()]
    if missing:
        raise WorkerFilesElsewhere(
            f"but the files of workers {', '.join(missing)} are not in {run_dir / 'workers'}: copy their "
            f"workers/<worker>/ directories there from the OUTPUT_DIR they wrote to, then `govcrawl merge-run {run_dir}`")
    records: list[dict] = []
    kept: dict[str, dict] = {}  # sha256 or canonical URL → the record kept
    cells: list[bytes] = []
    errors: dict[tuple[str, str], bytes] = {}
    workers: dict[str, dict] = {}
    fetches: list[bytes] = []  # every worker's fetch log (govcrawl/corpus/extensions.py), one after another
    for worker_dir in (run_dir / "workers" / worker for worker in writers):
        stats = run_stats(worker_dir)
        if stats is None:
            resume.repair(worker_dir)
            workers[worker_dir.name] = {"status": "killed"}
        else:
            workers[worker_dir.name] = stats
        suffix = ".jsonl" if stats else ".jsonl.part"
        recorded_here = set()
        for line in _lines(worker_dir / f"reports{suffix}"):
            record = json.loads(line)
            keys = (record["sha256"], canonical_url(record["url"]))
            first = next((kept[key] for key in keys if key in kept), None)
            if first is None:
                records.append(record)
                recorded_here.add(record["id"])
                kept.update(dict.fromkeys(keys, record))
            else:
                first["urls"] += [url for url in record.get("urls") or [record["url"]] if url not in first["urls"]]
        cells += [line for line in _lines(worker_dir / f"cells{suffix}") if json.loads(line)["report_id"] in recorded_here]
        for line in _lines(worker_dir / f"errors{suffix}"):
            entry = json.loads(line)
            errors.setdefault((entry["url"], entry["stage"]), line)
        fetches += _lines(worker_dir / f"fetches{suffix}")
    if fetches:
        (run_dir / "fetches.jsonl.part").write_bytes(b"".join(line + b"\n" for line in fetches))
        (run_dir / "fetches.jsonl.part").replace(run_dir / "fetches.jsonl")
    for name, lines in (("cells", cells), ("errors", list(errors.values())),
                        ("reports", [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") for r in records])):
        (run_dir / f"{name}.jsonl.part").write_bytes(b"".join(line + b"\n" for line in lines))
        (run_dir / f"{name}.jsonl.part").replace(run_dir / f"{name}.jsonl")
    finished = {name: stats for name, stats in workers.items() if stats.get("finish_reason") == "finished"}
    failed = [f"worker {name}: {check}" for name, stats in finished.items() for check in stats["health"]["failed"]]
    first = next(iter(finished.values()))
    scrapy_stats: Counter = Counter()
    for stats in workers.values():
        scrapy_stats.update({k: v for k, v in stats.get("stats", {}).items() if isinstance(v, int) and not isinstance(v, bool)})
    summary = {
        "spider": first["spider"],
        "run_id": first["run_id"],
        "status": "ok" if not failed else "failed",
        "finish_reason": "finished",
        "started_at": first["started_at"],
        "finished_at": utc_now(),
        "arguments": first["arguments"],
        "project_version": __version__,
        "counts": {"reports": len(records), "cells": len(cells), "errors": len(errors)},
        "reports_by_portal": dict(Counter(record["portal"] for record in records)),
        "health": {"failed": failed, "passed": sorted({check for stats in finished.values() for check in stats["health"]["passed"]})},
        "workers": {name: {k: stats.get(k) for k in ("status", "finish_reason", "started_at", "finished_at", "counts")}
                    for name, stats in workers.items()},
        "stats": dict(scrapy_stats),
    }
    _write_atomically(run_dir / "stats.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return summary
