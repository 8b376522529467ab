"""``python -m pipeline build`` that SIGKILLs its own process group at its N-th write event (tests only).

    python tests/integration/killpoint_build.py N COUNT_FILE -- BUILD ARGS...

A write event is what an audit hook (``sys.addaudithook``) sees the build process itself do to the file system:
an ``open`` for writing (Python's ``open``, ``os.open``), ``os.replace``/``os.rename``, ``os.remove``/``os.unlink``,
``shutil.rmtree``, ``sqlite3.connect``. The hook fires *before* the operation, so the kill lands just before a
temp file is renamed into place, a table is opened for writing, a file is removed. The events of worker
processes are not counted, so the N-th event is the same point of the same build every time. N = 0 kills
nothing and writes the number of events seen to COUNT_FILE at exit (the counting run).
"""

import os
import signal
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
EVENTS = {"os.replace", "os.rename", "os.remove", "os.unlink", "shutil.rmtree", "sqlite3.connect"}


def _is_write(event: str, args: tuple) -> bool:
    if event in EVENTS:
        return True
    if event != "open" or len(args) < 3:
        return False
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


def main() -> int:
    kill_at, count_file = int(sys.argv[1]), sys.argv[2]
    build_args = sys.argv[sys.argv.index("--") + 1:]
    me, seen = os.getpid(), [0]

    def hook(event, args):
        if os.getpid() != me or not _is_write(event, args):
            return
        seen[0] += 1
        if seen[0] == kill_at:
            os.killpg(0, signal.SIGKILL)  # the build and its workers, as kill -9 of a process group

    sys.addaudithook(hook)
    from pipeline.__main__ import main as pipeline_main

    try:
        return pipeline_main(["build", *build_args])
    finally:
        if kill_at == 0:
            with open(count_file, "w", encoding="utf-8") as fh:  # counted too: the last event
                fh.write(str(seen[0]))


if __name__ == "__main__":
    sys.exit(main())
