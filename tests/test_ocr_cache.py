"""What the OCR cache keeps (govcrawl/extract/ocr_cache.py) is the reading: a process that cannot
run OCR at all reads a kept picture exactly as a process that reads it; a process that meets a
picture another is reading waits for that reading; an entry that cannot be read is read anew; a
cache that cannot be written is no error; a crawl keeps its readings in OUTPUT_DIR/ocr-cache unless
told otherwise (tests/test_scrapyd.py: a deployed job does)."""

from __future__ import annotations

import fcntl
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from govcrawl.extract import extract, ocr_cache
from govcrawl.pipelines.extract import ExtractPipeline
from replica import tables as t
from replica.table_images import render_png, scanned

from .crawling import ROOT

# Reads the picture at argv[2] with the cache at argv[1] in a process where RapidOCR cannot be
# imported: every cell it reads comes from the cache.
WITHOUT_OCR = """
import json, sys
sys.modules["rapidocr_onnxruntime"] = None
from govcrawl.extract import extract, ocr_cache
ocr_cache.use(sys.argv[1])
print(json.dumps(extract(open(sys.argv[2], "rb").read(), source_file="table.jpg").record, ensure_ascii=False))
"""


def read_without_ocr(cache: Path, picture: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WITHOUT_OCR, str(cache), str(picture)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read(picture: Path, cache: Path | None) -> dict:
    ocr_cache.use(cache)
    try:
        return extract(picture.read_bytes(), source_file="table.jpg").record
    finally:
        ocr_cache.use(None)


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(a scan-treated picture of a 表四, a cache holding its reading, its record read with no cache)."""
    root = tmp_path_factory.mktemp("ocr-cache")
    rng = random.Random(5)
    grid = t.review_litigation_rows(t.make_review_litigation(rng, 10), t.TableStyle())
    picture = root / "table.jpg"
    picture.write_bytes(scanned(render_png(grid), rng))
    cache = root / "cache"
    assert read(picture, cache) == read(picture, None)  # kept or not, the same reading
    return picture, cache, read(picture, None)


def test_a_kept_reading_needs_no_ocr(kept):
    picture, cache, record = kept
    assert record["tables"]["review_litigation"]  # there is something to keep
    done = read_without_ocr(cache, picture).communicate(timeout=120)[0]
    assert json.loads(done) == record
    # Without the kept reading that process cannot read the picture: the cache is what read it.
    empty = read_without_ocr(picture.parent / "empty", picture)
    assert empty.communicate(timeout=120)[0] == "" and empty.returncode != 0


def test_a_picture_being_read_elsewhere_waits_for_that_reading(kept, tmp_path):
    picture, cache, record = kept
    entries = sorted(cache.glob("*/*.pickle"))
    assert entries
    # This test is the other process: it holds the lock of every entry while "reading".
    locks = []
    for entry in entries:
        (tmp_path / entry.parent.name).mkdir(exist_ok=True)
        lock = open(tmp_path / entry.parent.name / f"{entry.stem}.lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
        locks.append(lock)
    waiting = read_without_ocr(tmp_path, picture)
    time.sleep(3)
    assert waiting.poll() is None, waiting.communicate()[1][-2000:]  # it waits rather than reading
    for entry in entries:
        shutil.copy(entry, tmp_path / entry.parent.name / entry.name)
    for lock in locks:
        lock.close()
    out, err = waiting.communicate(timeout=120)
    assert json.loads(out) == record, err[-2000:]


def test_an_entry_that_cannot_be_read_is_read_anew(kept, tmp_path):
    picture, cache, record = kept
    broken = tmp_path / "cache"
    shutil.copytree(cache, broken)
    for entry in broken.glob("*/*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert read(picture, broken) == record
    assert all(entry.read_bytes() != b"not a pickle" for entry in broken.glob("*/*.pickle"))


def test_a_cache_that_cannot_be_written_only_costs_time(kept, tmp_path):
    picture, _cache, record = kept
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    assert read(picture, in_the_way) == record


@pytest.mark.parametrize(("settings", "where"), [
    ({}, "output/ocr-cache"),
    ({"OCR_CACHE_DIR": "elsewhere"}, "elsewhere"),
    ({"OCR_CACHE_DIR": ""}, None),
])
def test_a_crawl_keeps_its_readings_in_its_output_unless_told_otherwise(settings, where, tmp_path):
    pipeline = ExtractPipeline(get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path / "output")} | {
        name: str(tmp_path / value) if value else value for name, value in settings.items()}))
    try:
        assert pipeline.pool.ocr_cache == (tmp_path / where if where else None)
    finally:
        pipeline.close_spider()
