"""Progress of a long step: a tqdm bar on an interactive terminal, INFO log lines otherwise.

On a terminal the bar replaces the per-chunk log lines; in CI, in `dagster dev` and in a log file (stderr not a
TTY) the step logs one INFO line per update instead, so nothing there fills with carriage returns. The bar goes
to the terminal that :func:`keep_terminal` saw before the run started: during a step, Dagster's compute-log
capture points the process's stderr at a file.
"""

from __future__ import annotations

import os
import sys
import time

#: the file descriptor of the launching terminal, kept by keep_terminal()
TERMINAL_FD_VARIABLE = "VOSTOK_PROGRESS_FD"


def keep_terminal() -> None:
    """Where stderr is a terminal now (before Dagster captures it), keep a descriptor of it for the bars."""
    if sys.stderr.isatty() and TERMINAL_FD_VARIABLE not in os.environ:
        os.environ[TERMINAL_FD_VARIABLE] = str(os.dup(sys.stderr.fileno()))


def _terminal():
    """The kept terminal as a text stream, or None."""
    fd = os.environ.get(TERMINAL_FD_VARIABLE, "")
    try:
        stream = os.fdopen(int(fd), "w", closefd=False)
    except (ValueError, OSError):
        return None
    return stream if stream.isatty() else None


class StepProgress:
    """``update(label, done, total)`` from a core callback; ``close()`` when the step ends."""

    def __init__(self, context, what: str, unit: str = "doc", units: str = "docs") -> None:
        self.context, self.what, self.unit, self.units = context, what, unit, units
        self.started = time.perf_counter()
        self.bars: dict[str, object] = {}
        self.stream = _terminal()
        self.interactive = self.stream is not None

    def update(self, label: str, done: int, total: int) -> None:
        if self.interactive:
            from tqdm import tqdm

            bar = self.bars.get(label)
            if bar is None:
                bar = self.bars[label] = tqdm(total=total, desc=f"{label}: {self.what}", unit=self.unit,
                                              file=self.stream, leave=True, dynamic_ncols=True,
                                              disable=False)  # our bars, whatever TQDM_DISABLE says
            bar.update(done - bar.n)
            return
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        self.context.log.info(f"{label}: {self.what} {done}/{total} ({rate:.1f} {self.units}/s since start)")

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
