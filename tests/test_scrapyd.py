"""scrapyd for real: a daemon on a free loopback port with its own configuration, directories and
HOME; the project deployed with scrapyd-client from a clean checkout (plus a user's own portal
definition); `tianjin` and `linhai` crawling the replica as two jobs at the same time, their run
files checked against the replica's manifest; and README's crontab line run as cron runs it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import jsonlines
import pytest

from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

from .crawling import shared_run
from .deploying import ROOT, SCRIPTS, clean_checkout, spider_names

# A user's own portal, added to the checkout before deploying: it reaches scrapyd only in the egg.
USER_PORTAL = ("example", '''name = "example"
cms = "trs_wcm"
allowed_domains = ["example.gov.cn"]
start_urls = ["https://www.example.gov.cn/gknb/"]
owner = {name = "示例市人民政府", region_code = "120000", level = "city"}
''')
CRAWLED = ("tianjin", "linhai")
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}
# Pages of the replica that must become error entries, by the manifest's `why`, with their stage.
ERROR_STAGES = {"dead_link": "download", "broken": "extract"}
# How long a job may take to start and to finish: the jobs run beside the session's other crawls.
TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Scrapyd:
    """A scrapyd daemon of the test's own: scrapyd.conf, eggs, logs, databases and HOME under `root`
    (its working directory, so jobs write their default OUTPUT_DIR there too)."""

    def __init__(self, root: Path):
        self.root, self.home = root, root / "home"
        self.home.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Two job slots: the two crawls run side by side and a third job has to wait in the queue.
        (root / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {self.port}\nmax_proc = 2\npoll_interval = 0.2\n"
            "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir = items\n",
            encoding="utf-8",
        )
        # Nothing of the caller's configuration: no ~/.scrapyd.conf, ~/.scrapy.cfg or govcrawl settings.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVCRAWL_", "SCRAPY", "PYTHON"))}
        self.env["HOME"] = str(self.home)
        self.log = root / "scrapyd.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=root, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"scrapyd did not start:\n{self.log_tail()}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            return self.call("daemonstatus.json")["status"] == "ok"
        except OSError:
            return False

    def call(self, endpoint: str, post: list[tuple[str, str]] | None = None, **query: str) -> dict:
        url = f"{self.url}/{endpoint}" + (f"?{urlencode(query)}" if query else "")
        with urlopen(url, data=urlencode(post).encode() if post is not None else None, timeout=30) as response:
            return json.load(response)

    def schedule(self, spider: str, **settings: str) -> str:
        answer = self.call("schedule.json", [("project", "govcrawl"), ("spider", spider)]
                           + [("setting", f"{name}={value}") for name, value in settings.items()])
        assert answer["status"] == "ok", answer
        return answer["jobid"]

    def jobs(self) -> dict:
        return self.call("listjobs.json", project="govcrawl")

    def job_log(self, spider: str, job: str) -> str:
        path = self.root / "logs" / "govcrawl" / spider / f"{job}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else f"(no log at {path})"

    def job_items(self, spider: str, job: str) -> Path:
        """The feed scrapyd adds to a job when items_dir is set (Scrapy's `jsonlines` format)."""
        return self.root / "items" / "govcrawl" / spider / f"{job}.jl"

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def __getstate__(self) -> dict:
        # A stopped daemon handed to the tests of another pytest-xdist worker: its files, not its process.
        return {name: value for name, value in vars(self).items() if name != "process"}


@dataclass
class Deployment:
    scrapyd: Scrapyd
    deployed: dict  # addversion.json's answer, as scrapyd-deploy printed it
    listed: list[str]  # listspiders.json's spiders


@dataclass
class Job:
    spider: str
    id: str
    output: Path  # the job's OUTPUT_DIR
    finished: dict  # its listjobs.json entry
    log: str
    items: Path  # scrapyd's own feed of the job


DEPLOYED_AND_RUN = "scrapyd: the project deployed, tianjin and linhai run as jobs, README's crontab line"
pytestmark = pytest.mark.crawls(DEPLOYED_AND_RUN)


@shared_run(DEPLOYED_AND_RUN)
def deploy_and_run(out: Path):
    """Run once for the session, in the background (tests/crawling.py): the deployment and the
    jobs' run, the daemon stopped when they are done."""
    project = clean_checkout(out / "checkout")
    name, definition = USER_PORTAL
    (project / "govcrawl" / "portals" / f"{name}.toml").write_text(definition, encoding="utf-8")
    scrapyd = Scrapyd(out / "scrapyd")
    try:
        # Another daemon than scrapy.cfg's: a target in the user's ~/.scrapy.cfg, as README says.
        (scrapyd.home / ".scrapy.cfg").write_text(f"[deploy:test]\nurl = {scrapyd.url}/\nproject = govcrawl\n", encoding="utf-8")
        deploy = subprocess.run([str(SCRIPTS / "scrapyd-deploy"), "test"], cwd=project, env=scrapyd.env,
                                capture_output=True, text=True, timeout=120)
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        deployment = Deployment(scrapyd, json.loads(deploy.stdout), scrapyd.call("listspiders.json", project="govcrawl")["spiders"])
        return deployment, run_jobs(scrapyd, out)
    finally:
        scrapyd.stop()


@pytest.fixture(scope="module")
def deployment(crawls) -> Deployment:
    return crawls[DEPLOYED_AND_RUN][0]


@pytest.fixture(scope="module")
def run(crawls):
    return crawls[DEPLOYED_AND_RUN][1]


def wait_for(scrapyd: Scrapyd, done, what: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while not done(jobs := scrapyd.jobs()):
        assert time.monotonic() < deadline, f"{what}: not after {TIMEOUT} s: {jobs}\n{scrapyd.log_tail()}"
        time.sleep(0.3)
    return jobs


def readme_crontab() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """README's crontab: its variables, and its entries as (schedule, command)."""
    (block,) = re.findall(r"```crontab\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    variables, entries = {}, []
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if assignment := re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*(.*)", line):
            variables[assignment[1]] = assignment[2]
        else:
            *schedule, command = line.split(None, 5)
            entries.append((" ".join(schedule), command))
    return variables, entries


def valid_cron_schedule(schedule: str) -> bool:
    bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]  # minute hour day-of-month month day-of-week
    fields = schedule.split()
    if len(fields) != 5:
        return False
    for field, (low, high) in zip(fields, bounds):
        for part in field.split(","):
            found = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
            numbers = [int(n) for n in (found.groups()[1:3] if found else ()) if n is not None]
            if not found or not all(low <= n <= high for n in numbers) or found[4] == "0":
                return False
    return True


def run_jobs(scrapyd: Scrapyd, out: Path):
    """Both crawls scheduled at once; while they hold the two job slots, README's crontab line is run
    (its job waits in the queue and is cancelled there, so it never reaches the real portals)."""
    outputs = {"tianjin": out / "output", "linhai": scrapyd.root / "output"}  # linhai: the default
    outputs["tianjin"].mkdir()
    with ReplicaServer(DEFAULT_SITES) as replica:
        ids = {
            "tianjin": scrapyd.schedule("tianjin", REPLICA_URL=replica.url, OUTPUT_DIR=str(outputs["tianjin"]), **FAST),
            "linhai": scrapyd.schedule("linhai", REPLICA_URL=replica.url, **FAST),
        }
        wait_for(scrapyd, lambda jobs: {j["id"] for j in jobs["running"] + jobs["finished"]} == set(ids.values()), "both jobs started")

        variables, entries = readme_crontab()
        cron_output = out / "cron_output"
        cron_output.mkdir()
        assert set(variables) == {"SCRAPYD", "OUTPUT"}, variables
        (schedule, command), = entries
        # cron: /bin/sh, a minimal environment plus the crontab's variables (here, this daemon's).
        cron_env = {"SHELL": "/bin/sh", "PATH": "/usr/bin:/bin", "HOME": str(scrapyd.home), "LOGNAME": "govcrawl",
                    "SCRAPYD": scrapyd.url, "OUTPUT": str(cron_output)}
        scheduled = subprocess.run(["/bin/sh", "-c", command], env=cron_env, capture_output=True, text=True, timeout=30)
        assert scheduled.returncode == 0, scheduled.stderr
        cron_job = json.loads(scheduled.stdout)["jobid"]
        waiting = [j for j in scrapyd.jobs()["pending"] if j["id"] == cron_job]
        cancelled = scrapyd.call("cancel.json", [("project", "govcrawl"), ("job", cron_job)])

        jobs = wait_for(scrapyd, lambda jobs: set(ids.values()) <= {j["id"] for j in jobs["finished"]}, "both jobs finished")
    finished = {j["id"]: j for j in jobs["finished"]}
    crawls = {
        spider: Job(spider, job, outputs[spider], finished[job], scrapyd.job_log(spider, job), scrapyd.job_items(spider, job))
        for spider, job in ids.items()
    }
    cron = {"schedule": schedule, "command": command, "output": cron_output, "waiting": waiting, "cancelled": cancelled}
    return crawls, cron


def read_run(job: Job) -> tuple[Path, dict, dict[str, list[dict]]]:
    """The job's one finished run directory, its stats.json and its three files."""
    runs = [d for d in (job.output / "runs" / job.spider).glob("*") if (d / "stats.json").is_file()]
    assert len(runs) == 1, f"{job.spider}: finished runs {runs}\n{job.log[-3000:]}"
    (run_dir,) = runs
    lines = {}
    for name in ("reports", "cells", "errors"):
        with jsonlines.open(run_dir / f"{name}.jsonl") as reader:
            lines[name] = list(reader)
    return run_dir, json.loads((run_dir / "stats.json").read_text(encoding="utf-8")), lines


def test_the_deployed_egg_gives_every_spider_and_the_users_own(deployment):
    expected = sorted([*spider_names(), USER_PORTAL[0]])
    assert deployment.deployed["status"] == "ok" and deployment.deployed["spiders"] == len(expected), deployment.deployed
    # `example` is in no definition outside the egg: the spiders come from the deployed egg.
    assert deployment.listed == expected


def test_the_two_jobs_crawl_at_the_same_time(run):
    crawls, _cron = run
    spans = [(datetime.fromisoformat(j.finished["start_time"]), datetime.fromisoformat(j.finished["end_time"])) for j in crawls.values()]
    (start_a, end_a), (start_b, end_b) = spans
    assert start_a < end_b and start_b < end_a, spans


@pytest.mark.parametrize("spider", CRAWLED)
def test_each_job_writes_exactly_the_reports_cells_and_errors_of_the_replica(run, spider):
    job = run[0][spider]
    for marker in ("Spider error processing", "Error processing", "Traceback"):
        assert marker not in job.log, job.log[job.log.index(marker):][:3000]
    run_dir, stats, lines = read_run(job)
    manifest = load_manifest()["spiders"][spider]
    expected = {r["url"]: r for r in manifest["reports"]}

    urls = [r["url"] for r in lines["reports"]]
    assert sorted(urls) == sorted(expected), job.log[-3000:]
    for record in lines["reports"]:
        want = expected[record["url"]]
        assert {k: record[k] for k in ("unit", "year", "format", "tables")} == {k: want[k] for k in ("unit", "year", "format", "tables")}

    url_of = {r["id"]: r["url"] for r in lines["reports"]}
    cells = [(url_of[c["report_id"]], c["table"], c["row"], c["col"], c["value"]) for c in lines["cells"]]
    expected_cells = [
        (url, table, row, col, value)
        for url, want in expected.items()
        for table, rows in want["tables"].items() if rows
        for row, columns in rows.items()
        for col, value in columns.items()
    ]
    assert sorted(cells, key=repr) == sorted(expected_cells, key=repr)

    errors = sorted((e["url"], e["stage"], e["portal"]) for e in lines["errors"])
    assert errors == sorted((p["url"], ERROR_STAGES[p["why"]], spider) for p in manifest["not_reports"] if p["why"] in ERROR_STAGES)

    assert stats["status"] == "ok", stats["health"]
    assert stats["counts"] == {"reports": len(urls), "cells": len(cells), "errors": len(errors)}
    assert (job.output / "latest" / spider).resolve() == run_dir.resolve()
    # What OCR read (seed 000's table pictures, on tianjin) is kept in the job's OUTPUT_DIR by default.
    if any(r["via"] == "ocr" for r in lines["reports"]):
        assert any((job.output / "ocr-cache").glob("*/*.pickle"))
    # scrapyd's items_dir feed is a copy of the records, not Scrapy's dump of the items.
    with jsonlines.open(job.items) as reader:
        assert sorted(reader, key=lambda r: r["url"]) == sorted(lines["reports"], key=lambda r: r["url"])


def test_the_readme_crontab_line_schedules_the_crawl_it_says(run):
    _crawls, cron = run
    assert valid_cron_schedule(cron["schedule"]), cron["schedule"]
    assert "%" not in cron["command"], "cron turns % into a newline"
    (waiting,) = cron["waiting"]
    assert (waiting["spider"], waiting["args"], waiting["settings"]) == ("tianjin", {"scope": "all"}, {"OUTPUT_DIR": str(cron["output"])})
    assert cron["cancelled"]["prevstate"] == "pending"
