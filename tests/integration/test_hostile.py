"""The hostile-input corpus: every case ends in articles or rejects with a clear reason, fast, nothing escapes raw/."""

import os
import resource
import time
from types import SimpleNamespace

import pytest

from tests.conftest import build_rows
from tests.hostile.generate import generate

pytestmark = pytest.mark.integration
SECRET = "TOP-SECRET-MARKER-0451"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret.txt"
    secret.write_text(SECRET * 10)
    raw = base / "raw"
    expected = generate(raw, str(secret))
    (raw / "escape-link.txt").symlink_to(secret)
    (raw / "escape-dir").symlink_to(base)
    expected["escape-link.txt"] = "unreadable"
    expected["escape-dir"] = "unreadable"
    from pipeline.core.entities.ner import models

    models()  # natasha's models are a fixed cost (~0.5 GB); what is measured is what the inputs add
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = SimpleNamespace(**dict(zip(("articles", "rejects"), build_rows(raw))))
    elapsed = time.perf_counter() - started
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return expected, result, elapsed, rss_growth_mb


def _outcomes(result) -> dict[str, str]:
    out = {}
    for a in result.articles:
        out[a["source_path"].split("#")[0]] = "article"
    for r in result.rejects:
        out.setdefault(r.source_path.split("#")[0], r.reason)
    return out


def test_every_hostile_file_is_accounted_for(hostile):
    expected, result, _, _ = hostile
    outcomes = _outcomes(result)
    for name, expectation in expected.items():
        assert name in outcomes, f"{name} vanished"
        allowed = expectation if isinstance(expectation, set) else {expectation}
        assert outcomes[name] in allowed, (name, outcomes[name])
    paths = [a["source_path"] for a in result.articles] + [r.source_path for r in result.rejects]
    assert len(paths) == len(set(paths)), "a file is both an article and a reject"


def test_nothing_outside_raw_is_read(hostile):
    _, result, _, _ = hostile
    for a in result.articles:
        assert SECRET not in a["body"] and SECRET not in a["title"]
        assert "root:x:0" not in a["body"]


def test_hostile_corpus_is_fast_and_memory_bounded(hostile):
    _, _, elapsed, rss_growth_mb = hostile
    assert elapsed < 120, f"hostile corpus took {elapsed:.0f}s"
    assert rss_growth_mb < 2048, f"memory grew by {rss_growth_mb:.0f} MB"


def test_rejects_have_clear_messages(hostile):
    _, result, _, _ = hostile
    for r in result.rejects:
        assert r.reason and len(r.message) >= 10
