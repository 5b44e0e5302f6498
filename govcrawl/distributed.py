"""Several workers, one run: `-s REDIS_URL=redis://HOST:6379/0` shares a crawl through Redis.

The addon (settings.ADDONS) turns the shared scheduler on when REDIS_URL is set. It is scrapy-redis's
scheduler, its priority queue and its duplicate filter (govcrawl/shared_scheduler.py), with what a
run of several workers needs and scrapy-redis 0.9 does not give:

- **One run, its arguments with it.** The first worker of a spider registers the run (run id,
  spider arguments) in Redis; every worker that starts while the run is unfinished joins it and
  writes under the same run id. A worker whose arguments differ (`-a scope=all` missing) refuses
  to start, with the run's arguments in its error: it never takes a request it would drop.
- **Keys per run.** Everything lives under `govcrawl:<spider>:<run id>:`, so two runs never share a
  queue or fingerprints, and the run pointer `govcrawl:<spider>:run` is deleted with them when the
  run is complete: the next scheduled run starts clean.
- **Nothing lost when a worker dies.** A request taken from the queue moves, in the same Redis
  script, into the worker's `taken:<worker>` hash, and leaves it only when the engine is done with
  it — its follow-up requests queued, its records written. Each worker beats every
  REDIS_WORKER_TIMEOUT/4 seconds (a thread, so a long extraction does not stop it); a worker
  silent for REDIS_WORKER_TIMEOUT is dead, and the first live worker to notice puts its taken
  requests back in the queue. A worker interrupted (Ctrl-C) puts back its own at once. A new
  request's fingerprint and its place in the queue are written in one script as well: a worker
  killed between the two would leave a request marked seen that nobody crawls.
- **No early end.** A worker stays open while the queue or any live worker's taken requests are not
  empty (another worker's list page may still add work), so a worker that runs out of requests
  does not close, and never clears what others need; the run is complete when both are empty.

Keys (under `govcrawl:<spider>:`): `run` (JSON: run_id, arguments, arguments_key, started_at), and per run
`<run id>:requests` (sorted set, scrapy-redis's PriorityQueue), `:seen` (fingerprints, scrapy-redis's
RFPDupeFilter), `:workers` (worker → last beat, Redis server time), `:taken:<worker>` (encoded request →
score), `:counts` (reports, errors, portal:<name>, for the health checks on the whole run), `:writers`
and `:done` (workers that wrote files, that finished). The run's files are laid out by govcrawl/runs.py.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time

from govcrawl.items import utc_now
from govcrawl.runs import new_run_id

logger = logging.getLogger(__name__)

SCHEDULER = "govcrawl.shared_scheduler.SharedScheduler"
DEFAULT_WORKER_TIMEOUT = 60.0
POLL_SECONDS = 1.0  # how often an idle worker looks for work while the run has some

# Join the spider's run, or start it (ARGV[1], the proposed registration); a worker whose
# arguments (ARGV[2], canonical JSON) are the run's beats in the same step, so that the run cannot
# complete and vanish between its joining and its first beat.
JOIN = """
local registration = redis.call('GET', KEYS[1])
if not registration then
  redis.call('SET', KEYS[1], ARGV[1])
  registration = ARGV[1]
