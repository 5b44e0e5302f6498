"""Extraction speed and memory: govcrawl's engine next to trafilatura and pandas.read_html.

    .venv/bin/python bench/extract.py [--repeat N] [--rounds R] [--shared DIR]

Every tool runs in a fresh process over the same files N times a round, R rounds; the figures are
reports (files) per second of wall-clock time, per second of the process's CPU time
(`time.process_time`: every tool reads on one core, so this is files per second per core), and the
peak resident memory of that process. The times are the fastest round's, as `timeit` takes them:
other work on the machine only ever slows a round (on a shared host the CPU time of the same
reads moves by up to a factor of two from minute to minute), so the fastest round is the closest
to what the code costs; the median round's files/s/core is printed beside it.
`govcrawl` reads every seed and sample (HTML, text, PDF, DOCX), `govcrawl html` only the HTML
files, `govcrawl pdf` only the PDF (its time is also given per page); trafilatura's `extract()`
(main text only) and `pandas.read_html` (tables only) read the same HTML files, so the comparison
on HTML is like for like in input, not in output: govcrawl does both jobs and more (metadata,
sections, checks).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML_SUFFIXES = {".html", ".htm", ".shtml"}


def _govcrawl(raw: bytes, name: str) -> None:
    from govcrawl.extract import ExtractionError, extract

    try:
        extract(raw, source_file=name)
    except ExtractionError:
        pass  # a format the engine does not read yet: counted like the others, as a refusal


def _trafilatura(raw: bytes, name: str) -> None:
    import trafilatura

    trafilatura.extract(raw.decode("utf-8", "replace"))


def _pandas(raw: bytes, name: str) -> None:
    import pandas

    try:
        pandas.read_html(StringIO(raw.decode("utf-8", "replace")), flavor="lxml")
    except ValueError:
        pass  # "No tables found"


# tool → (reader, the suffixes of the seeds and samples it reads; None: every file)
TOOLS = {
    "govcrawl": (_govcrawl, None),
    "govcrawl html": (_govcrawl, HTML_SUFFIXES),
    "govcrawl pdf": (_govcrawl, {".pdf"}),
    "trafilatura": (_trafilatura, HTML_SUFFIXES),
    "pandas.read_html": (_pandas, HTML_SUFFIXES),
}


def files_for(tool: str, shared: Path) -> list[Path]:
    files = sorted((shared / "seeds").glob("*")) + sorted((shared / "samples").glob("*"))
    suffixes = TOOLS[tool][1]
    return files if suffixes is None else [f for f in files if f.suffix in suffixes]


def pdf_pages(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for file in files:
        if file.suffix == ".pdf":
            with pdfplumber.open(file) as pdf:
                pages += len(pdf.pages)
    return pages


def run_tool(tool: str, shared: Path, repeat: int, rounds: int) -> dict:
    """In this process: `rounds` rounds of reading every file `repeat` times with one tool."""
    inputs = [(f.read_bytes(), f.name) for f in files_for(tool, shared)]
    read = TOOLS[tool][0]
    read(*inputs[0])  # imports and first-use caches are not part of the rate
    timings = []  # (seconds, CPU seconds) of each round
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for raw, name in inputs:
                read(raw, name)
        timings.append((time.perf_counter() - started, time.process_time() - started_cpu))
    parsed = len(inputs) * repeat  # in each round
    seconds, cpu_seconds = min(timings, key=lambda t: t[1])  # the round least slowed by the rest of the machine
    pages = pdf_pages(files_for(tool, shared)) * repeat
    return {
        "tool": tool,
        "files": len(inputs),
        "parsed": parsed,
        "seconds": round(seconds, 3),
        "per_second": round(parsed / seconds, 1),
        "cpu_seconds": round(cpu_seconds, 3),
        "per_cpu_second": round(parsed / cpu_seconds, 1),
        "median_per_cpu_second": round(parsed / statistics.median(t[1] for t in timings), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pdf_pages": pages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="reads of every file in a round")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds per tool; the figures are the fastest round's (by CPU time), the median's beside them")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--tool", choices=sorted(TOOLS), help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.tool:
        print(json.dumps(run_tool(args.tool, args.shared, args.repeat, args.rounds)))
        return 0
    print(f"{'tool':<18} {'files':>5} {'parsed':>6} {'seconds':>8} {'files/s':>8} {'CPU s':>7} "
          f"{'files/s/core':>12} {'median':>7} {'peak RSS MB':>11}")
    pdf = None
    for tool in TOOLS:
        child = subprocess.run(
            [sys.executable, __file__, "--tool", tool, "--repeat", str(args.repeat), "--rounds", str(args.rounds),
             "--shared", str(args.shared)],
            capture_output=True, text=True, check=True,
        )
        r = json.loads(child.stdout)
        print(f"{r['tool']:<18} {r['files']:>5} {r['parsed']:>6} {r['seconds']:>8} {r['per_second']:>8} {r['cpu_seconds']:>7} "
              f"{r['per_cpu_second']:>12} {r['median_per_cpu_second']:>7} {r['peak_rss_mb']:>11}")
        pdf = r if tool == "govcrawl pdf" else pdf
    if pdf and pdf["pdf_pages"]:
        print(f"PDF: {pdf['pdf_pages'] // args.repeat} pages a read, {1000 * pdf['seconds'] / pdf['pdf_pages']:.0f} ms per page "
              f"({1000 * pdf['cpu_seconds'] / pdf['pdf_pages']:.0f} ms of CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
