"""Every spider end to end against the replica: exactly the expected reports, every list page,
nothing it has no business with, records equal to what the replica rendered."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from govcrawl.definitions import load_definitions

from .crawling import SPIDERS, expectations, host_path, on_domains, rendered_cells


@pytest.fixture(scope="module", params=[pytest.param(spider, marks=pytest.mark.crawls(spider)) for spider in SPIDERS])
def run(request, crawls):
    spider = request.param
    return spider, crawls[spider], expectations(spider)


def test_yields_exactly_the_reports_of_the_replica(run):
    _spider, result, expected = run
    urls = [r["url"] for r in result.records]
    assert len(urls) == len(set(urls)), "a report was yielded twice"
    assert set(urls) == set(expected["reports"])


def test_requests_every_list_page(run):
    _spider, result, expected = run
    served = result.served_paths()
    assert [u for u in expected["lists"] if host_path(u) not in served] == []


def test_never_requests_what_a_report_crawl_has_no_business_with(run):
    spider, result, expected = run
    served = result.served_paths()
    assert [u for u in expected["off_limits"] if host_path(u) in served] == []
    (definition,) = [d for d in load_definitions() if d.name == spider]
    for host, _path in served:
        assert on_domains(host, definition.allowed_domains), f"left the portal: {host}"


def test_obeys_robots_txt_and_names_the_project(run):
    _spider, result, _expected = run
    served = result.served_paths()
    assert {host for host, path in served if path == "/robots.txt"} == {host for host, _path in served}
    (user_agent,) = result.user_agents
    assert user_agent.startswith("govcrawl/")


def test_records_keep_the_real_portal_urls(run):
    spider, result, _expected = run
    for record in result.records:
        assert not urlsplit(record["url"]).hostname.startswith("127.")
        assert record["portal"] == spider
        assert record["source_file"] is None


def test_records_match_what_the_replica_rendered(run):
    _spider, result, expected = run
    for record in result.records:
        want = expected["reports"][record["url"]]
        got = {
            "title": record["title"],
            "unit": record["unit"],
            "year": record["year"],
            "format": record["format"],
            "published": record["published"],
            "publisher": record["publisher"],
            "tables": record["tables"],
            "failing_checks": sorted(c["rule"] for c in record["checks"] if c["status"] == "fail"),
        }
        assert got == {key: want[key] for key in got if key != "failing_checks"} | {
            "failing_checks": sorted(want["failing_checks"])
        }, record["url"]
        assert set(want["flags"]) <= set(record["flags"]), record["url"]
        if "attachments" in want:  # portals that publish reports as files
            assert record["via"] == want["via"], record["url"]
            got_files = {a["url"]: (a["sha256"], "error" in a) for a in record["attachments"]}
            assert got_files == {
                a["url"]: (None if a.get("error") and a["sha256"] is None else a["sha256"], bool(a.get("error")))
                for a in want["attachments"]
            }, record["url"]


def test_attachments_are_stored_by_sha256_and_failures_are_error_entries(run):
    _spider, result, _expected = run
    for record in result.records:
        for attachment in record["attachments"]:
            if "error" in attachment:
                assert attachment["error"], record["url"]
            else:
                stored = result.raw / attachment["path"]
                assert stored.is_file() and stored.name == attachment["sha256"]


def test_pages_that_are_not_reports_give_no_record(run):
    _spider, result, expected = run
    assert not {r["url"] for r in result.records} & set(expected["not_reports"])


def test_dead_links_and_broken_pages_are_error_entries_and_the_crawl_goes_on(run):
    _spider, result, expected = run
    errors = {e["url"]: e for e in result.errors}
    kinds = {"dead_link": ("download", "HTTP 404"), "broken": ("extract", "truncated")}
    for url, why in expected["not_reports"].items():
        if why in kinds:
            stage, says = kinds[why]
            assert errors[url]["stage"] == stage
            assert says in errors[url]["error"] + errors[url]["detail"]
    assert len(errors) == sum(why in kinds for why in expected["not_reports"].values())
    assert result.records, "nothing collected"


def test_cells_feed_holds_every_cell_the_replica_rendered_once(run):
    _spider, result, expected = run
    records = {r["id"]: r for r in result.records}
    got = [(records[c["report_id"]]["url"], c["table"], c["row"], c["col"]) for c in result.cells]
    assert len(got) == len(set(got)), "a cell was written twice"
    assert dict(zip(got, (c["value"] for c in result.cells))) == rendered_cells(expected["reports"].values())
    for cell in result.cells:
        record = records[cell["report_id"]]
        assert (cell["year"], cell["unit"], cell["region_code"], cell["format"]) == (
            record["year"], record["unit"]["name"], record["unit"]["region_code"], record["format"])


def test_raw_bytes_are_kept_by_sha256(run):
    _spider, result, _expected = run
    for record in result.records:
        assert (result.raw / record["sha256"][:2] / record["sha256"]).is_file()


def test_a_first_crawl_has_no_corpus_to_use_and_says_so_without_a_warning(run):
    _spider, result, _expected = run
    assert "govcrawl corpus: no " in result.log  # the corpus middlewares say why they stand aside, at INFO
    assert "Disabled govcrawl" not in result.log


def test_the_log_holds_no_python_warnings(run):
    """A warning in every crawl's log (as Spidermon's use of Spider.log() gave under Scrapy 2.19)
    is one a user learns to skip, and then misses the one that matters."""
    _spider, result, _expected = run
    assert "[py.warnings]" not in result.log
