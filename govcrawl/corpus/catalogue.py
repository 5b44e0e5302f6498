"""The catalogue: what the corpus has seen — runs, fetches, sightings of reports, records per
derivation — and what it concludes from them (reports, their versions and URLs).

`Catalogue` is the interface the rest of the corpus uses. `SQLiteCatalogue` implements it on an
embedded SQLite file (no server to start). The SQL is plain (CREATE TABLE, INSERT … ON CONFLICT
DO NOTHING, SELECT … ORDER BY), so a server database can stand behind the same interface by
giving another connection and placeholder style.

Observations (runs, fetches, sightings, records) are only ever added. Conclusions (reports,
versions, report_urls, report_shas) are recomputed from all observations after every ingest
(`identity.py`), so ingesting is idempotent and the order runs are ingested in does not matter.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

CATALOGUE_FILE = "corpus.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, spider TEXT NOT NULL, status TEXT, finish_reason TEXT,
    started_at TEXT, finished_at TEXT, arguments TEXT, project_version TEXT, extractor_version TEXT,
    counts TEXT, health TEXT, stats TEXT, ingested_at TEXT
);
CREATE TABLE IF NOT EXISTS fetches (
    run_id TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, status INTEGER, sha256 TEXT,
    etag TEXT, last_modified TEXT, at TEXT, error TEXT
);
CREATE INDEX IF NOT EXISTS fetches_url ON fetches (url);
CREATE TABLE IF NOT EXISTS sightings (
    run_id TEXT NOT NULL, url TEXT NOT NULL, sha256 TEXT NOT NULL, portal TEXT, unit_name TEXT,
    region_code TEXT, level TEXT, year INTEGER, title TEXT, content TEXT, fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS derivations (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    derivation TEXT NOT NULL, sha256 TEXT NOT NULL, record TEXT NOT NULL, cells TEXT NOT NULL,
    PRIMARY KEY (derivation, sha256)
);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY, portal TEXT, unit_name TEXT, region_code TEXT, level TEXT,
    year INTEGER, title TEXT, url TEXT, current_version INTEGER, first_seen TEXT, last_seen TEXT,
    gone_since TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    report_id TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, supersedes TEXT,
    url TEXT, first_seen TEXT, last_seen TEXT, PRIMARY KEY (report_id, version)
);
CREATE TABLE IF NOT EXISTS report_urls (
    url TEXT PRIMARY KEY, report_id TEXT NOT NULL, first_seen TEXT, last_seen TEXT
);
CREATE TABLE IF NOT EXISTS report_shas (
    sha256 TEXT NOT NULL, report_id TEXT NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (sha256, report_id)
);
"""
# Tables of conclusions, rebuilt from the observations.
DERIVED_TABLES = ("reports", "versions", "report_urls", "report_shas")
JSON_COLUMNS = {"arguments", "counts", "health", "stats"}


