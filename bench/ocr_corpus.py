"""Tables as pictures: how many OCR readings are accepted, and whether every accepted one is right.

    .venv/bin/python bench/ocr_corpus.py [--reports 4] [--seed 1] [--json out.json]

Draws REPORTS reports per national format (gov2019, gov2021) with random numbers (replica/tables.py,
every identity holding) and random cell styles (zero as 0, blank, -, /, —; money in 元 or 万元); each
report's three tables as PNGs (replica/table_images.py), clean and scan-treated (turned up to 1°,
blurred, noise, JPEG). Each report's pictures go through the engine as a page's images (extract()
with the pictures as the page's attachments). Prints, per format and treatment, the share of tables
accepted, the share of accepted ones exactly equal to the drawn numbers (must be 100%), and the
seconds per picture.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govcrawl.extract import Attachment, extract  # noqa: E402
from replica import tables as t  # noqa: E402
from replica.table_images import render_png, scanned  # noqa: E402

PAGE = "<html><body><h1>测试单位{year}年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>二、主动公开政府信息情况</p></body></html>"
TABLES = ("active_disclosure", "applications", "review_litigation")


def drawn_report(rng: random.Random, fmt: str) -> tuple[dict, dict[str, bytes]]:
    """(the numbers, the clean PNG of each table)."""
    style = t.TableStyle.pick(rng)
    numbers = {
        "active_disclosure": t.make_active_disclosure(rng, fmt, rng.randint(1, 50), {}),
        "applications": t.make_applications(rng, fmt, rng.randint(5, 3000), {}),
        "review_litigation": t.make_review_litigation(rng, rng.randint(1, 40)),
    }
    rows = {
        "active_disclosure": t.active_disclosure_rows(fmt, numbers["active_disclosure"], style),
        "applications": t.applications_rows(fmt, numbers["applications"], style),
        "review_litigation": t.review_litigation_rows(numbers["review_litigation"], style),
    }
    return numbers, {name: render_png(rows[name]) for name in TABLES}


def read_pictures(pictures: list[bytes], year: int) -> dict:
    page = PAGE.format(year=year).encode()
    files = [Attachment(url=f"https://example.gov.cn/{i}.png", name="", body=p) for i, p in enumerate(pictures)]
    return extract(page, media_type="text/html", attachments=files).record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally = defaultdict(lambda: {"tables": 0, "accepted": 0, "right": 0, "pictures": 0, "seconds": 0.0})
    wrong = []
    for fmt, year in (("gov2019", 2020), ("gov2021", 2022)):
        for _ in range(args.reports):
            numbers, pngs = drawn_report(rng, fmt)
            for treatment in ("clean", "scanned"):
                pictures = [pngs[n] if treatment == "clean" else scanned(pngs[n], rng) for n in TABLES]
                started = time.perf_counter()
                record = read_pictures(pictures, year)
                row = tally[f"{fmt} {treatment}"]
                row["seconds"] += time.perf_counter() - started
                row["pictures"] += len(pictures)
                for name in TABLES:
                    row["tables"] += 1
                    got = record["tables"][name]
                    if got is not None:
                        row["accepted"] += 1
                        row["right"] += got == numbers[name]
                        if got != numbers[name]:
                            wrong.append({"format": fmt, "treatment": treatment, "table": name, "got": got,
                                          "drawn": numbers[name]})
                print(fmt, treatment, {n: record["tables"][n] is not None for n in TABLES},
                      [f["rule"] for f in (record.get("tables_ocr_unverified") or {}).get("failing", [])][:4], flush=True)
    print(f"{'':18} {'tables':>6} {'accepted':>9} {'right':>9} {'s/picture':>9}")
    for key, row in sorted(tally.items()):
        accepted = row["accepted"] / row["tables"]
        right = row["right"] / row["accepted"] if row["accepted"] else float("nan")
        print(f"{key:18} {row['tables']:6} {accepted:9.0%} {right:9.0%} {row['seconds'] / row['pictures']:9.1f}")
    print("wrong and accepted:", len(wrong))
    if args.json:
        args.json.write_text(json.dumps({"tally": tally, "wrong": wrong}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
