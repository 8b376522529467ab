"""StepProgress: INFO lines where no terminal was kept, a tqdm bar on the kept terminal."""

import fcntl
import os
import pty
import select
import struct
import termios

from pipeline.defs import progress as progress_module
from pipeline.defs.progress import TERMINAL_FD_VARIABLE, StepProgress


class _Log:
    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(message)


class _Context:
    def __init__(self):
        self.log = _Log()


def test_logs_lines_when_no_terminal_was_kept(monkeypatch):
    monkeypatch.delenv(TERMINAL_FD_VARIABLE, raising=False)
    context = _Context()
    progress = StepProgress(context, "NER and events")
    progress.update("batch-a", 16, 40)
    progress.update("batch-a", 40, 40)
    progress.close()
    assert [line.split(" (")[0] for line in context.log.lines] == ["batch-a: NER and events 16/40",
                                                                    "batch-a: NER and events 40/40"]
    assert context.log.lines[0].endswith("docs/s since start)")


def test_a_kept_descriptor_that_is_not_a_terminal_gives_log_lines(monkeypatch, tmp_path):
    with open(tmp_path / "log", "w") as fh:
        monkeypatch.setenv(TERMINAL_FD_VARIABLE, str(fh.fileno()))
        context = _Context()
        StepProgress(context, "x").update("b", 1, 2)
    assert len(context.log.lines) == 1


def test_draws_one_bar_per_label_on_the_kept_terminal(monkeypatch):
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty is 0 columns wide
    try:
        monkeypatch.setenv(TERMINAL_FD_VARIABLE, str(follower))
        context = _Context()
        progress = StepProgress(context, "batches read", unit="batch", units="batches")
        progress.update("raw/", 1, 3)
        progress.update("raw/", 3, 3)
        progress.close()
        drawn = b""
        while select.select([leader], [], [], 0.2)[0]:
            drawn += os.read(leader, 4096)
        drawn = drawn.decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert context.log.lines == []
    assert "raw/: batches read" in drawn and "3/3" in drawn
    assert progress_module._terminal() is None  # the descriptor is closed now