end
local run = cjson.decode(registration)
if run.arguments_key ~= ARGV[2] then return registration end
local prefix = ARGV[3] .. run.run_id
local now = redis.call('TIME')
redis.call('HSET', prefix .. ':workers', ARGV[4], now[1] + now[2] / 1e6)
return registration
"""
# Take the request of highest priority and keep it in the worker's taken hash, atomically: a
# worker killed right after the pop still has it on record.
TAKE = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('HSET', KEYS[2], item[1], item[2])
return item[1]
"""
# Queue a request (ARGV[2], score ARGV[3]) unless its fingerprint (ARGV[1]; "" = never filtered) is
# already seen, in one step: a worker killed between marking it seen and queueing it would leave a
# request no one crawls (its list page, put back and read again, would find it seen). 1 = queued.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
"""
# Beat: the worker's time is Redis's, so the machines' clocks need not agree.
BEAT = """
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], now[1] + now[2] / 1e6)
"""
# Put back the taken requests of every worker silent for ARGV[1] seconds (or of the worker
# ARGV[3], leaving), and forget it. Returns {worker, requests put back, ...}.
RECLAIM = """
local now = redis.call('TIME')
now = now[1] + now[2] / 1e6
local reclaimed = {}
local beats = redis.call('HGETALL', KEYS[1])
for i = 1, #beats, 2 do
  if beats[i] == ARGV[3] or now - tonumber(beats[i + 1]) > tonumber(ARGV[1]) then
    local taken = ARGV[2] .. beats[i]
    local entries = redis.call('HGETALL', taken)
    for j = 1, #entries, 2 do redis.call('ZADD', KEYS[2], entries[j + 1], entries[j]) end
    redis.call('DEL', taken)
    redis.call('HDEL', KEYS[1], beats[i])
    table.insert(reclaimed, beats[i])
    table.insert(reclaimed, #entries / 2)
  end
end
return reclaimed
"""
# The run is complete when no worker is listed and nothing is queued; the one script run that finds
# it so, with the run pointer still this run's, deletes the run's keys and answers 1 (the last
# worker). -1 = workers are still listed; 0 = another worker completed the run, or requests were
# put back by a worker that left unfinished (the run waits in Redis for a worker to continue it).
COMPLETE = """
if redis.call('HLEN', KEYS[1]) > 0 then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 or redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', unpack(KEYS))
return 1
"""
# Whether the run has work left: queued requests, or requests a listed worker has taken.
PENDING = """
if redis.call('ZCARD', KEYS[2]) > 0 then return 1 end
for _, worker in ipairs(redis.call('HKEYS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 1 then return 1 end
end
return 0
"""


class RunArgumentsDiffer(RuntimeError):
    """A worker joined a run with other spider arguments than the run's."""


class RedisAddon:
    """Scrapy addon (settings.ADDONS): REDIS_URL set = the shared scheduler and duplicate filter."""

    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        # The project's own SCHEDULER is set at "project" priority; a -s SCHEDULER still wins.
        settings.set("SCHEDULER", SCHEDULER, priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"


class SharedRun:
    """The run a worker takes part in, as Redis holds it."""

    def __init__(self, server, spider: str, arguments: dict, worker_timeout: float):
        self.server = server
        self.spider = spider
        self.worker = worker_name()
        self.worker_timeout = worker_timeout
        self.pointer = f"govcrawl:{spider}:run"
        self.run_id, self.started_at, self.registration = self._join(arguments)
        prefix = f"govcrawl:{spider}:{self.run_id}"  # as JOIN makes it
        self.keys = {name: f"{prefix}:{name}" for name in ("requests", "seen", "workers", "counts", "done", "writers")}
        self.taken_prefix = f"{prefix}:taken:"
        self.taken_key = self.taken_prefix + self.worker
        self._take = server.register_script(TAKE)
        self._enqueue = server.register_script(ENQUEUE)
        self._beat = server.register_script(BEAT)
        self._reclaim = server.register_script(RECLAIM)
        self._pending = server.register_script(PENDING)
        self._complete = server.register_script(COMPLETE)
        self._stop_beating = threading.Event()
        self._beater = threading.Thread(target=self._beat_until_stopped, name="govcrawl-heartbeat", daemon=True)
        self._beater.start()

    def _join(self, arguments: dict) -> tuple[str, str, bytes]:
        arguments_key = json.dumps(arguments, sort_keys=True)
        proposed = {"run_id": new_run_id(), "arguments": arguments, "arguments_key": arguments_key, "started_at": utc_now()}
        registration = self.server.register_script(JOIN)(
            keys=[self.pointer], args=[json.dumps(proposed, ensure_ascii=False), arguments_key, f"govcrawl:{self.spider}:", self.worker])
        run = json.loads(registration)
        if run["arguments_key"] != arguments_key:
            raise RunArgumentsDiffer(
                f"run {run['run_id']} of {self.spider} in Redis was started with the spider arguments "
                f"{run['arguments']}, this worker has {arguments}: start it with the run's arguments "
                f"(scrapy crawl {self.spider} {' '.join(f'-a {k}={v}' for k, v in run['arguments'].items())}), "
                f"or wait until the run is complete")
        logger.info("govcrawl run %s (%s): worker %s %s", run["run_id"], self.spider, self.worker,
                    "started it" if run["run_id"] == proposed["run_id"] else "joined it")
        return run["run_id"], run["started_at"], registration

    def beat(self) -> None:
        self._beat(keys=[self.keys["workers"]], args=[self.worker])

    def _beat_until_stopped(self) -> None:
        while not self._stop_beating.wait(self.worker_timeout / 4):
            try:
                self.beat()
            except Exception:  # Redis unreachable for a moment: the next beat tries again
                logger.exception("govcrawl: heartbeat to Redis failed")

    def writes_files(self) -> None:
        """Say that this worker has its files in the run (the run files, once they are open):
        the run's last worker merges the files of every worker that did."""
        self.server.sadd(self.keys["writers"], self.worker)

    def enqueue(self, encoded: bytes, score: int, fingerprint: str) -> bool:
        return bool(self._enqueue(keys=[self.keys["seen"], self.keys["requests"]], args=[fingerprint, encoded, score]))

    def take(self) -> bytes | None:
        return self._take(keys=[self.keys["requests"], self.taken_key]) or None

    def finished_with(self, encoded: list[bytes]) -> None:
        if encoded:
            self.server.hdel(self.taken_key, *encoded)

    def reclaim_dead(self, leaving: str = "") -> None:
        reclaimed = self._reclaim(keys=[self.keys["workers"], self.keys["requests"]],
                                  args=[self.worker_timeout, self.taken_prefix, leaving])
        for worker, count in zip(reclaimed[::2], reclaimed[1::2]):
            worker = worker.decode()
            if worker != self.worker:
                logger.warning("govcrawl: worker %s of run %s silent for over %.0f s: %d requests it had taken "
                               "are back in the queue", worker, self.run_id, self.worker_timeout, count)

    def has_work(self) -> bool:
        return bool(self._pending(keys=[self.keys["workers"], self.keys["requests"]], args=[self.taken_prefix]))

    def count(self, field: str, amount: int = 1) -> None:
        self.server.hincrby(self.keys["counts"], field, amount)

    def counts(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.server.hgetall(self.keys["counts"]).items()}

    def leave(self, finished: bool) -> list[str] | None:
        """Stop beating and leave the run; a worker that did not finish puts back what it had
        taken. A finished worker then waits until no other worker is listed (the others finish,
        or are found dead after REDIS_WORKER_TIMEOUT). The one that completes the run gets every
        worker that wrote files (all final by then), and the run's keys are
        deleted; the others get None."""
        self._stop_beating.set()
        self._beater.join()
        self.reclaim_dead(leaving=self.worker)
        if not finished:
            return None
        self.server.sadd(self.keys["done"], self.worker)
        writers = sorted(worker.decode() for worker in self.server.smembers(self.keys["writers"]))
        keys = [self.keys["workers"], self.keys["requests"], self.pointer, *self.keys.values()]
        while (outcome := self._complete(keys=keys, args=[self.registration])) == -1:
            time.sleep(POLL_SECONDS)
            self.reclaim_dead()
        return writers if outcome == 1 else None


def join(settings, spider: str, arguments: dict) -> SharedRun:
    """Join the spider's run in Redis (or start it): called when a spider is made (spiders/base.py),
    before anything else of the crawl is set up."""
    if settings.get("JOBDIR"):
        raise ValueError("JOBDIR and REDIS_URL: a run shared through Redis continues through Redis "
                         "(start a worker again to resume it); leave JOBDIR out")
    from scrapy_redis.connection import get_redis_from_settings  # scrapy-redis and redis only for a shared run

    server = get_redis_from_settings(settings)
    return SharedRun(server, spider, dict(arguments), settings.getfloat("REDIS_WORKER_TIMEOUT", DEFAULT_WORKER_TIMEOUT))
