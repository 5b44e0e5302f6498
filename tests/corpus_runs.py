"""Real crawls of the replica into an OUTPUT_DIR, as a user's scheduled crawls write it:
`scrapy crawl SPIDER -s OUTPUT_DIR=…` writes OUTPUT_DIR/runs/<spider>/<run id>/ and raw/."""

from __future__ import annotations

import shutil
from pathlib import Path

from replica.server import DEFAULT_SITES, ReplicaServer

from .crawling import run_scrapy


def crawl_run(output: Path, spider: str, *arguments: str, sites: Path = DEFAULT_SITES, scrapy_settings: tuple[str, ...] = ()) -> Path:
    """`scrapy crawl SPIDER -a ARG… [-s NAME=VALUE…]` against the replica (site trees `sites`); its run directory."""
    before = set((output / "runs" / spider).glob("*"))
    spider_arguments = [a for argument in arguments for a in ("-a", argument)]
    output.mkdir(parents=True, exist_ok=True)
    with ReplicaServer(sites) as replica:
        run_scrapy(spider, replica.url, *spider_arguments, *scrapy_settings, cwd=output)
    (run_dir,) = set((output / "runs" / spider).glob("*")) - before
    assert (run_dir / "stats.json").is_file()
    return run_dir


def output_and_sites(out: Path) -> tuple[Path, Path]:
    """An OUTPUT_DIR to crawl into and a copy of the replica's site trees to change, both in `out`."""
    sites = out / "replica" / "sites"
    shutil.copytree(DEFAULT_SITES, sites)
    return out / "corpus", sites
