"""The `govcrawl` command: parse local files, score them against gold, serve the replica, demo.

    govcrawl parse FILE...            one record per line (JSON) on stdout
    govcrawl eval GOLD_DIR FILE...    share of gold fields reproduced, and every difference
    govcrawl replica serve            the offline portal replica on 127.0.0.1
    govcrawl demo                     replica + every spider → output/runs/… + a summary
    govcrawl summary OUTPUT_DIR       reports per unit and year, failing checks, errors
    govcrawl corpus ingest|status|records OUTPUT_DIR   the corpus of every crawl's runs
    govcrawl reparse OUTPUT_DIR       stored bytes → records of the current engine (no network)
    govcrawl export OUTPUT_DIR --to DIR   Parquet, CSV, DuckDB and datapackage.json
    govcrawl report OUTPUT_DIR --html FILE   the coverage report
    govcrawl doctor URL               what the spiders make of a list page or column, and why
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import jsonlines

from govcrawl.corpus.commands import add_corpus_commands


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


def cmd_parse(args) -> int:
    """Each file read in a worker process with the crawl's limits (govcrawl/workers.py), several
    at once; records printed in the order of the files. Whatever happens to one file (unreadable,
    refused by a limit, its worker stopped), the others are still read."""
    from govcrawl.workers import pool_from_settings

    pool = pool_from_settings(parse_settings(args.set))
    pool.workers = min(pool.workers, len(args.files))  # a worker more than files would start for nothing
    try:
        futures = [pool.extract_file(Path(name)) for name in args.files]
        failed = 0
        for name, future in zip(args.files, futures):
            try:
                extraction = future.result()
            except Exception as error:  # noqa: BLE001 — one file never stops the others
                failed += 1
                print(f"govcrawl parse: {name}: {error}", file=sys.stderr)
                continue
            print(_dump(extraction.record), flush=True)
            if args.cells:
                for cell in extraction.cells:
                    print(_dump(cell))
    finally:
        pool.close()
    return 1 if failed else 0


def parse_settings(assignments: list[str]) -> dict[str, str]:
    """The crawl's settings module with `NAME=VALUE` assignments over it (as `scrapy crawl -s`)."""
    from govcrawl import settings

    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    for name, value in map(_assignment, assignments):
        if name not in values:
            raise SystemExit(f"govcrawl parse: -s {name}=…: {name} is not a govcrawl setting")
        values[name] = value
    return values


