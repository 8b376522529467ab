"""Line joining (markdown logical lines, page-break reflow) is linear, and gives what the old quadratic code gave."""

import time

from hypothesis import example, given, settings, strategies as st

from pipeline.core import markdown
from pipeline.core.cleaning.document import TERMINAL, _starts_lowercase, reflow
from pipeline.core.markdown import LogicalLine, logical_lines, split_blocks, strip_inline


def old_logical_lines(text: str) -> list[LogicalLine]:
    """The joining as it was before issue 18 (a growing string, copied per piece): the reference."""
    out = []
    for b, block in enumerate(split_blocks(text)):
        wrapped = markdown._is_wrapped_block(block)
        pieces = []
        for raw in block:
            hard = raw.endswith("  ") or raw.rstrip().endswith("\\") and not raw.rstrip().endswith("\\\\")
            pieces.append((raw.rstrip().rstrip("\\") if hard and raw.rstrip().endswith("\\") else raw.rstrip(), hard))
        merged, prev_hard = [], True
        for raw, hard in pieces:
            stripped = raw.strip()
            if merged and not markdown._HEADING.match(stripped) and not markdown._LIST_ITEM.match(stripped) \
                    and not markdown._HEADING.match(merged[-1].strip()) \
                    and (wrapped or (not prev_hard and markdown._starts_lower(stripped))):
                merged[-1] = merged[-1].rstrip() + " " + stripped
            else:
                merged.append(raw)
            prev_hard = hard
        for raw in merged:
            body, heading, list_item, table = markdown._line_markup(raw.strip())
            plain, link_chars = strip_inline(body)
            if not plain and not raw.strip():
                continue
            out.append(LogicalLine(b, raw.strip(), plain, heading, list_item, table, link_chars))
    return out


def old_reflow(paragraphs, markups):
    out, out_raw = [], []
    for p, raw in zip(paragraphs, markups):
        if out and not out[-1].rstrip().endswith(TERMINAL) and _starts_lowercase(p):
            out[-1] = out[-1].rstrip() + " " + p.lstrip()
            out_raw[-1] = out_raw[-1] + " " + raw
        else:
            out.append(p)
            out_raw.append(raw)
    return out, out_raw


PIECES = st.sampled_from(["и строка", "Строка.", "# Заголовок", "##", "- пункт", "1) пункт", "текст  ", "текст \\",
                          "\\", "  отступ", "", "---", "> цитата", "a | b | c", "«кавычки»", "(скобка", ",запятая",
                          "x" * 60, "y" * 55 + ".", "   ", "\t"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40))
@example(["x" * 60, "x" * 60, "x" * 60, "\\", "и строка"])  # a lone backslash break inside a wrapped block (CI)
def test_logical_lines_as_before(lines):
    text = "\n".join(lines)
    assert logical_lines(text) == old_logical_lines(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PIECES, PIECES), max_size=30))
def test_reflow_as_before(pairs):
    paragraphs, markups = [p for p, _ in pairs], [m for _, m in pairs]
    assert reflow(paragraphs, markups) == old_reflow(paragraphs, markups)


def _seconds(fn, arg) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - started)
    return best


def test_joining_is_linear():
    """Four times the input costs about four times as much (the quadratic code: sixteen times). The bound is
    a ratio of two runs on this machine, not a wall time."""
    line = "и ещё одна короткая строка\n"
    small, large = line * 4000, line * 16000
    ratio = _seconds(logical_lines, large) / _seconds(logical_lines, small)
    assert ratio < 8, f"logical_lines: 4x the lines took {ratio:.1f}x the time"
    small_p, large_p = ["и строка"] * 8000, ["и строка"] * 32000
    ratio = _seconds(lambda p: reflow(p, p), large_p) / _seconds(lambda p: reflow(p, p), small_p)
    assert ratio < 8, f"reflow: 4x the paragraphs took {ratio:.1f}x the time"
