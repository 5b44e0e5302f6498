"""Crawl health: Spidermon monitors run when every crawl closes (settings.SPIDERMON_*).

- finish reason is `finished` (Spidermon's FinishReasonMonitor);
- every record validates against govcrawl/schema/report.schema.json (Spidermon's item
  validation pipeline counts the errors; its ItemValidationMonitor allows none);
- the run found reports at all — a dead portal, a changed site or a blocked crawler yields
  nothing, and that is a failure, not an empty success;
- per portal, at least as many reports as the previous good run of the same spider with the
  same arguments, less GOVCRAWL_MAX_REPORT_DROP (a share);
- error entries are at most GOVCRAWL_MAX_ERROR_SHARE of reports + errors.

The action records which monitors failed, with their numbers, in the crawl's stats; the run
files (govcrawl/runs.py) turn that into the run's status, the log line and the exit code.
"""

from __future__ import annotations

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import FinishReasonMonitor, ItemValidationMonitor
from spidermon.core.actions import Action

# Spidermon's runner logs its results through Spider.log(), which Scrapy 2.19 deprecates: every
# crawl ended with a warning about Spidermon's code that a user can do nothing about.
warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated", ScrapyDeprecationWarning, r"spidermon\.")


@monitors.name("reports found")
class ReportsFoundMonitor(Monitor):
    @monitors.name("the crawl found reports")
    def test_found_reports(self):
        stats = self.data.stats
        if not stats.get("govcrawl/run/reports", 0):
            self.fail(
                f"{', '.join(self.data.spider.portals)} yielded no reports ({stats.get('govcrawl/list_pages', 0)} list pages read, "
                f"{stats.get('govcrawl/report_pages', 0)} report pages, {stats.get('govcrawl/run/errors', 0)} error entries)"
            )

    @monitors.name("no portal lost reports since the previous good run")
    def test_no_portal_lost_reports(self):
        stats = self.data.stats
        previous = stats.get("govcrawl/previous_reports_by_portal")
        if not previous:
            self.skipTest("no previous good run of this spider with these arguments")
        tolerance = self.data.crawler.settings.getfloat("GOVCRAWL_MAX_REPORT_DROP")
        now = stats.get("govcrawl/run/reports_by_portal", {})
        dropped = [
            f"{portal} {now.get(portal, 0)} < {count} in run {stats.get('govcrawl/previous_run')}"
            for portal, count in sorted(previous.items())
            if now.get(portal, 0) < count * (1 - tolerance)
        ]
        if dropped:
            self.fail(f"reports dropped by more than {tolerance:.0%}: " + "; ".join(dropped))


@monitors.name("error share")
class ErrorShareMonitor(Monitor):
    @monitors.name("error entries within GOVCRAWL_MAX_ERROR_SHARE")
    def test_error_share(self):
        stats = self.data.stats
        errors, reports = stats.get("govcrawl/run/errors", 0), stats.get("govcrawl/run/reports", 0)
        if not errors:
            return
        limit = self.data.crawler.settings.getfloat("GOVCRAWL_MAX_ERROR_SHARE")
        share = errors / (errors + reports)
        if share > limit:
            self.fail(f"{errors} error entries for {reports} reports: {share:.0%} > {limit:.0%}")


class RecordHealth(Action):
    """Puts each monitor's outcome in the stats, where the run files read it."""

    def run_action(self):
        stats = self.data.crawler.stats
        # Failed and raised alike (Spidermon's ERROR statuses): either is a check that did not hold.
        failed = [f"{r.monitor.name}: {r.reason}" for r in self.result.monitors_failed_results]
        stats.set_value("govcrawl/health/failed", failed)
        stats.set_value("govcrawl/health/passed", [r.monitor.name for r in self.result.monitors_passed_results])


class CrawlHealth(MonitorSuite):
    monitors = [FinishReasonMonitor, ItemValidationMonitor, ReportsFoundMonitor, ErrorShareMonitor]
    monitors_finished_actions = [RecordHealth]