def _assignment(text: str) -> tuple[str, str]:
    """`NAME=VALUE` (a `-s` of `scrapy crawl`) as (NAME, VALUE)."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise SystemExit(f"govcrawl: -s wants NAME=VALUE, not {text!r}")
    return name, value


def cmd_eval(args) -> int:
    from govcrawl.evaluate import evaluate, format_evaluation

    evaluation = evaluate(Path(args.gold_dir), [Path(f) for f in args.files])
    print(format_evaluation(evaluation))
    return 0


def replica_server():
    """The replica's server module. The replica is a development fixture that lives in the
    checkout beside the package (replica/), not in what pip installs."""
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "replica" / "server.py").is_file() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        from replica import server
    except ModuleNotFoundError as error:
        raise SystemExit(f"govcrawl: the replica is part of a source checkout, not of the installed package ({error})") from error
    return server


def cmd_replica_serve(args) -> int:
    server = replica_server()
    if args.sites and args.state != "first":
        raise SystemExit("govcrawl replica serve: --state is a state of the project's own trees, not of --sites")
    server.serve_forever(Path(args.sites) if args.sites else server.built(args.state).sites, args.host, args.port)
    return 0


def summarize(run_dirs: list[Path]) -> str:
    """Reports per unit and year, every failing check and every error of the given runs, as a short text."""
    records, error_entries = [], []
    for run_dir in run_dirs:
        with jsonlines.open(run_dir / "reports.jsonl") as reader:
            records.extend(reader)
        if (run_dir / "errors.jsonl").exists():
            with jsonlines.open(run_dir / "errors.jsonl") as reader:
                error_entries.extend(reader)
    per_unit: dict[str, Counter] = defaultdict(Counter)
    failing = []
    for record in records:
        per_unit[record["unit"]["name"] or "?"][record["year"]] += 1
        for check in record["checks"]:
            if check["status"] == "fail":
                failing.append((record["unit"]["name"], record["year"], check))
    lines = [f"{len(records)} reports from {len(per_unit)} units", "", "unit  years (reports)"]
    for unit in sorted(per_unit):
        years = " ".join(f"{y}" + (f"×{n}" if n > 1 else "") for y, n in sorted(per_unit[unit].items(), key=lambda kv: kv[0] or 0))
        lines.append(f"  {unit}  {years}")
    lines += ["", f"failing checks: {len(failing)}"]
    for unit, year, check in failing:
        lines.append(f"  {unit} {year}: {check['rule']}  {check['left']} ≠ {check['right']}")
    errors = [f"  [{e['stage']}] {e['url']}: {e['error']}" + (f" ({e['detail']})" if e["detail"] else "") for e in error_entries]
    errors += [
        f"  [attachment] {a['url']} (on {record['url']}): {a['error']}"
        for record in records for a in record["attachments"] if "error" in a
    ]
    lines += ["", f"errors: {len(errors)}", *errors]
    return "\n".join(lines)


def run_dirs_of(path: Path) -> list[Path]:
    """The runs a path names: an OUTPUT_DIR (its latest good run per spider), one run directory,
    or the directory of a reports.jsonl."""
    if path.is_file():
        return [path.parent]
    if (path / "reports.jsonl").is_file():
        return [path]
    latest = sorted(p for p in (path / "latest").glob("*") if (p / "reports.jsonl").is_file())
    if not latest:
        raise SystemExit(f"govcrawl: {path} holds no finished run (no latest/<spider>/reports.jsonl)")
    return latest


def cmd_summary(args) -> int:
    print(summarize(run_dirs_of(Path(args.path))))
    return 0


def cmd_demo(args) -> int:
    """Serve the replica, run every spider against it into OUTPUT_DIR, print the summary, write
    the corpus's exports and coverage report."""
    from govcrawl.corpus.commands import cmd_export, cmd_report
    from govcrawl.definitions import load_definitions, user_directories

    server = replica_server()
    output = Path(args.output).resolve()
    (output / "logs").mkdir(parents=True, exist_ok=True)
    log = output / "logs" / "crawls.log"
    # A portal that is part of another is crawled in that one's scope=all run, so that pages
    # they share (gk.tj.gov.cn's district column) are fetched and recorded once.
    top_level = [d.name for d in load_definitions(user_directories()) if d.part_of is None]
    with server.ReplicaServer(server.DEFAULT_SITES, port=args.port) as replica:
        print(f"replica serving {server.DEFAULT_SITES} at {replica.url}", file=sys.stderr)
        print(f"crawling {', '.join(top_level)} (and the portals part of them) at once, in one Scrapy process; log: {log}",
              file=sys.stderr)
        spec = {
            "settings": {"REPLICA_URL": replica.url, "OUTPUT_DIR": str(output), "LOG_FILE": str(log),
                         "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"} | dict(map(_assignment, args.set)),
            "crawls": [{"spider": name, "arguments": {"scope": "all"}} for name in top_level],
        }
        (output / "logs" / "crawls.json").write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="govcrawl.settings")
        completed = subprocess.run([sys.executable, "-m", "govcrawl.crawl_together", str(output / "logs" / "crawls.json")],
                                   env=env, cwd=output)
    if completed.returncode != 0:
        print(f"a crawl failed (exit {completed.returncode}); see {log}", file=sys.stderr)
        return completed.returncode
    crawled = [output / "latest" / name for name in top_level]
    print(summarize(crawled))
    print(f"\nruns: {', '.join(str(p.resolve()) for p in crawled)}")
    # The corpus the crawls added to, as a researcher takes it away: tables and the coverage report.
    exports, coverage = output / "export", output / "coverage.html"
    cmd_export(argparse.Namespace(output_dir=str(output), to=str(exports), derivation=None))
    cmd_report(argparse.Namespace(output_dir=str(output), html=str(coverage)))
    print(f"exports (Parquet, CSV, DuckDB, datapackage.json): {exports}\ncoverage report: {coverage}")
    return 0


