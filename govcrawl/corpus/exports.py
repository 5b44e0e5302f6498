"""`govcrawl export OUTPUT_DIR --to DIR`: the corpus as tables a researcher can load.

For the current version of every report: `reports` (one row per report), `cells` (long: one row
per table cell), `panel` (wide: one row per unit × year, one column per statutory figure),
`checks` (every check of every report and the cross-year checks) and `codebook` (every key of the
panel). Each is written as Parquet and as CSV (UTF-8 with a BOM, so spreadsheet software reads the
Chinese right), described with every column in a Frictionless `datapackage.json`, and loaded into
a DuckDB database `corpus.duckdb`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from govcrawl.corpus.codebook import codebook
from govcrawl.corpus.cross_year import cross_year_checks
from govcrawl.corpus.progress import Progress
from govcrawl.corpus.records import CorpusReport

# Frictionless field type → Arrow type.
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
CSV_ENCODING = "utf-8-sig"
DUCKDB_FILE = "corpus.duckdb"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless field type
    description: str


@dataclass
class Table:
    name: str
    description: str
    columns: list[Column]
    rows: list[dict]
    primary_key: list[str]


def _columns(*specs: tuple[str, str, str]) -> list[Column]:
    return [Column(*spec) for spec in specs]


UNIT_COLUMNS = (
    ("unit", "string", "the unit (机关) the report is of, as named in its title"),
    ("region_code", "string", "GB/T 2260 code of the unit's place (a township's is its county's)"),
)
REPORT_COLUMNS = _columns(
    ("report_id", "string", "the report's id: sha1 of the URL it was first seen under"),
    ("portal", "string", "the spider (portal) the report was found on"),
    *UNIT_COLUMNS,
    ("level", "string", "province, city, district, county, department or township"),
    ("year", "integer", "the year the statistics cover"),
    ("format", "string", "gov2019, gov2021, pre2019 or unknown (report-format.md)"),
    ("title", "string", "the report's title"),
    ("url", "string", "the URL it was last seen under"),
    ("urls", "string", "every URL it was seen under, space-separated, first seen first"),
    ("sha256", "string", "sha256 of the current version's raw bytes (OUTPUT_DIR/raw/…)"),
    ("version", "integer", "the current version's number (1, 2, …)"),
    ("supersedes", "string", "sha256 of the version this one replaced; empty for the first"),
    ("first_seen", "string", "when a crawl first saw the report (ISO 8601 UTC)"),
    ("last_seen", "string", "when a crawl last saw the report (ISO 8601 UTC)"),
    ("gone_since", "string", "since when it is no longer served (404/410); empty while live"),
    ("published", "string", "publication date the page gives"),
    ("via", "string", "where the tables were read from (html, pdf, docx, …)"),
    ("flags", "string", "facts about the source, space-separated (tables_as_images, several_reports_for_year, …)"),
    ("failing_checks", "integer", "how many of the report's own checks fail"),
    ("extractor", "string", "the extractor version (derivation) of the record"),
)
CELL_COLUMNS = _columns(
    ("report_id", "string", "the report (reports.report_id)"),
    *UNIT_COLUMNS,
    ("year", "integer", "the year the statistics cover"),
    ("format", "string", "gov2019, gov2021, …"),
    ("table", "string", "active_disclosure (表二), applications (表三), review_litigation (表四)"),
    ("row", "string", "row key (report-format.md)"),
    ("col", "string", "column key"),
    ("key", "string", "table.row.col: the panel's column (codebook.key)"),
    ("value", "number", "the figure (money in 万元)"),
    ("label", "string", "the row label as printed in the report"),
    ("raw", "string", "the cell text as printed"),
)
CHECK_COLUMNS = _columns(
    ("report_id", "string", "the report checked (for a cross-year check: the one of the later year)"),
    *UNIT_COLUMNS,
    ("year", "integer", "its year"),
    ("kind", "string", "report (an identity within one report) or cross_year (along the unit's series)"),
    ("rule", "string", "the rule (README: checks)"),
    ("status", "string", "pass, fail or not_assessable"),
    ("left", "number", "the left side of the identity"),
    ("right", "number", "the right side of the identity"),
    ("soft", "boolean", "true for an expected, not mandated, identity (reported, never acted on)"),
    ("other_report_id", "string", "cross_year: the report of the earlier year"),
    ("other_year", "integer", "cross_year: the earlier year"),
)
CODEBOOK_COLUMNS = _columns(
    ("key", "string", "table.row.col, the panel's column name"),
    ("table", "string", "table key"),
    ("table_label", "string", "the table's Chinese title"),
    ("row", "string", "row key"),
    ("col", "string", "column key"),
    ("label", "string", "row label / column label, as the national formats print them"),
    ("row_label", "string", "row label(s); several are separated by |"),
    ("col_label", "string", "column label(s); several are separated by |"),
    ("formats", "string", "the national formats that have the figure, space-separated"),
    ("unit", "string", "件 (a count) or 万元"),
)
PANEL_ID_COLUMNS = _columns(
    *UNIT_COLUMNS,
    ("year", "integer", "the year the statistics cover"),
    ("level", "string", "the unit's level"),
    ("format", "string", "the report's format"),
    ("report_id", "string", "the report the row's figures come from"),
    ("reports", "integer", "how many reports the unit has for the year (more than 1: the latest seen is used)"),
)


def export(reports: list[CorpusReport], to: Path, progress: Progress | None = None) -> list[Table]:
    progress = progress or Progress.quiet()
    to.mkdir(parents=True, exist_ok=True)
    tables = build_tables(reports)
    for table in progress.track(tables, "export"):
        _write_csv(table, to / f"{table.name}.csv")
        _write_parquet(table, to / f"{table.name}.parquet")
    _write_duckdb(tables, to / DUCKDB_FILE)
    (to / "datapackage.json").write_text(json.dumps(datapackage(tables), ensure_ascii=False, indent=2), encoding="utf-8")
    return tables


def build_tables(reports: list[CorpusReport]) -> list[Table]:
    entries = codebook()
    return [
        Table("reports", "one row per report, its current version", REPORT_COLUMNS,
              [_report_row(r) for r in reports], ["report_id"]),
        Table("cells", "one row per table cell of every report", CELL_COLUMNS,
              [_cell_row(c) for r in reports for c in r.cells], ["report_id", "table", "row", "col"]),
        Table("panel", "one row per unit × year, one column per statutory figure (codebook)",
              PANEL_ID_COLUMNS + [Column(e.key, "number" if e.unit == "万元" else "integer", e.label) for e in entries],
              _panel_rows(reports, entries), ["region_code", "unit", "year"]),
        Table("checks", "every check of every report, and the cross-year checks along each unit's series", CHECK_COLUMNS,
              _check_rows(reports), []),
        Table("codebook", "every key of the panel and the cells: table, Chinese labels, formats", CODEBOOK_COLUMNS,
              [e.as_row() for e in entries], ["key"]),
    ]


def _report_row(report: CorpusReport) -> dict:
    r = report.record
    return {
        "report_id": r["id"], "portal": r["portal"], "unit": r["unit"]["name"], "region_code": r["unit"]["region_code"],
        "level": r["unit"]["level"], "year": r["year"], "format": r["format"], "title": r["title"], "url": r["url"],
        "urls": " ".join(r["urls"]), "sha256": r["sha256"], "version": r["version"], "supersedes": r["supersedes"],
        "first_seen": r["first_seen"], "last_seen": r["last_seen"], "gone_since": r["gone_since"], "published": r["published"],
        "via": r["via"], "flags": " ".join(r["flags"]), "failing_checks": sum(c["status"] == "fail" for c in r["checks"]),
        "extractor": report.derivation,
    }


def _cell_row(cell: dict) -> dict:
    return {k: cell.get(k) for k in ("report_id", "unit", "region_code", "year", "format", "table", "row", "col", "value",
                                     "label", "raw")} | {"key": f"{cell['table']}.{cell['row']}.{cell['col']}"}


def _panel_rows(reports: list[CorpusReport], entries) -> list[dict]:
    chosen: dict[tuple, list[CorpusReport]] = {}
    for report in reports:
        r = report.record
        if r["year"] is not None and r["unit"]["name"]:
            chosen.setdefault((r["unit"]["region_code"], r["unit"]["name"], r["year"]), []).append(report)
    keys = [e.key for e in entries]
    rows = []
    for (region_code, unit, year), group in sorted(chosen.items(), key=lambda kv: (kv[0][0] or "", kv[0][1], kv[0][2])):
        latest = max(group, key=lambda g: (g.record["first_seen"], g.record["id"]))
        values = {f"{c['table']}.{c['row']}.{c['col']}": c["value"] for c in latest.cells}
        rows.append({"region_code": region_code, "unit": unit, "year": year, "level": latest.record["unit"]["level"],
                     "format": latest.record["format"], "report_id": latest.record["id"], "reports": len(group)}
                    | {key: values.get(key) for key in keys})
    return rows


def _check_rows(reports: list[CorpusReport]) -> list[dict]:
    unit_of = {r.record["id"]: r.record["unit"] for r in reports}
    rows = [
        {"report_id": r.record["id"], "unit": r.record["unit"]["name"], "region_code": r.record["unit"]["region_code"],
         "year": r.record["year"], "kind": "report", "rule": c["rule"], "status": c["status"], "left": c["left"],
         "right": c["right"], "soft": False, "other_report_id": None, "other_year": None}
        for r in reports for c in r.record["checks"]
    ]
    rows += [
        {"report_id": c["report_id"], "unit": unit_of[c["report_id"]]["name"], "region_code": unit_of[c["report_id"]]["region_code"],
         "year": c["year"], "kind": "cross_year", "rule": c["rule"], "status": c["status"], "left": c["left"], "right": c["right"],
         "soft": c["soft"], "other_report_id": c["other_report_id"], "other_year": c["other_year"]}
        for c in cross_year_checks(reports)
    ]
    return rows


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_csv(table: Table, path: Path) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as file:
        writer = csv.writer(file)
        writer.writerow([c.name for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(row.get(c.name)) for c in table.columns])


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns])


def _write_parquet(table: Table, path: Path) -> None:
    schema = arrow_schema(table)
    arrays = {c.name: [row.get(c.name) for row in table.rows] for c in table.columns}
    pq.write_table(pa.table(arrays, schema=schema), path)


def _write_duckdb(tables: list[Table], path: Path) -> None:
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as database:
        for table in tables:
            parquet = path.with_name(f"{table.name}.parquet")
            database.execute(f"CREATE TABLE {table.name} AS SELECT * FROM read_parquet(?)", [str(parquet)])


def datapackage(tables: list[Table]) -> dict:
    resources = []
    for table in tables:
        schema = {"fields": [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns]}
        if table.primary_key:
            schema["primaryKey"] = table.primary_key
        for fmt in ("csv", "parquet"):
            resource = {"name": f"{table.name}-{fmt}", "path": f"{table.name}.{fmt}", "profile": "tabular-data-resource",
                        "description": table.description, "format": fmt, "schema": schema}
            if fmt == "csv":
                resource |= {"mediatype": "text/csv", "encoding": CSV_ENCODING}
            else:
                # Frictionless reads Parquet through pandas, which turns a null integer into NaN.
                resource |= {"mediatype": "application/vnd.apache.parquet",
                             "schema": schema | {"missingValues": ["", "nan"]}}
            resources.append(resource)
    return {
        "name": "govcrawl-corpus",
        "title": "Government information-disclosure annual reports (政府信息公开工作年度报告): a longitudinal corpus",
        "profile": "tabular-data-package",
        "resources": resources,
    }
