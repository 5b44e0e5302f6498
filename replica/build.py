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

import argparse
import hashlib
import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from replica import later

from replica.binhai import build_binhai
from replica.linhai import build_linhai
from replica.districts import build_districts
from replica.model import Replica
from replica.tianqiao import build_tianqiao
from replica.tianjin import SEED, SEED_000, build_tianjin

REPLICA_DIR = Path(__file__).resolve().parent
BUILT_DIR = REPLICA_DIR / ".built"
SEED_002 = REPLICA_DIR / "source" / "seed_002_hongqiao_2020.txt"
STATES = ("first", "later")
# When the portals' files were last changed, as their web servers' Last-Modified says: the first
# state after the 2024 reports went online, the later one a year on.
FIRST_STATE_DATE = datetime(2025, 6, 30, 8, 0, tzinfo=timezone.utc)
LATER_STATE_DATE = datetime(2026, 6, 30, 8, 0, tzinfo=timezone.utc)

__all__ = ["SEED_000", "SEED_002", "STATES", "Built", "build", "built"]


@dataclass(frozen=True)
class Built:
    sites: Path  # sites/{host}/{path}
    manifest: Path  # manifest.json


def render() -> Replica:
    """The first state of the portals, in memory: every site's files and the manifest entries."""
    replica = Replica(random.Random(SEED))
    build_tianjin(replica)
    build_districts(replica)
    build_binhai(replica)
    build_tianqiao(replica)
    build_linhai(replica)
    return replica


def build(sites_dir: Path, manifest_path: Path, state: str = "first") -> dict:
    """Write one state's site trees and manifest. Every file's modification time is the state's
    date (the later state's changed and new files that date, the files it keeps the first's), so
    the server's Last-Modified is the same on every build of the same builder."""
    replica = render()
    dates = dict.fromkeys(replica.files, FIRST_STATE_DATE)
    changes = None
    if state == "later":
        first = dict(replica.files)
        changes = later.apply(replica)
        dates = {path: FIRST_STATE_DATE if first.get(path) == data else LATER_STATE_DATE
                 for path, data in replica.files.items()}
    elif state != "first":
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    if sites_dir.exists():
        shutil.rmtree(sites_dir)
    for relpath, data in sorted(replica.files.items()):
        target = sites_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (dates[relpath].timestamp(), dates[relpath].timestamp()))
    manifest = replica.manifest() | ({"changes": changes} if changes is not None else {})
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def sources_digest() -> str:
    """A digest of everything the trees are built from: the builder's modules and source texts."""
    digest = hashlib.sha256()
    for path in sorted([*REPLICA_DIR.glob("*.py"), *(REPLICA_DIR / "source").iterdir()]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def built(state: str = "first") -> Built:
    """The trees of the current builder in one state (`first`, or `later`: the same portals at a
    later crawl, replica/later.py), built now if this checkout has not built them yet: the first
    in replica/.built/<digest>/, the later in its `later/` folder.

    Built in a temporary folder and renamed into place, so processes that start at the same time
    (test workers, a demo beside a test run) never see half a tree."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, not {state!r}")
    target = BUILT_DIR / sources_digest()
    if state == "later":
        target = built("first").sites.parent / "later"
    if not target.is_dir():
        BUILT_DIR.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="building-", dir=target.parent))
        build(work / "sites", work / "manifest.json", state)
        try:
            os.rename(work, target)
        except OSError:  # another process renamed its identical build first
            shutil.rmtree(work)
    return Built(sites=target / "sites", manifest=target / "manifest.json")


def main() -> None:
    """Build into a folder of your choice (default: the checkout's own cache) and say what is there."""
    parser = argparse.ArgumentParser(prog="python -m replica.build", description=main.__doc__)
    parser.add_argument("--state", choices=STATES, default="first", help="the portals at the first crawl, or a year later")
    parser.add_argument("dir", nargs="?", type=Path, help="write sites/ and manifest.json here")
    args = parser.parse_args()
    if args.dir:
        manifest = build(args.dir / "sites", args.dir / "manifest.json", args.state)
        sites = args.dir / "sites"
    else:
        where = built(args.state)
        manifest, sites = json.loads(where.manifest.read_text(encoding="utf-8")), where.sites
    size = sum(f.stat().st_size for f in sites.rglob("*") if f.is_file())
    for name, expect in manifest["spiders"].items():
        print(f"{name}: {len(expect['reports'])} reports, {len(expect['lists'])} list pages, "
              f"{len(expect['not_reports'])} non-reports, {len(expect['off_limits'])} off limits")
    for name, changes in manifest.get("changes", {}).items():
        print(f"{name} changed: " + ", ".join(f"{len(entries)} {kind}" for kind, entries in changes.items()))
    print(f"{sites}: {size // 1024} KiB")


if __name__ == "__main__":
    main()