class Catalogue(ABC):
    """What the corpus's commands need from a catalogue."""

    @abstractmethod
    def run_ids(self) -> set[str]: ...

    @abstractmethod
    def add_run(self, run: dict, fetches: Iterable[dict], sightings: Iterable[dict], derivation: str | None,
                records: Iterable[tuple[str, str, str]]) -> None:  # fmt: skip
        """One completed run, all or nothing: its row, fetches, sightings and records — (sha256,
        the record as JSON, its cells as a JSON array), the text a run's feeds hold, stored as it
        is. The iterables are consumed once, inside the transaction: a run's files are read as
        they are stored, never held whole."""

    @abstractmethod
    def runs(self) -> list[dict]:
        """Every run, oldest first."""

    @abstractmethod
    def sightings(self) -> list[dict]:
        """Every sighting of a report, in the order they happened."""

    @abstractmethod
    def fetches(self, statuses: Iterable[int]) -> list[dict]:
        """Fetches that ended with one of these HTTP statuses."""

    @abstractmethod
    def replace_conclusions(self, conclude: Callable[[Catalogue], dict[str, list[dict]]]) -> None:
        """Replace reports, versions, report_urls and report_shas with what `conclude` makes of
        the observations, reading and writing in one transaction: two crawls ingesting at once
        cannot leave the conclusions of only one of them."""

    @abstractmethod
    def rows(self, table: str, order_by: str) -> list[dict]:
        """Every row of a table of conclusions (or `runs`), as dicts."""

    @abstractmethod
    def add_derivation(self, name: str, kind: str, created_at: str, records: Iterable[tuple[str, dict, list[dict]]]) -> None:
        """Records (sha256, record, cells) of one derivation; existing ones are kept."""

    @abstractmethod
    def derivations(self) -> list[dict]:
        """Every derivation, oldest first."""

    @abstractmethod
    def records(self, derivation: str) -> Iterator[tuple[str, dict, list[dict]]]:
        """(sha256, record, cells) of one derivation, by sha256."""

    @abstractmethod
    def last_sha(self, url: str) -> str | None:
        """The bytes the latest run that saw a report at `url` got there."""

    @abstractmethod
    def record(self, derivation: str, sha256: str) -> tuple[dict, list[dict]] | None:
        """(record, cells) of these bytes in this derivation."""

    @abstractmethod
    def validators(self, url: str) -> dict | None:
        """The latest answer (200 or 304) to a report page or attachment at `url` that had an
        ETag or Last-Modified: {sha256, etag, last_modified}; None when there is none."""

    @abstractmethod
    def report_urls_seen(self, spider: str, portals: Iterable[str], gone_statuses: Iterable[int]) -> dict[str, str]:
        """URL → portal of every report page runs of `spider` saw for these portals, except URLs
        whose latest answer had one of `gone_statuses` (known to be gone)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SQLiteCatalogue(Catalogue):
    placeholder = "?"

    def __init__(self, path: Path):
        # Several crawls may end at once and ingest together: wait for the writer's lock.
        self.connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.connection.row_factory = sqlite3.Row
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.executescript(SCHEMA)

    def _transaction(self):
        return _Transaction(self.connection)

    def _insert(self, table: str, rows: Iterable[dict], *, ignore_existing: bool = False) -> None:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        columns = list(first)
        marks = ", ".join([self.placeholder] * len(columns))
        conflict = " ON CONFLICT DO NOTHING" if ignore_existing else ""
        # A generator: executemany takes the rows one at a time.
        self.connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){conflict}",
            ([_column_value(c, row[c]) for c in columns] for row in itertools.chain([first], rows)),
        )

    def _select(self, sql: str, *parameters) -> list[dict]:
        return [_row_dict(row) for row in self.connection.execute(sql, parameters)]

    def run_ids(self) -> set[str]:
        return {row["run_id"] for row in self._select("SELECT run_id FROM runs")}

    def add_run(self, run, fetches, sightings, derivation, records):
        with self._transaction():
            if self._select(f"SELECT run_id FROM runs WHERE run_id = {self.placeholder}", run["run_id"]):
                return  # ingested by someone else meanwhile
            self._insert("runs", [run])
            self._insert("fetches", fetches)
            self._insert("sightings", sightings, ignore_existing=True)
            if derivation is not None:
                self._insert("derivations", [{"name": derivation, "kind": "crawl", "created_at": run["finished_at"]}],
                             ignore_existing=True)
                self._insert_records(derivation, records)

    def _insert_records(self, derivation, records):
        """Records given as (sha256, record JSON, cells JSON)."""
        self._insert(
            "records",
            ({"derivation": derivation, "sha256": sha, "record": record, "cells": cells} for sha, record, cells in records),
            ignore_existing=True,
        )

    def runs(self):
        return self._select("SELECT * FROM runs ORDER BY started_at, run_id")

    def sightings(self):
        return self._select(
            "SELECT s.* FROM sightings s JOIN runs r ON r.run_id = s.run_id ORDER BY r.started_at, r.run_id, s.fetched_at, s.url"
        )

    def fetches(self, statuses):
        statuses = list(statuses)
        marks = ", ".join([self.placeholder] * len(statuses))
        return self._select(
            f"SELECT f.*, r.spider, r.status AS run_status FROM fetches f JOIN runs r ON r.run_id = f.run_id WHERE f.status IN ({marks}) ORDER BY f.at, f.url",
            *statuses,
        )

    def replace_conclusions(self, conclude):
        with self._transaction():
            tables = conclude(self)
            for table in DERIVED_TABLES:
                self.connection.execute(f"DELETE FROM {table}")
                self._insert(table, tables[table])

    def rows(self, table, order_by):
        if table not in (*DERIVED_TABLES, "runs"):
            raise ValueError(f"no such table: {table}")
        return self._select(f"SELECT * FROM {table} ORDER BY {order_by}")

    def add_derivation(self, name, kind, created_at, records):
        with self._transaction():
            self._insert("derivations", [{"name": name, "kind": kind, "created_at": created_at}], ignore_existing=True)
            self._insert_records(name, ((sha, _dumps(record), _dumps(cells)) for sha, record, cells in records))

    def derivations(self):
        return self._select("SELECT * FROM derivations ORDER BY created_at, name")

    def records(self, derivation):
        cursor = self.connection.execute(
            f"SELECT sha256, record, cells FROM records WHERE derivation = {self.placeholder} ORDER BY sha256", (derivation,)
        )
        for sha, record, cells in cursor:
            yield sha, json.loads(record), json.loads(cells)

    def last_sha(self, url):
        found = self._select(
            f"SELECT s.sha256 FROM sightings s JOIN runs r ON r.run_id = s.run_id WHERE s.url = {self.placeholder} "
            "ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1", url)
        return found[0]["sha256"] if found else None

    def record(self, derivation, sha256):
        found = self.connection.execute(
            f"SELECT record, cells FROM records WHERE derivation = {self.placeholder} AND sha256 = {self.placeholder}",
            (derivation, sha256)).fetchone()
        return (json.loads(found[0]), json.loads(found[1])) if found else None

    def validators(self, url):
        found = self._select(
            f"SELECT sha256, etag, last_modified FROM fetches WHERE url = {self.placeholder} AND status IN (200, 304) "
            "AND kind IN ('report', 'attachment') AND sha256 IS NOT NULL "
            "AND (etag IS NOT NULL OR last_modified IS NOT NULL) ORDER BY at DESC LIMIT 1", url)
        return found[0] if found else None

    def report_urls_seen(self, spider, portals, gone_statuses):
        portals, gone_statuses = list(portals), list(gone_statuses)
        marks = ", ".join([self.placeholder] * len(portals))
        rows = self._select(
            f"SELECT DISTINCT s.url, s.portal FROM sightings s JOIN runs r ON r.run_id = s.run_id "
            f"WHERE r.spider = {self.placeholder} AND s.portal IN ({marks}) ORDER BY s.url", spider, *portals)
        gone = {row["url"] for row in self._select(
            f"SELECT f.url FROM fetches f WHERE f.status IN ({', '.join([self.placeholder] * len(gone_statuses))}) "
            "AND f.at = (SELECT MAX(g.at) FROM fetches g WHERE g.url = f.url)", *gone_statuses)}
        return {row["url"]: row["portal"] for row in rows if row["url"] not in gone}

    def close(self):
        self.connection.close()


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): takes the write lock up front, so two
    ingesting processes never interleave."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.connection.execute("ROLLBACK" if exc_type else "COMMIT")


def open_catalogue(output_dir: Path) -> Catalogue:
    """The catalogue of the corpus in OUTPUT_DIR (created when missing)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteCatalogue(output_dir / CATALOGUE_FILE)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _column_value(column: str, value):
    return _dumps(value) if column in JSON_COLUMNS and value is not None else value


def _row_dict(row: sqlite3.Row) -> dict:
    return {k: (json.loads(row[k]) if k in JSON_COLUMNS and row[k] is not None else row[k]) for k in row.keys()}
