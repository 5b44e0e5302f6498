"""The corpus's subcommands of `govcrawl`:

    govcrawl corpus ingest OUTPUT_DIR           completed runs → the catalogue (idempotent)
    govcrawl corpus status OUTPUT_DIR           runs, reports, versions, derivations
    govcrawl corpus records OUTPUT_DIR          the current record of every report (JSON lines)
    govcrawl reparse OUTPUT_DIR                 stored bytes → records of the current engine
    govcrawl export OUTPUT_DIR --to DIR         reports, cells, panel, checks, codebook
    govcrawl report OUTPUT_DIR --html FILE      the coverage report

Every command first ingests the completed runs the catalogue does not have yet.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from govcrawl.corpus.catalogue import Catalogue, open_catalogue
from govcrawl.corpus.ingest import IngestResult, ingest_output
from govcrawl.corpus.progress import Progress


def add_corpus_commands(commands) -> None:
    corpus = commands.add_parser("corpus", help="the corpus in OUTPUT_DIR: ingest runs, status, current records")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    for name, run, text in (
        ("ingest", cmd_ingest, "add the completed runs of OUTPUT_DIR/runs to the catalogue"),
        ("status", cmd_status, "what the catalogue holds"),
        ("records", cmd_records, "print the current record of every report, with the corpus's fields"),
    ):
        command = corpus_commands.add_parser(name, help=text)
        command.add_argument("output_dir")
        command.set_defaults(run=run)
    reparse = commands.add_parser("reparse", help="re-extract every stored report with the current engine (no network)")
    reparse.add_argument("output_dir")
    reparse.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                         help="a setting, as for scrapy crawl: the limits EXTRACT_* and EXTRACT_WORKERS (README: Limits)")
    reparse.set_defaults(run=cmd_reparse)
    export = commands.add_parser("export", help="write the corpus as Parquet, CSV, DuckDB and datapackage.json")
    export.add_argument("output_dir")
    export.add_argument("--to", required=True, help="directory to write to")
    export.add_argument("--derivation", help="records of this derivation (default: the newest for each report)")
    export.set_defaults(run=cmd_export)
    report = commands.add_parser("report", help="the coverage report: one self-contained HTML file")
    report.add_argument("output_dir")
    report.add_argument("--html", required=True, help="the file to write")
    report.set_defaults(run=cmd_report)


def _open(args, progress: Progress) -> tuple[Catalogue, IngestResult]:
    output_dir = Path(args.output_dir)
    if not output_dir.is_dir():
        raise SystemExit(f"govcrawl: {output_dir} is not a directory")
    catalogue = open_catalogue(output_dir)
    result = ingest_output(output_dir, catalogue, progress)
    for error in result.errors:
        print(f"govcrawl: run not ingested: {error}", file=sys.stderr)
    for run_dir in result.incomplete:
        progress.note(f"run not finished (killed, or still running; no stats.json), left alone: {run_dir}")
    return catalogue, result


def cmd_ingest(args) -> int:
    progress = Progress.to_stderr()
    catalogue, result = _open(args, progress)
    catalogue.close()
    print(f"ingested {len(result.ingested)} runs, {len(result.skipped)} already in the catalogue, "
          f"{len(result.incomplete)} incomplete, {len(result.errors)} unreadable")
    return 1 if result.errors else 0


def cmd_status(args) -> int:
    catalogue, result = _open(args, Progress.quiet())
    with catalogue:
        runs = catalogue.rows("runs", "started_at, run_id")
        reports = catalogue.rows("reports", "report_id")
        versions = catalogue.rows("versions", "report_id, version")
        print(f"runs: {len(runs)}")
        for run in runs:
            print(f"  {run['run_id']}  {run['spider']}  {run['status']}  {run['started_at']} → {run['finished_at']}  "
                  f"{(run['counts'] or {}).get('reports', '?')} reports")
        print(f"reports: {len(reports)} ({sum(r['gone_since'] is not None for r in reports)} gone), "
              f"versions: {len(versions)} ({sum(v['version'] > 1 for v in versions)} later than the first)")
        print("derivations: " + ", ".join(f"{d['name']} ({d['kind']})" for d in catalogue.derivations()))
    return 1 if result.errors else 0


def cmd_records(args) -> int:
    from govcrawl.corpus.records import current_reports

    catalogue, result = _open(args, Progress.quiet())
    with catalogue:
        for report in current_reports(catalogue):
            print(json.dumps(report.record, ensure_ascii=False))
    return 1 if result.errors else 0


def cmd_reparse(args) -> int:
    from govcrawl.cli import parse_settings
    from govcrawl.corpus.reparse import reparse
    from govcrawl.workers import OCR_CACHE_FOLDER, pool_from_settings

    progress = Progress.to_stderr()
    catalogue, ingested = _open(args, progress)
    pool = pool_from_settings(parse_settings(args.set), Path(args.output_dir) / OCR_CACHE_FOLDER)
    try:
        with catalogue:
            result = reparse(catalogue, Path(args.output_dir), progress, pool)
    finally:
        pool.close()
    for error in result.errors:
        print(f"govcrawl reparse: {error['url']} ({error['sha256'][:12]}): {error['error']}: {error['detail']}", file=sys.stderr)
    print(f"derivation {result.derivation}: {result.records} records, {len(result.errors)} not read → {result.directory}")
    return 1 if ingested.errors else 0


def cmd_export(args) -> int:
    from govcrawl.corpus.exports import export
    from govcrawl.corpus.records import current_reports

    progress = Progress.to_stderr()
    catalogue, ingested = _open(args, progress)
    with catalogue:
        try:
            reports = current_reports(catalogue, args.derivation)
        except ValueError as error:
            raise SystemExit(f"govcrawl export: {error}") from error
    tables = export(reports, Path(args.to), progress)
    print("wrote " + ", ".join(f"{t.name} ({len(t.rows)} rows)" for t in tables) + f" to {args.to}")
    return 1 if ingested.errors else 0


def cmd_report(args) -> int:
    from govcrawl.corpus.coverage import write_report

    progress = Progress.to_stderr()
    catalogue, ingested = _open(args, progress)
    with catalogue:
        write_report(catalogue, Path(args.html), progress)
    print(f"wrote {args.html}")
    return 1 if ingested.errors else 0
