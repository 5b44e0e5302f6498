from pathlib import Path

import pytest

from .crawling import DEMO, IN_XDIST_WORKER, SharedCrawls

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} (the development gold and seeds) is not beside the repository")
    return SHARED


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "crawls(*names): the shared crawls and runs a test reads (tests/crawling.py), started with the session"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # The tests that read the shared crawls run last, so that the crawls run in the background
    # while the others do. After pytest's own ordering (by fixture parameters) and selection;
    # the sort is stable, so each group keeps that order.
    items.sort(key=lambda item: item.get_closest_marker("crawls") is not None)


@pytest.fixture(scope="session")
def report_doc(shared) -> bytes:
    """A real .doc: the national template filled with known numbers (tests/test_extract_docx.py),
    converted to Word 97 by LibreOffice itself — once, for every test that reads one."""
    from govcrawl.extract.legacy import convert

    from .test_extract_docx import expected_tables, filled, table_values

    template = (shared / "samples" / "template-gov2021-blank.docx").read_bytes()
    return convert(filled(template, table_values(expected_tables())), suffix=".docx", target="doc", kind="DOCX")


@pytest.fixture(scope="session")
def crawls(request, tmp_path_factory):
    """Every crawl of the replica the suite reads, and the runs test modules share (`shared_run`),
    each run once; those the selected tests name in their `crawls` marks start at once, the demo
    (the longest) first, then in the tests' order."""
    # pytest-xdist's workers have temporary directories of their own in one of the run's.
    root = tmp_path_factory.getbasetemp().parent / "crawls" if IN_XDIST_WORKER else tmp_path_factory.mktemp("crawls")
    root.mkdir(exist_ok=True)
    shared_crawls = SharedCrawls(root)
    named = dict.fromkeys(name for item in request.session.items for mark in item.iter_markers("crawls") for name in mark.args)
    shared_crawls.start(*sorted(named, key=lambda name: name != DEMO))
    yield shared_crawls
    shared_crawls.close()


@pytest.fixture(scope="session", autouse=True)
def crawls_start_with_the_session(request):
    """Start the shared crawls with the session's first test, if a test reads them."""
    if any(item.get_closest_marker("crawls") for item in request.session.items):
        request.getfixturevalue("crawls")
