"""The scheduler of a run shared through Redis: scrapy-redis's, on the run's own keys
(govcrawl/distributed.py tells how a shared run works). A module of its own so that scrapy-redis
and redis are imported only by a crawl with REDIS_URL (they took 55 ms of every crawl's start)."""

from __future__ import annotations

import logging

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from govcrawl.distributed import POLL_SECONDS, SharedRun

logger = logging.getLogger(__name__)


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop keeps what it hands out in the worker's taken hash."""

    def __init__(self, server, spider, key, serializer=None, run: SharedRun | None = None):
        super().__init__(server, spider, key, serializer)
        self.run = run

    def push_unseen(self, request, fingerprint: str) -> bool:
        """Queue the request unless its fingerprint is seen ("" = always), in one Redis step."""
        return self.run.enqueue(self._encode_request(request), -request.priority, fingerprint)

    def pop(self, timeout=0) -> tuple[object, bytes] | None:
        encoded = self.run.take()
        return (self._decode_request(encoded), encoded) if encoded else None


class SharedScheduler(RedisScheduler):
    """scrapy-redis's scheduler for one run of several workers (module docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.taken = {}  # request object → its encoded form in the taken hash
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.run = spider.shared_run  # joined when the spider was made (spiders/base.py)
        self.queue = ReliableQueue(self.server, spider, self.run.keys["requests"], self.serializer, run=self.run)
        self.df = RFPDupeFilter(self.server, key=self.run.keys["seen"], debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.run.reclaim_dead()
        if len(self.queue):
            logger.info("govcrawl run %s: %d requests already queued", self.run.run_id, len(self.queue))

    def close(self, reason):
        """Never clears the queue or the fingerprints: other workers may still need them. The run
        files leave the run (SharedRun.leave) once this worker's own files are written."""
        self._finished_with_done_requests()
        # The health checks (govcrawl/monitors.py, on spider_closed, right after this) judge the
        # run, not this worker's share of it: a worker that joined late may have found no report.
        totals = self.run.counts()
        self.stats.set_value("govcrawl/run/reports", totals.get("reports", 0))
        self.stats.set_value("govcrawl/run/errors", totals.get("errors", 0))
        self.stats.set_value("govcrawl/run/reports_by_portal",
                             {key.removeprefix("portal:"): n for key, n in totals.items() if key.startswith("portal:")})

    def enqueue_request(self, request) -> bool:
        """scrapy-redis's, with the duplicate check and the push in one Redis step (ENQUEUE)."""
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push_unseen(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def _finished_with_done_requests(self) -> None:
        """Requests the engine no longer holds are done: their follow-ups are queued and their
        records written (Scrapy removes a request from its slot only after scraping it)."""
        in_progress = self.crawler.engine._slot.inprogress
        done = [request for request in self.taken if request not in in_progress]
        self.run.finished_with([self.taken.pop(request) for request in done])

    def next_request(self):
        self._finished_with_done_requests()
        taken = self.queue.pop()
        if taken is None:
            return None
        request, encoded = taken
        self.taken[request] = encoded
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Whether the run (not only this worker) has work left; the engine asks when this worker
        is idle and polls next_request again every few seconds while the answer is yes."""
        self._finished_with_done_requests()
        self.run.reclaim_dead()
        if not self.run.has_work():
            return False
        # Work is queued or held by other workers: ask again in a second, not at the engine's own
        # next heartbeat (5 s), so that a worker joins in soon and the run ends soon after it is done.
        self.crawler.engine._slot.nextcall.schedule(POLL_SECONDS)
        return True
