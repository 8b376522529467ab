"""Line joining on a page of short lowercase lines (issue 18: it was quadratic, 4 MB took minutes in raw_batch).

    .venv/bin/python benchmarks/line_joining.py --sizes 1 2 4

Prints, per size in MB: the time of markdown.logical_lines alone, of cleaning.document.reflow on as many short
paragraphs, and of the whole per-page prepare step (what raw_batch runs per page: convert, segment, template
keys). Linear code doubles its time when the size doubles; tests/unit/test_line_joining.py asserts that ratio.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.batches import prepare_documents  # noqa: E402
from pipeline.core.cleaning.document import reflow  # noqa: E402
from pipeline.core.document_cache import DocumentCache  # noqa: E402
from pipeline.core.documents import document_from_bytes  # noqa: E402
from pipeline.core.markdown import logical_lines  # noqa: E402

LINE = "и ещё одна короткая строка\n"


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4], help="page sizes in MB")
    args = parser.parse_args()
    for mb in args.sizes:
        text = LINE * int(mb * 1024 * 1024 / len(LINE.encode()))
        paragraphs = ["и строка"] * int(mb * 1024 * 1024 / 16)
        doc = document_from_bytes("lines.txt", text.encode())
        lines = timed(lambda: logical_lines(text))
        joined = timed(lambda: reflow(paragraphs, paragraphs))
        prepare = timed(lambda: prepare_documents("bench", [doc], [], DocumentCache(None)))
        print(f"{mb:g} MB: logical_lines {lines:.2f} s, reflow {joined:.2f} s, prepare (raw_batch per page) {prepare:.1f} s")


if __name__ == "__main__":
    main()
