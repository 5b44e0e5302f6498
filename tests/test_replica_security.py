"""The replica serves its site trees and nothing else, whatever the Host header or path says."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from replica.server import DEFAULT_SITES, ReplicaServer, is_loopback

SECRET = "the-replica-must-never-serve-this"


def get(server: ReplicaServer, host: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        # http.client sends the path exactly as given (like curl --path-as-is) and this Host.
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Path:
    """A small tree of sites, with a secret beside it and symlinks that point out of it."""
    top = tmp_path_factory.mktemp("replica")
    (top / "secret.txt").write_text(SECRET)
    sites = top / "sites"
    site = sites / "www.example.gov.cn"
    (site / "col").mkdir(parents=True)
    (site / "col" / "index.html").write_text("<html><body>列表</body></html>", encoding="utf-8")
    (site / "_site.json").write_text("{}")
    (site / "_data").mkdir()
    (site / "_data" / "records.json").write_text(SECRET)
    (site / "leak.html").symlink_to(top / "secret.txt")
    (site / "out").symlink_to(top)
    (sites / "linked.gov.cn").symlink_to(top)
    return sites


@pytest.fixture(scope="module")
def server(sites):
    with ReplicaServer(sites) as running:
        yield running


def test_a_page_of_a_site_is_served(server):
    status, body = get(server, "www.example.gov.cn", "/col/")
    assert status == 200 and "列表".encode() in body


@pytest.mark.parametrize("host", ["/", "..", ".", "../..", "www.example.gov.cn/..", "www.example.gov.cn/../..",
                                  "linked.gov.cn", "", "%2e%2e", "nonexistent.gov.cn"])
@pytest.mark.parametrize("path", ["/etc/passwd", "/secret.txt", "/../secret.txt", "/sites/www.example.gov.cn/col/index.html"])
def test_a_host_that_is_not_a_site_serves_nothing(server, host, path):
    status, body = get(server, host, path)
    assert SECRET.encode() not in body and b"root:" not in body
    assert status in (200, 404) and (status == 404 or b"govcrawl replica" in body)  # 200 only for the site list at /


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/col/../../secret.txt", "/col/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..\\secret.txt", "/%2e%2e%5csecret.txt", "//etc/passwd", "/%2Fetc%2Fpasswd",
    "/leak.html", "/out/secret.txt", "/_site.json", "/_data/records.json", "/%5fdata/records.json", "/col/%00/../../secret.txt",
])
def test_a_path_never_leaves_its_site(server, path):
    status, body = get(server, "www.example.gov.cn", path)
    assert status == 404, path
    assert SECRET.encode() not in body and b"root:" not in body


@pytest.mark.parametrize("path", [
    "/_site/%2e%2e/secret.txt", "/_site/../secret.txt", "/_site/..%2fsecret.txt", "/_site//etc/passwd",
    "/_site/www.example.gov.cn/%2e%2e/%2e%2e/secret.txt", "/_site/linked.gov.cn/secret.txt", "/_site/./sites/www.example.gov.cn/col/",
    "/_site/www.example.gov.cn/_data/records.json",
])
def test_the_by_hand_site_path_is_confined_too(server, path):
    status, body = get(server, "127.0.0.1", path)
    assert status == 404, path
    assert SECRET.encode() not in body


def test_the_projects_own_sources_are_never_served():
    """The attacks that worked before, against the project's own replica."""
    with ReplicaServer(DEFAULT_SITES) as running:
        assert get(running, "/", "/etc/passwd")[0] == 404
        assert get(running, "127.0.0.1", "/_site/%2e%2e/server.py")[0] == 404
        assert get(running, "www.tj.gov.cn", "/%2e%2e/%2e%2e/server.py")[0] == 404
        assert get(running, "www.tj.gov.cn", "/robots.txt")[0] == 200


def test_loopback_is_told_from_other_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_serving_beyond_loopback_warns(tmp_path, capsys):
    """serve_forever warns before it binds; the bind itself is left to a port nobody can get."""
    from replica import server as replica_server

    with pytest.raises(OSError):
        replica_server.serve_forever(tmp_path, host="192.0.2.1", port=8765)  # TEST-NET-1: never this machine's
    assert "warning: serving the replica on 192.0.2.1" in capsys.readouterr().err
