from pathlib import Path

import pytest

from .crawling import SharedCrawls

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} (the development gold and seeds) is not beside the repository")
    return SHARED


def pytest_collection_modifyitems(items):
    # The tests that read the shared crawls run last, so that the crawls run in the background
    # while the others do (the sort is stable: each group keeps its order).
    items.sort(key=lambda item: "crawls" in item.fixturenames)


@pytest.fixture(scope="session")
def crawls(tmp_path_factory):
    """Every crawl of the replica the suite reads, each run once (tests/crawling.py)."""
    shared_crawls = SharedCrawls(tmp_path_factory.mktemp("crawls"))
    yield shared_crawls
    shared_crawls.close()


@pytest.fixture(scope="session", autouse=True)
def crawls_start_with_the_session(request):
    """Start the shared crawls with the session's first test, if any test reads them."""
    if any("crawls" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("crawls")
