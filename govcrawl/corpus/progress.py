"""Progress of long commands: a bar redrawn in place on a terminal, plain lines in a log.

    progress = Progress.to_stderr()
    for item in progress.track(items, "reparse"):
        ...

On a terminal the bar is redrawn at most ten times a second; elsewhere (a log file, CI) one line
is written at every tenth of the work and at the end, so a log stays short and readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
BAR_WIDTH = 30
REDRAW_SECONDS = 0.1
LOG_STEPS = 10


class Progress:
    def __init__(self, stream: TextIO | None, terminal: bool):
        self.stream = stream
        self.terminal = terminal

    @classmethod
    def to_stderr(cls) -> Progress:
        return cls(sys.stderr, sys.stderr.isatty())

    @classmethod
    def quiet(cls) -> Progress:
        return cls(None, False)

    def track(self, items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
        items = list(items) if total is None else items
        total = len(items) if total is None else total
        if self.stream is None:
            yield from items
            return
        started = last_drawn = time.monotonic()
        next_line = 0
        done = 0
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if self.terminal and (now - last_drawn >= REDRAW_SECONDS or done == total):
                self._draw(label, done, total, now - started)
                last_drawn = now
            elif not self.terminal and done * LOG_STEPS >= next_line * total:
                self.stream.write(f"{label}: {done}/{total} ({now - started:.1f} s)\n")
                self.stream.flush()
                next_line = done * LOG_STEPS // max(total, 1) + 1
        if self.terminal:
            self.stream.write("\n")
        elif total == 0:
            self.stream.write(f"{label}: nothing to do\n")
        self.stream.flush()

    def note(self, line: str) -> None:
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()

    def _draw(self, label: str, done: int, total: int, seconds: float) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        self.stream.write(f"\r{label} {bar} {done}/{total} {seconds:.1f} s")
        self.stream.flush()
