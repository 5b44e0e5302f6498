"""Legacy Word (.doc) and WPS files, read through a LibreOffice conversion to DOCX.

The .doc is real: the national template filled with known numbers (as in test_extract_docx),
converted to Word 97 by LibreOffice itself."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import olefile
import pytest

from govcrawl.extract import ExtractionError, extract, legacy
from govcrawl.extract.formats import DOC, WPS, media_type_of
from govcrawl.extract.legacy import document_from_legacy

from tests.test_extract_docx import TITLE, expected_tables


@pytest.fixture(scope="module")
def doc(report_doc) -> bytes:
    return report_doc  # tests/conftest.py


def test_the_fixture_is_a_word_97_file(doc):
    assert doc.startswith(b"\xd0\xcf\x11\xe0") and media_type_of(doc) == DOC


def test_a_doc_is_read_exactly(doc):
    extraction = extract(doc, source_file="report.doc")
    record = extraction.record
    assert record["tables"] == expected_tables()
    assert record["via"] == "doc" and record["format"] == "gov2021"
    assert record["title"] == TITLE and record["year"] == 2023
    assert record["flags"] == []
    assert record["checks"] and all(c["status"] == "pass" for c in record["checks"])
    assert len(extraction.cells) == 200


@pytest.mark.parametrize(
    ("kwargs", "media_type"),
    [
        ({"declared": "application/octet-stream"}, DOC),
        ({"url": "http://example.gov.cn/att/2024.bin"}, DOC),
        ({"name": "report.docx"}, DOC),  # a legacy file with a .docx name is read as what it is
        ({"name": "report.wps"}, WPS),  # WPS Writer files are Word binary files: the name tells
    ],
)
def test_a_doc_is_recognised_by_its_bytes(doc, kwargs, media_type):
    # What extract() reads a file as (a LibreOffice conversion each: read end to end for .doc
    # above and for .wps below).
    assert media_type_of(doc, **kwargs) == media_type


def test_a_wps_file_is_read_through_the_conversion_too(doc):
    record = extract(doc, source_file="report.wps").record
    assert record["via"] == "wps" and record["tables"] == expected_tables()


def test_the_conversion_writes_only_in_its_own_temporary_directory(doc, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    home_before = sorted(os.listdir(os.path.expanduser("~")))
    document_from_legacy(doc, DOC)
    assert list(tmp_path.iterdir()) == []
    assert sorted(os.listdir(os.path.expanduser("~"))) == home_before


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda raw: raw[: len(raw) // 2], "truncated or corrupt"),
        (lambda raw: raw[:512] + b"\x00" * 4096, "truncated or corrupt"),
        (lambda raw: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "truncated or corrupt"),
        (lambda raw: b"this is no Word file at all", "neither a Word binary file nor RTF"),
    ],
)
def test_a_corrupt_doc_raises_a_clear_error(doc, cut, message):
    with pytest.raises(ExtractionError, match=message):
        extract(cut(doc), source_file="report.doc")


def test_a_password_protected_doc_is_refused(doc, tmp_path):
    path = tmp_path / "locked.doc"
    path.write_bytes(doc)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        word = bytearray(ole.openstream("WordDocument").read())
        word[0x0B] |= 0x01  # FIB fEncrypted
        ole.write_stream("WordDocument", bytes(word))
    with pytest.raises(ExtractionError, match="password-protected"):
        extract(path.read_bytes(), source_file="locked.doc")


def test_a_conversion_past_its_timeout_is_killed(doc, monkeypatch):
    started = []
    popen = subprocess.Popen

    def recording(command, *args, **kwargs):
        process = popen(command, *args, **kwargs)
        # subprocess.Popen is the whole process's: the session's crawls start theirs meanwhile.
        if legacy.soffice() in command:  # after its watchdog (coreutils' timeout), when there is one
            started.append(process)
        return process

    monkeypatch.setattr(legacy.subprocess, "Popen", recording)
    with pytest.raises(ExtractionError, match="did not finish the conversion within 0.05 s"):
        document_from_legacy(doc, DOC, timeout=0.05)
    (process,) = started
    assert process.returncode is not None
    assert _all_dead(lambda stat: stat[4] == str(process.pid))  # no process of its group is left


def test_a_hung_converter_is_killed_with_its_whole_process_group(doc, tmp_path, monkeypatch):
    child = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "soffice", lambda: str(fake))
    with pytest.raises(ExtractionError, match="did not finish"):
        document_from_legacy(doc, WPS, timeout=1)
    pid = int(child.read_text())
    assert _all_dead(lambda stat: stat[0] == str(pid))


def _all_dead(selects, wait: float = 5.0) -> bool:
    """No process that `selects` (given /proc/PID/stat split: pid, comm, state, ppid, pgrp…) is
    running: killed processes are gone or zombies waiting to be reaped by init."""
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = stat.parent.name
            if selects([pid, "", *fields]) and fields[0] != "Z":
                alive.append(pid)
        if not alive or time.monotonic() > deadline:
            return not alive
        time.sleep(0.05)


def test_a_converter_that_writes_nothing_is_an_error(doc, tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "soffice", lambda: str(fake))
    with pytest.raises(ExtractionError, match="converted nothing .*could not be loaded"):
        document_from_legacy(doc, DOC)


def test_without_libreoffice_the_error_says_what_to_install(doc, monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    with pytest.raises(ExtractionError, match=r"DOC needs LibreOffice \(apt-get install libreoffice-writer-nogui\)"):
        extract(doc, source_file="report.doc")
