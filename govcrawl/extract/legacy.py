"""Legacy word-processor files (.doc, .wps, .rtf) → DOCX through LibreOffice, then the DOCX path.

LibreOffice runs headless, once per file, as its own process group with a private profile, a
private HOME and TMPDIR, all inside one temporary directory that is removed afterwards: nothing
is written anywhere else, and conversions running side by side do not share a profile (a shared
one makes the second instance hand its work to the first and exit). A conversion that does not
finish within the timeout is killed with its whole process group, by the process that started it
or, should that process have died meanwhile, by coreutils' timeout started with it. In the crawl's workers a
conversion first takes one of a few slots shared by the pool (conversion_slots.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from govcrawl.extract import conversion_slots
from govcrawl.extract.document import Document
from govcrawl.extract.docx import document_from_docx
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.formats import DOC, OLE_SIGNATURE, RTF, WPS, check_readable_ole
from govcrawl.extract.limits import Deadline, Limits

CONVERSION_TIMEOUT_SECONDS = 120.0
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
# The suffix LibreOffice is shown (it detects the format from the bytes, the suffix helps) and
# the name the error messages use.
FORMATS = {DOC: (".doc", "DOC"), WPS: (".wps", "WPS"), RTF: (".rtf", "RTF")}
# How much of LibreOffice's output an error message quotes.
OUTPUT_TAIL_CHARS = 300
# The conversion's own watchdog (coreutils' timeout) kills it this long after its timeout: when
# the process waiting for it is gone (a worker past its memory limit, or stopped at its time
# limit), nothing else would stop a conversion that hangs. Later than the waiting process's own
# kill, which says what happened.
WATCHDOG_GRACE_SECONDS = 2.0


def document_from_legacy(
    raw: bytes, media_type: str = DOC, *, timeout: float = CONVERSION_TIMEOUT_SECONDS,
    limits: Limits = Limits(), deadline: Deadline | None = None,
) -> Document:
    """The conversion gets `timeout` seconds, or what is left of the document's deadline when less
    once it has one of the conversion slots (conversion_slots.py)."""
    suffix, kind = FORMATS[media_type]
    if raw.startswith(OLE_SIGNATURE):
        check_readable_ole(raw, kind)
    elif media_type != RTF and not raw.startswith(b"{\\rtf"):
        raise ExtractionError(f"{kind} is neither a Word binary file nor RTF")
    with conversion_slots.held(kind, deadline):
        if deadline is not None:
            timeout = min(timeout, deadline.remaining())  # less the wait for the slot
        docx = convert(raw, suffix=suffix, target="docx", kind=kind, timeout=timeout)
    try:
        document = document_from_docx(docx, limits, deadline)
    except ExtractionError as error:
        raise ExtractionError(f"{kind} converted by LibreOffice cannot be read: {error}") from error
    return replace(document, media_type=media_type)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(raw: bytes, *, suffix: str, target: str, kind: str, timeout: float = CONVERSION_TIMEOUT_SECONDS) -> bytes:
    """The bytes of `raw` (a file with `suffix`) converted by LibreOffice to `target` ("docx")."""
    program = soffice()
    if program is None:
        raise ExtractionError(f"{kind} needs LibreOffice ({INSTALL_HINT})")
    with tempfile.TemporaryDirectory(prefix="govcrawl-soffice-") as work:
        work = Path(work)
        source, outdir, profile, home = work / f"source{suffix}", work / "out", work / "profile", work / "home"
        source.write_bytes(raw)
        outdir.mkdir()
        home.mkdir()
        env = dict(os.environ, HOME=str(home), TMPDIR=str(work), XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"))  # fmt: skip
        command = [
            program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
            "--norestore", "--nolockcheck", "--convert-to", target, "--outdir", str(outdir), str(source),
        ]  # fmt: skip
        watchdog = shutil.which("timeout")
        if watchdog:  # it kills its whole process group: LibreOffice's helpers too
            command = [watchdog, "--signal=KILL", f"{timeout + WATCHDOG_GRACE_SECONDS:.3f}", *command]
        process = subprocess.Popen(
            command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that the timeout kills every helper too
        )  # fmt: skip
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise ExtractionError(f"{kind}: LibreOffice did not finish the conversion within {timeout:g} s") from None
        _kill_group(process)  # helpers the converter may have left behind
        result = outdir / f"source.{target}"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            said = output.decode("utf-8", "replace").strip()[-OUTPUT_TAIL_CHARS:]
            raise ExtractionError(f"{kind} cannot be read: LibreOffice converted nothing (exit {process.returncode}: {said})")
        return result.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already
