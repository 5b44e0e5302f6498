"""Running spiders the way a user does — `scrapy crawl NAME -s REPLICA_URL=…` in a subprocess,
the real Scrapy engine over real HTTP to the replica — and reading back what they wrote.

Every crawl the suite reads runs once per test session, shared by every test that reads it:
`SharedCrawls` starts those the selected tests name (their `crawls` marks) together in the
background when the session begins, each with its own replica server, so what a crawl requested
is its own. The one crawl of each spider runs in one Scrapy process with the others
(govcrawl/crawl_together.py, as `govcrawl demo` runs its crawls): alone, each would spend most of
its CPU starting Python and Scrapy.
Test modules add runs of their own (`shared_run`), so that their crawls too run in the background.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonlines

from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

ROOT = Path(__file__).resolve().parents[1]
SPIDERS = sorted(load_manifest()["spiders"])
FEED_NAMES = ("reports", "cells", "errors")

# The shared crawls besides one per spider (named by the spider).
OVERSIZED = "tianqiao, attachments over 2000 bytes refused"
WITHOUT_RAW_STORE = "tianqiao with -O and no raw store"
DASH_O_FILE = "dash-O.jsonl"
DEMO = "govcrawl demo"

# Crawls running at once, beside the test session's own process: they are mostly CPU, and each
# takes about 250 MB (Scrapy and Playwright's drivers).
WORKERS = min(8, max(2, os.cpu_count() or 2))

# The time a document may take is not what these crawls check (tests/test_limits.py does, with
# its own EXTRACT_SECONDS): on a machine the rest of the suite keeps busy, OCR of a report's
# pictures could pass the default limit and the record would depend on the load.
GENEROUS_SECONDS = 600

# OCR reads each picture once per session: the crawls of the suite keep what it read in one
# directory (OCR_CACHE_DIR, govcrawl/extract/ocr_cache.py), so that of the crawls that meet seed
# 000's pictures and tianqiao's scan (each spider's, the demo's, tianqiao's without a raw store,
# the reparse) one reads them and the others take its reading, waiting for it when they meet them
# at once. That a kept reading is the reading is tests/test_ocr_cache.py's.
# pytest-xdist's workers (`make test` runs one per core) take the directory of the process that imported
# this module first, their controller, which removes it when it exits.
IN_XDIST_WORKER = "PYTEST_XDIST_WORKER" in os.environ
OCR_CACHE_VARIABLE = "GOVCRAWL_TESTS_OCR_CACHE"
if OCR_CACHE_VARIABLE in os.environ:
    OCR_CACHE = Path(os.environ[OCR_CACHE_VARIABLE])
else:
    OCR_CACHE = Path(tempfile.mkdtemp(prefix="govcrawl-tests-ocr-"))
    os.environ[OCR_CACHE_VARIABLE] = str(OCR_CACHE)
    atexit.register(shutil.rmtree, OCR_CACHE, True)

# What every crawl of the suite is given besides its own settings. One extraction worker: the
# suite runs several crawls at once on few cores, and a worker per core each would start for
# nothing.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
    "EXTRACT_SECONDS": str(GENEROUS_SECONDS), "EXTRACT_WORKERS": "1", "OCR_CACHE_DIR": str(OCR_CACHE),
}
# The same time, worker and OCR cache for the commands that read documents outside the suite's
# own crawls (demo, reparse); scrapyd's jobs (tests/test_scrapyd.py) run with one worker per core.
READING_OPTIONS = tuple(option for name in ("EXTRACT_SECONDS", "EXTRACT_WORKERS", "OCR_CACHE_DIR")
                        for option in ("-s", f"{name}={TEST_SETTINGS[name]}"))


@dataclass
class Crawl:
    out: Path  # the crawl's directory: its feeds, raw store and -O files
    records: list[dict]
    cells: list[dict]
    errors: list[dict]
    served: list[tuple[str, str, str, int]]  # (method, host, path, status) as the replica saw them
    user_agents: set[str]
    log: str  # the log (stderr) of the process that ran it, with the crawls run beside it

    @property
    def raw(self) -> Path:
        return self.out / "raw"

    def stat(self, name: str) -> int:
        """A Scrapy stat of the crawl, as its run's stats.json recorded it when its engine stopped."""
        (run_stats,) = self.out.glob("runs/*/*/stats.json")
        return json.loads(run_stats.read_text(encoding="utf-8"))["stats"].get(name, 0)

    def served_paths(self) -> set[tuple[str, str]]:
        return {(host, path) for _method, host, path, _status in self.served}


@dataclass
class Demo:
    out: Path  # what `govcrawl demo --output` wrote
    records: list[dict]
    cells: list[dict]
    errors: list[dict]
    summary: str  # its standard output


def read_lines(path: Path) -> list[dict]:
    with jsonlines.open(path) as reader:
        return list(reader)


def host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")


