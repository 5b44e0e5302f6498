"""A throwaway redis-server on a free loopback port, for the tests and benchmarks of runs shared
through Redis (govcrawl/distributed.py): Debian's `redis-server`, nothing saved to disk."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedis:
    """`with LocalRedis() as server:` — server.url is redis://127.0.0.1:PORT/0, server.pid its process."""

    def __enter__(self) -> LocalRedis:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is missing: `make install` installs Debian's redis-server")
        port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.pid, self.url = self.process.pid, f"redis://127.0.0.1:{port}/0"
        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise
                time.sleep(0.05)

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
