"""A limit on the LibreOffice conversions running at once, shared by all the processes of a pool.

Every document is read in one of the crawl's worker processes (govcrawl/workers.py), and a
legacy Word file (.doc, .wps, .rtf) is read through a LibreOffice conversion (legacy.py) that
takes a core and about 200 MB of its own: with N workers, N conversions could run at once and
starve the rest of the crawl. So a conversion first takes one of a few slots (the crawl's
LIBREOFFICE_CONVERSIONS), and waits for one while all are taken, within the document's deadline.

A slot is a lock file, `directory/slot-<i>.lock`, held with flock: the kernel lets go of a
process's flocks when it dies, so a worker stopped mid-conversion (its time or memory limit)
never keeps a slot, where a multiprocessing.Semaphore would lose one for good.

Off until a directory is given (`use`): the engine used as a library, outside the crawl's pool,
converts without a limit. The pool gives each of its workers the same directory at their start.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govcrawl.extract.limits import Deadline, LimitExceeded

# While all slots are taken a waiter tries them again this often. flock can wait for one file
# only, and without a timeout; a conversion takes 1–2 s, so 50 ms between tries costs it little
# and the tries cost nothing to speak of.
POLL_SECONDS = 0.05

_directory: Path | None = None
_slots = 0


def use(directory: str | Path | None, slots: int) -> None:
    """Let at most `slots` conversions run at once among the processes using `directory` (None: no limit)."""
    global _directory, _slots
    if directory is not None and slots < 1:
        raise ValueError(f"LIBREOFFICE_CONVERSIONS must be at least 1, not {slots}")
    _directory, _slots = (Path(directory) if directory is not None else None), slots


@contextmanager
def held(kind: str, deadline: Deadline | None) -> Iterator[None]:
    """One slot, held until the block ends; waits for one until the deadline (None: for as long as it takes)."""
    if _directory is None:
        yield
        return
    directory, slots = _directory, _slots
    started = time.monotonic()
    while (slot := _take(directory, slots)) is None:
        if deadline is not None and deadline.remaining() <= 0:
            raise LimitExceeded(
                "seconds",
                f"{kind}: waited {time.monotonic() - started:.1f} s for one of the {slots} LibreOffice conversion "
                f"slots (LIBREOFFICE_CONVERSIONS={slots}) until the document's {deadline.seconds:g} s ran out",
            )
        time.sleep(POLL_SECONDS if deadline is None else min(POLL_SECONDS, deadline.remaining()))
    try:
        yield
    finally:
        os.close(slot)  # the flock goes with the last descriptor of its open file


def _take(directory: Path, slots: int) -> int | None:
    """The descriptor of a free slot's file, locked; None when every slot is held."""
    for i in range(slots):
        # os.open's descriptors are not inherited (close-on-exec): LibreOffice, started while the
        # slot is held, could otherwise keep it after this process dies.
        slot = os.open(directory / f"slot-{i}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(slot)
            continue
        except BaseException:
            os.close(slot)
            raise
        return slot
    return None
