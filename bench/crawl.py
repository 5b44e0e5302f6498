"""Crawl a generated portal of REPORTS reports: pages per second and peak memory, for one
govcrawl process, two govcrawl processes sharing the run through Redis, and the bare-Scrapy floor.

    .venv/bin/python bench/crawl.py [--reports 10000] [--modes single,redis,floor] [--script-lists-every N] [--rounds N]
                                    [--extract-workers 1,2]

The portal is replica/large.py's (TRS columns of ten reports, five a list page, one report in ten a
real report page with its statutory tables), written into a temporary directory and served by
the replica server. Each mode crawls it with no politeness delay and 16 requests at a time per
process:

- `single`: `scrapy crawl large` (everything govcrawl does: raw store, extraction, run files,
  health checks); with `--extract-workers 1,2`, once with each number of extraction workers
  (EXTRACT_WORKERS; by default one per core);
- `redis`: two such processes with `-s REDIS_URL=…` on a redis-server of its own (the
  memory is the two processes', Redis's own is printed apart);
- `floor`: a bare Scrapy spider outside the project that follows the same links (the pager's
  pages included) and extracts nothing: what fetching alone costs here.

Memory is sampled from /proc every 0.2 s as PSS (shared pages counted once) over the whole process
tree of each crawl — Scrapy, and the Playwright driver and Chromium when lists are built by script
(`--script-lists-every N`: every N-th column; the floor reads only the static lists). CPU seconds
are those of each crawl's process tree (its extraction workers included; not the replica server's,
which runs in this process and serves every mode alike), from the kernel's accounting of the
finished processes: on a machine busy with other work they move far less than wall-clock time.
Each round ends comparing each `single` crawl with `floor`: wall-clock time and CPU time, govcrawl's
over the bare crawl's. With `--rounds N` every mode crawls N times, the modes alternated, and the
median of the rounds' ratios ends the output: on a shared machine one pair of crawls can fall
either side of a load spike, and the ratio of one round moves by a third from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.large import HOST, SPIDER, serve_large_portal  # noqa: E402
from replica.local_redis import LocalRedis  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]
FLOOR_SPIDER = '''
import re
import scrapy

PAGER = re.compile(r"createPageHTML\\((\\d+),\\s*(\\d+)")


class Floor(scrapy.Spider):
    """Follows what govcrawl follows on this portal, reads nothing."""
    name = "floor"

    def __init__(self, start, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            is_report = href.rsplit("/", 1)[-1].startswith("t")
            yield response.follow(href, callback=self.report if is_report else self.parse)
        pager = PAGER.search(response.text)
        if pager and int(pager.group(2)) == 0:
            for n in range(1, int(pager.group(1))):
                yield response.follow(f"index_{n}.html")

    def report(self, response):
        yield {"url": response.url, "bytes": len(response.body)}
'''


def tree_pss_kib(root_pids: list[int]) -> int:
    """Memory of processes and all their descendants, from /proc: the proportional set size, so
    the pages Chromium's processes share are counted once (summed RSS would count them in
    every process)."""
    children: dict[int, list[int]] = {}
    pss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            rollup = Path(f"/proc/{entry}/smaps_rollup").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        pss[int(entry)] = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    total, stack = 0, list(root_pids)
    while stack:
        pid = stack.pop()
        total += pss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(commands: list[list[str]], cwd: Path, env: dict) -> tuple[float, float, int, list[int]]:
    """Run the commands at once; (seconds until the last exits, CPU seconds of their process trees,
    peak PSS KiB of all, exit codes)."""
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=cwd, env=env) for command in commands]
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss_kib([p.pid for p in processes]))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    codes, cpu = [], 0.0
    for process in processes:
        # wait4: the process's rusage, with that of the descendants it waited for (its workers).
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        codes.append(process.returncode)
        cpu += usage.ru_utime + usage.ru_stime
    done.set()
    sampler.join()
    return time.perf_counter() - started, cpu, peak, codes


def records_in(output: Path) -> int:
    (run_dir,) = (output / "runs" / SPIDER).iterdir()
    return len((run_dir / "reports.jsonl").read_bytes().splitlines())


def crawl_once(mode: str, settings: list[str], output: Path, replica, env: dict, work: Path) -> tuple:
    """One crawl of the portal in `mode` into `output`: (seconds, CPU seconds, peak PSS KiB, exit codes, records, a note)."""
    crawl = [sys.executable, "-m", "scrapy", "crawl", SPIDER, "-s", f"REPLICA_URL={replica.url}",
             "-s", f"OUTPUT_DIR={output}", *FAST, *settings]
    if mode == "single":
        return (*measure([crawl], ROOT, env), records_in(output), "")
    if mode == "redis":
        with LocalRedis() as redis_server:
            shared = crawl + ["-s", f"REDIS_URL={redis_server.url}"]
            measured = measure([shared, shared], ROOT, env)
            note = f" + Redis {redis_server.client.info('memory')['used_memory_peak'] / 2**20:.1f} MiB"
        return (*measured, records_in(output), note)
    (work / "floor.py").write_text(FLOOR_SPIDER, encoding="utf-8")
    bare_env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    floor = [sys.executable, "-m", "scrapy", "runspider", str(work / "floor.py"),
             "-a", f"start={replica.url}/_site/{HOST}/gknb/", "-o", str(output / "items.jsonl"), *FAST]
    output.mkdir()
    return (*measure([floor], work, bare_env), len((output / "items.jsonl").read_bytes().splitlines()), "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--modes", default="single,redis,floor")
    parser.add_argument("--script-lists-every", type=int, default=0, help="every N-th column's list built by script")
    parser.add_argument("--rounds", type=int, default=1,
                        help="crawl in every mode this many times, the modes alternated; with more than one, the median ratio too")
    parser.add_argument("--extract-workers", default="",
                        help="`single` once per number of extraction workers listed (e.g. 1,2); default: EXTRACT_WORKERS's default")
    args = parser.parse_args()
    # (label, mode, settings) of each crawl of a round
    crawls = []
    for mode in args.modes.split(","):
        if mode not in ("single", "redis", "floor"):
            parser.error(f"unknown mode {mode!r}")
        if mode == "single" and args.extract_workers:
            crawls += [(f"single, {n} worker{'s' * (n != '1')}", mode, ["-s", f"EXTRACT_WORKERS={n}"])
                       for n in args.extract_workers.split(",")]
        else:
            crawls.append((mode, mode, []))
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with serve_large_portal(work, args.reports, script_lists_every=args.script_lists_every) as (built, replica):
            pages = 1 + len(built["lists"]) + len(built["script_lists"]) + len(built["reports"])
            print(f"site: {pages} pages ({len(built['lists'])} static list pages, {len(built['script_lists'])} lists "
                  f"built by script, {len(built['reports'])} reports)")
            env = dict(os.environ, GOVCRAWL_PORTAL_DIRS=built["portal_dirs"], SCRAPY_SETTINGS_MODULE="govcrawl.settings")
            print("| round | mode | processes | pages | records | seconds | pages/s | CPU seconds | peak memory (PSS) |")
            print("|---|---|---|---|---|---|---|---|---|")
            ratios: dict[str, list[tuple[float, float]]] = {}  # a single crawl's label → (wall, CPU) over the floor's, a round each
            for round_number in range(1, args.rounds + 1):
                measured = {}
                for index, (label, mode, settings) in enumerate(crawls):
                    served_before = len(replica.requests)
                    seconds, cpu, peak, codes, records, note = crawl_once(
                        mode, settings, work / f"output-{index}-{round_number}", replica, env, work)
                    served = len(replica.requests) - served_before
                    failed += any(codes)
                    measured[label] = (seconds, cpu)
                    print(f"| {round_number} | {label} | {len(codes)} | {served} | {records} | {seconds:.1f} | {served / seconds:.1f} | "
                          f"{cpu:.1f} | {peak / 1024:.0f} MiB{note} |" + (f" exit {codes}" if any(codes) else ""), flush=True)
                if "floor" not in measured:
                    continue
                floor_seconds, floor_cpu = measured["floor"]
                for label, mode, _settings in crawls:
                    if mode == "single":
                        seconds, cpu = measured[label]
                        ratios.setdefault(label, []).append((seconds / floor_seconds, cpu / floor_cpu))
                        print(f"{label} / bare Scrapy, round {round_number}: wall-clock time {seconds / floor_seconds:.2f}x, "
                              f"CPU time {cpu / floor_cpu:.2f}x", flush=True)
            for label, rounds in ratios.items():
                if len(rounds) > 1:
                    print(f"{label} / bare Scrapy, median of {len(rounds)} rounds: wall-clock time "
                          f"{statistics.median(r[0] for r in rounds):.2f}x, CPU time {statistics.median(r[1] for r in rounds):.2f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
