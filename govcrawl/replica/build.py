"""Build the offline replica of the portals: `python -m govcrawl.replica.build`.

Writes govcrawl/replica/sites/{host}/ for the Tianjin municipal sites (tianjin.py), the TRS district
portals (districts.py, from the rows of district_sites.py), 滨海新区 (binhai.py) and 济南市天桥区
(tianqiao.py, with report attachments from documents.py), 临海市 (linhai.py, Hanweb, with the
dynamic endpoints of dynamic.py), and govcrawl/replica/manifest.json,
deterministically (seeded RNGs, dates from the model, no timestamps). The manifest records, per
spider, what was rendered — every list page a complete crawl requests, every report with its
tables as the numbers the tables were drawn from, the pages that are not reports and the URLs a
correct crawl never requests — so the tests compare crawls against the builder, never a parser:

    {"spiders": {"tianjin": {"lists": [...], "reports": [...], "not_reports": [...],
                             "off_limits": [...]}, "hedong": {...}, ...}}
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from govcrawl.replica.binhai import build_binhai
from govcrawl.replica.linhai import build_linhai
from govcrawl.replica.districts import build_districts
from govcrawl.replica.model import Replica
from govcrawl.replica.tianqiao import build_tianqiao
from govcrawl.replica.tianjin import SEED, SEED_000, build_tianjin

REPLICA_DIR = Path(__file__).resolve().parent
SITES_DIR = REPLICA_DIR / "sites"
MANIFEST_PATH = REPLICA_DIR / "manifest.json"
SEED_002 = REPLICA_DIR / "source" / "seed_002_hongqiao_2020.txt"

__all__ = ["MANIFEST_PATH", "SEED_000", "SEED_002", "SITES_DIR", "build"]


def build(sites_dir: Path = SITES_DIR, manifest_path: Path = MANIFEST_PATH) -> dict:
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


def main() -> None:
    manifest = build()
    size = sum(f.stat().st_size for f in SITES_DIR.rglob("*") if f.is_file())
    for name, expect in manifest["spiders"].items():
        print(f"{name}: {len(expect['reports'])} reports, {len(expect['lists'])} list pages, "
              f"{len(expect['not_reports'])} non-reports, {len(expect['off_limits'])} off limits")
    print(f"{SITES_DIR}: {size // 1024} KiB")


if __name__ == "__main__":
    main()