def cmd_doctor(args) -> int:
    from govcrawl.doctor import as_json, diagnose, format_diagnosis

    diagnosis = diagnose(args.url, portal=args.portal, replica=args.replica, max_lists=args.max_lists)
    print(as_json(diagnosis) if args.json else format_diagnosis(diagnosis))
    return diagnosis.exit_status


def cmd_merge_run(args) -> int:
    from govcrawl.runs import WorkerFilesElsewhere, merge_worker_files, point_latest

    run_dir = Path(args.run_dir)
    try:
        summary = merge_worker_files(run_dir)
    except WorkerFilesElsewhere as elsewhere:
        print(f"{run_dir}: not merged, {elsewhere}", file=sys.stderr)
        return 1
    if summary["status"] == "ok":  # OUTPUT_DIR/runs/<spider>/<run id>
        point_latest(run_dir.parents[2], summary["spider"], summary["run_id"])
    print(f"{args.run_dir}: {summary['status']}, {summary['counts']['reports']} reports from {len(summary['workers'])} workers")
    return 0 if summary["status"] == "ok" else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govcrawl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="print the record of each local file (HTML, text, PDF, DOCX)")
    parse.add_argument("files", nargs="+")
    parse.add_argument("--cells", action="store_true", help="also print each record's table cells")
    parse.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                       help="a setting, as for scrapy crawl: the limits EXTRACT_* and EXTRACT_WORKERS (README: Limits)")
    parse.set_defaults(run=cmd_parse)

    evaluation = commands.add_parser("eval", help="score files against gold files (../shared/gold)")
    evaluation.add_argument("gold_dir")
    evaluation.add_argument("files", nargs="+")
    evaluation.set_defaults(run=cmd_eval)

    replica = commands.add_parser("replica", help="the offline replica of the portals")
    replica_commands = replica.add_subparsers(dest="replica_command", required=True)
    serve = replica_commands.add_parser("serve", help="serve site trees on 127.0.0.1")
    serve.add_argument("--sites", help="directory of site trees, one folder per host (default: the project's own)")
    serve.add_argument("--state", choices=("first", "later"), default="first",
                       help="the project's trees as a first crawl finds them, or a year later (replica/later.py)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.set_defaults(run=cmd_replica_serve)

    demo = commands.add_parser("demo", help="crawl the replica with every spider and summarise")
    demo.add_argument("--output", default="output")
    demo.add_argument("--port", type=int, default=0, help="replica port (default: any free port)")
    demo.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                      help="a setting for every crawl, as for scrapy crawl (e.g. EXTRACT_SECONDS=600 on a loaded machine)")
    demo.set_defaults(run=cmd_demo)

    summary = commands.add_parser("summary", help="summarise the latest runs of an OUTPUT_DIR, one run, or a reports.jsonl")
    summary.add_argument("path", help="an OUTPUT_DIR (its latest/<spider> runs), a run directory, or a reports.jsonl")
    summary.set_defaults(run=cmd_summary)

    add_corpus_commands(commands)
    doctor = commands.add_parser(
        "doctor", help="crawl from a list page or column and say what the rules and the engine make of it",
        description="Exit status: 0 a report was found, 1 none was, 2 the page is not a list.")
    doctor.add_argument("url", nargs="?", help="a list page or column (default: the portal's start URLs)")
    doctor.add_argument("--portal", help="the portal (spider) whose definition reads it (default: the one covering the URL's host)")
    doctor.add_argument("--replica", metavar="URL", help="fetch through the offline replica at URL (e.g. http://127.0.0.1:8765)")
    doctor.add_argument("--max-lists", type=int, default=100, help="list pages to read at most (default 100)")
    doctor.add_argument("--json", action="store_true", help="the diagnosis as JSON")
    doctor.set_defaults(run=cmd_doctor)

    merge_run = commands.add_parser(
        "merge-run", help="merge the workers' files of a run shared through Redis whose workers wrote on several machines")
    merge_run.add_argument("run_dir", help="OUTPUT_DIR/runs/<spider>/<run id>, with every worker's workers/<worker>/ copied in")
    merge_run.set_defaults(run=cmd_merge_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