def on_domains(host: str, domains) -> bool:
    """Whether a host is one of the domains or below one, as Scrapy's allowed_domains mean it."""
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def run_scrapy(spider: str, replica_url: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`scrapy crawl spider` against the replica at `replica_url`, run in `cwd` with its run files
    there too (nothing it writes can land in the checkout), `env` added to its environment (not to
    the session's: crawls run in the background meanwhile); a crawl that fails fails the test."""
    completed = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", spider,
            *(option for name, value in TEST_SETTINGS.items() for option in ("-s", f"{name}={value}")),
            "-s", f"REPLICA_URL={replica_url}", "-s", f"OUTPUT_DIR={cwd}",
            *args,
        ],
        cwd=cwd, env=dict(os.environ, SCRAPY_SETTINGS_MODULE="govcrawl.settings", **(env or {})),
        capture_output=True, text=True, timeout=300,
    )
    assert_succeeded(completed, f"{spider} {args}")
    return completed


def assert_succeeded(completed: subprocess.CompletedProcess, what: str) -> None:
    assert completed.returncode == 0, f"{what}: {completed.stderr[-3000:]}"
    # A callback or pipeline that raises is logged and skipped by Scrapy; here it is a failure.
    for marker in ("Spider error processing", "Error processing"):
        assert marker not in completed.stderr, completed.stderr[completed.stderr.index(marker) :][:3000]


def crawl(spider: str, out: Path, *args: str, raw_store: bool = True) -> Crawl:
    """`scrapy crawl spider` against a replica server of its own, run in `out`, with the three
    feeds and, if `raw_store`, the raw store there."""
    out.mkdir(parents=True, exist_ok=True)
    with ReplicaServer(DEFAULT_SITES) as replica:
        completed = run_scrapy(
            spider, replica.url,
            "-s", f"FEEDS={feed_settings(out)['FEEDS']}", "-s", f"RAW_STORE_DIR={out / 'raw' if raw_store else ''}", *args,
            cwd=out,
        )
        served, user_agents = replica.requests, replica.user_agents
    return crawl_result(out, served, user_agents, completed.stderr)


def crawl_result(out: Path, served, user_agents, log: str) -> Crawl:
    return Crawl(out, *(read_lines(out / f"{name}.jsonl") for name in FEED_NAMES), served, user_agents, log)


def feed_settings(out: Path) -> dict[str, str]:
    """The three feeds in `out`, as -s values."""
    return {"FEEDS": json.dumps({str(out / f"{name}.jsonl"): {"format": name} for name in FEED_NAMES})}


def crawl_several(names: list[str], root: Path) -> dict[str, Crawl]:
    """Each spider (or VARIANTS run) crawled as `crawl(spider, …)` would, all in one Scrapy process
    (govcrawl/crawl_together.py), each against a replica server of its own."""
    with ExitStack() as servers:
        replicas = {name: servers.enter_context(ReplicaServer(DEFAULT_SITES)) for name in names}
        outs = {name: root / re.sub(r"\W+", "-", name) for name in names}  # a spider's: its name
        crawls = []
        for name, replica in replicas.items():
            spider, own_settings = VARIANTS.get(name, (name, {}))
            out = outs[name]
            out.mkdir(parents=True, exist_ok=True)
            settings = TEST_SETTINGS | feed_settings(out) | {
                "REPLICA_URL": replica.url, "OUTPUT_DIR": str(out), "RAW_STORE_DIR": str(out / "raw")} | own_settings
            crawls.append({"spider": spider, "settings": settings})
        (root / "crawls.json").write_text(json.dumps({"crawls": crawls}, indent=1), encoding="utf-8")
        completed = subprocess.run(
            [sys.executable, "-m", "govcrawl.crawl_together", str(root / "crawls.json")],
            cwd=root, env=dict(os.environ, SCRAPY_SETTINGS_MODULE="govcrawl.settings"),
            capture_output=True, text=True, timeout=600,
        )
        assert_succeeded(completed, f"{', '.join(names)} in one process")
        return {name: crawl_result(outs[name], replica.requests, replica.user_agents, completed.stderr)
                for name, replica in replicas.items()}


