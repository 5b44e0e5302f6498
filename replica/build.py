"""Build the offline replica of the portals: `python -m replica.build`.

Writes sites/{host}/ for the Tianjin municipal sites (tianjin.py), the TRS district
portals (districts.py, from the rows of district_sites.py), 滨海新区 (binhai.py) and 济南市天桥区
(tianqiao.py, with report attachments from documents.py), 临海市 (linhai.py, Hanweb, with the
dynamic endpoints of dynamic.py), and manifest.json,
deterministically (seeded RNGs, dates from the model, no timestamps). The manifest records, per
spider, what was rendered — every list page a complete crawl requests, every report with its
tables as the numbers the tables were drawn from, the pages that are not reports and the URLs a
correct crawl never requests — so the tests compare crawls against the builder, never a parser:

    {"spiders": {"tianjin": {"lists": [...], "reports": [...], "not_reports": [...],
                             "off_limits": [...]}, "hedong": {...}, ...}}

The trees are not kept in git: `built()` builds them on first use into
replica/.built/<digest of the builder's sources>/, so a changed builder gets fresh trees and an
unchanged one is built once per checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from replica.binhai import build_binhai
from replica.linhai import build_linhai
from replica.districts import build_districts
from replica.model import Replica
from replica.tianqiao import build_tianqiao
from replica.tianjin import SEED, SEED_000, build_tianjin

REPLICA_DIR = Path(__file__).resolve().parent
BUILT_DIR = REPLICA_DIR / ".built"
SEED_002 = REPLICA_DIR / "source" / "seed_002_hongqiao_2020.txt"

__all__ = ["SEED_000", "SEED_002", "Built", "build", "built"]


@dataclass(frozen=True)
class Built:
    sites: Path  # sites/{host}/{path}
    manifest: Path  # manifest.json


def build(sites_dir: Path, manifest_path: Path) -> dict:
    replica = Replica(random.Random(SEED))
    build_tianjin(replica)
    build_districts(replica)
    build_binhai(replica)
    build_tianqiao(replica)
    build_linhai(replica)
    if sites_dir.exists():
        shutil.rmtree(sites_dir)
    for relpath, data in sorted(replica.files.items()):
        target = sites_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest = replica.manifest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def sources_digest() -> str:
    """A digest of everything the trees are built from: the builder's modules and source texts."""
    digest = hashlib.sha256()
    for path in sorted([*REPLICA_DIR.glob("*.py"), *(REPLICA_DIR / "source").iterdir()]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def built() -> Built:
    """The trees of the current builder, built now if this checkout has not built them yet.

    Built in a temporary folder and renamed into place, so processes that start at the same time
    (test workers, a demo beside a test run) never see half a tree."""
    target = BUILT_DIR / sources_digest()
    if not target.is_dir():
        BUILT_DIR.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="building-", dir=BUILT_DIR))
        build(work / "sites", work / "manifest.json")
        try:
            os.rename(work, target)
        except OSError:  # another process renamed its identical build first
            shutil.rmtree(work)
    return Built(sites=target / "sites", manifest=target / "manifest.json")


def main() -> None:
    """Build into a folder of your choice (default: the checkout's own cache) and say what is there."""
    if len(sys.argv) > 1:
        out = Path(sys.argv[1])
        manifest = build(out / "sites", out / "manifest.json")
        sites = out / "sites"
    else:
        where = built()
        manifest, sites = json.loads(where.manifest.read_text(encoding="utf-8")), where.sites
    size = sum(f.stat().st_size for f in sites.rglob("*") if f.is_file())
    for name, expect in manifest["spiders"].items():
        print(f"{name}: {len(expect['reports'])} reports, {len(expect['lists'])} list pages, "
              f"{len(expect['not_reports'])} non-reports, {len(expect['off_limits'])} off limits")
    print(f"{sites}: {size // 1024} KiB")


if __name__ == "__main__":
    main()
