"""Add each crawl's run to the corpus when it ends: the Scrapy extension `CorpusIngest`.

Enabled by the setting CORPUS_INGEST = True, with an order after govcrawl.runs.RunFiles in
EXTENSIONS, so that its engine_stopped handler runs once RunFiles has written stats.json. A
corpus that cannot be written is one error in the log: the run's files are complete anyway, and
the next `govcrawl corpus ingest` takes the run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from govcrawl.corpus.ingest import ingest_run
from govcrawl.runs import output_dir

logger = logging.getLogger(__name__)


class CorpusIngest:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CORPUS_INGEST"):
            raise NotConfigured("CORPUS_INGEST is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self):
        run_dir = self.crawler.stats.get_value("govcrawl/run_dir")
        if not run_dir:
            logger.error("govcrawl corpus: the run wrote no run directory (is govcrawl.runs.RunFiles enabled?)")
            return
        try:
            result = ingest_run(output_dir(self.crawler.settings), Path(run_dir))
        except Exception as error:  # noqa: BLE001 — the crawl's own files are written; never fail it here
            logger.error("govcrawl corpus: run %s not ingested: %s: %s", run_dir, type(error).__name__, error)
            return
        logger.info("govcrawl corpus: run %s ingested into %s", ", ".join(result.ingested) or "(already there)",
                    output_dir(self.crawler.settings))