def govcrawl(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """The `govcrawl` command, run from the checkout as a developer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "govcrawl.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def demo(out: Path) -> Demo:
    """`govcrawl demo --output out`; its feeds are those of the latest run of each top-level spider."""
    # Documents get the suite's ample time and OCR cache, as in every test crawl; the rest are the demo's defaults.
    done = govcrawl("demo", "--output", str(out), *READING_OPTIONS, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = sorted((out / "latest").iterdir())
    return Demo(out, *([line for run in runs for line in read_lines(run / f"{name}.jsonl")] for name in FEED_NAMES), done.stdout)


# How the shared runs other than one crawl per spider run, each in a fresh directory of its own.
OTHER_RUNS: dict[str, Callable[[Path], Any]] = {
    DEMO: demo,
    WITHOUT_RAW_STORE: lambda out: crawl("tianqiao", out, "-O", str(out / DASH_O_FILE), raw_store=False),
}


# Shared runs of a spider with settings of its own, crawled with the spiders in their process:
# name → (spider, settings).
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {OVERSIZED: ("tianqiao", {"ATTACHMENT_MAXSIZE": "2000"})}


# Shared runs that read another's result: name → that run's name.
RUNS_AFTER: dict[str, str] = {}


def shared_run(name: str, after: str | None = None):
    """Make `function(out)` the shared run `name`: run once per session, in the background, when a
    selected test names it in its `crawls` mark; `crawls[name]` is what it returned. With `after`
    (another shared run, started first), it is `function(out, what that run returned)`."""

    def register(function: Callable[..., Any]):
        assert name not in OTHER_RUNS, f"two shared runs named {name!r}"
        OTHER_RUNS[name] = function
        if after:
            RUNS_AFTER[name] = after
        return function

    return register


class SharedCrawls:
    """The crawls the suite reads, each run once, in the background: `start` them early,
    `crawls[name]` (a spider's name, or one of VARIANTS or OTHER_RUNS) waits for one (starting it if need be).

    Once per test run, not per process: pytest-xdist's workers share `root`, and of the workers
    that start a run the first claims it (a file made with O_EXCL) and runs it; the others wait for
    the outcome it leaves there (WrittenElsewhere), as it does itself."""

    def __init__(self, root: Path):
        self._root = root
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="crawl")
        self._runs: dict[str, Future | WrittenElsewhere] = {}

    def start(self, *names: str) -> None:
        spiders = [name for name in dict.fromkeys(names) if name not in self._runs and name not in OTHER_RUNS]
        # Those that wait for another run last, so that they do not hold a thread while it runs.
        for name in sorted(names, key=lambda name: name in RUNS_AFTER):
            if name in self._runs:
                continue
            if name in RUNS_AFTER:
                # Queued after the run it reads, which therefore has a thread first: no deadlock.
                self.start(RUNS_AFTER[name])
                self._runs[name] = self._once(name, lambda run, out, after: run(out, self[after]),
                                              OTHER_RUNS[name], self._directory(), RUNS_AFTER[name])
            elif name in OTHER_RUNS:
                self._runs[name] = self._once(name, OTHER_RUNS[name], self._directory())
            else:  # the spiders (and VARIANTS) named, crawled together, where the first of them comes
                together = self._once(" ".join(spiders), crawl_several, spiders, self._directory())
                self._runs |= dict.fromkeys(spiders, together)

    def _once(self, name: str, function: Callable, *args) -> Future | WrittenElsewhere:
        key = hashlib.sha256(name.encode()).hexdigest()[:16]
        result = self._root / f"{key}.pickle"
        try:
            os.close(os.open(self._root / f"{key}.claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return WrittenElsewhere(result, name)
        run = self._pool.submit(function, *args)
        if not IN_XDIST_WORKER:
            return run
        run.add_done_callback(partial(_write_result, result, name))
        # Read back as the other workers read it: every worker's tests meet the same outcome,
        # whichever ran it (an outcome that cannot be written fails them all alike).
        return WrittenElsewhere(result, name)

    def _directory(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self._root))

    def __getitem__(self, name: str) -> Any:
        self.start(name)
        done = self._runs[name].result()
        return done if name in OTHER_RUNS else done[name]

    def close(self) -> None:
        # A worker's runs may be waited for by another worker: it finishes them before it leaves.
        self._pool.shutdown(cancel_futures=not IN_XDIST_WORKER)



def _write_result(path: Path, name: str, run: Future) -> None:
    try:
        outcome = ("result", run.result())
    except BaseException as error:  # noqa: BLE001 — the other workers' tests fail with it too
        outcome = ("error", error)
    try:
        written = pickle.dumps(outcome)
    except Exception as error:  # noqa: BLE001
        written = pickle.dumps(("error", RuntimeError(f"{name}: its outcome cannot be handed to the other workers: {error!r}")))
    path.with_suffix(".part").write_bytes(written)
    path.with_suffix(".part").replace(path)


class WrittenElsewhere:
    """A shared run under pytest-xdist: its outcome, once the worker that claimed it wrote it."""

    TIMEOUT_SECONDS = 1200

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self._outcome: tuple[str, Any] | None = None

    def result(self) -> Any:
        deadline = time.monotonic() + self.TIMEOUT_SECONDS
        while self._outcome is None:
            if self.path.exists():
                self._outcome = pickle.loads(self.path.read_bytes())
            else:
                assert time.monotonic() < deadline, f"{self.name}: the worker that runs it wrote nothing in {self.TIMEOUT_SECONDS} s"
                time.sleep(0.2)
        kind, value = self._outcome
        if kind == "error":
            raise value
        return value


def expectations(spider: str) -> dict:
    """What the replica's builder says a complete crawl by `spider` must do."""
    data = load_manifest()["spiders"][spider]
    return {
        "reports": {r["url"]: r for r in data["reports"]},
        "lists": data["lists"],
        "not_reports": {r["url"]: r["why"] for r in data["not_reports"]},
        "off_limits": data["off_limits"],
    }


def rendered_cells(reports) -> dict[tuple[str, str, str, str], float | int | None]:
    """Every table cell the replica rendered for these manifest reports: (url, table, row, col) → value."""
    return {
        (report["url"], table, row, col): value
        for report in reports
        for table, rows in report["tables"].items() if rows
        for row, columns in rows.items()
        for col, value in columns.items()
    }
