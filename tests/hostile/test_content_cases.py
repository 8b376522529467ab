"""The content cases (tests/hostile/cases_content.py) built together: every file ends in articles or rejects as
expected, with the notes its caps and set-aside fields call for, under a declared reference time; memory stays
bounded; names with invisible characters link to the same entities as without."""

import resource
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.hostile.cases_content import EXPECTED, write_all

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipeline.core.corpus import build_corpus
    from pipeline.core.entities.ner import models

    raw = tmp_path_factory.mktemp("content") / "raw"
    expected = write_all(raw)
    models()  # natasha's models are a fixed cost; what is measured is what the inputs add
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tables = build_corpus(Path(raw), declared_as_of="2026-12-01").tables
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return expected, tables, growth_mb


def test_every_content_case_ends_as_expected_with_its_notes(built):
    expected, tables, _ = built
    articles = {a["source_path"]: a for a in tables["articles"].to_pylist()}
    rejects = {r["source_path"]: r for r in tables["rejects"].to_pylist()}
    assert set(articles) | set(rejects) == set(expected) and not set(articles) & set(rejects)
    for name, (outcomes, notes) in expected.items():
        outcome = "article" if name in articles else rejects[name]["reason"]
        assert outcome in outcomes, (name, outcome, rejects.get(name, {}).get("message"))
        if name in articles:
            assert notes <= set(articles[name]["notes"]), (name, articles[name]["notes"])


def test_dates_beyond_the_reference_time_are_quarantined(built):
    _, tables, _ = built
    rejects = {r["source_path"]: r for r in tables["rejects"].to_pylist()}
    for name in ("date-jsonld-2099.html", "date-byline-2099.txt"):
        assert rejects[name]["reason"] == "quarantined" and "published_at" in rejects[name]["message"]


def test_invisible_characters_do_not_split_names(built):
    _, tables, _ = built
    articles = {a["article_id"]: a["source_path"] for a in tables["articles"].to_pylist()}
    entities = {}
    for m in tables["mentions"].to_pylist():
        entities.setdefault(articles[m["article_id"]], set()).add(m["entity_id"])
    assert "person:fumio-kishida" in entities["name-zero-width.txt"]
    assert "person:ukhnaagiin-khurelsukh" in entities["name-bidi.txt"]
    names = {e["name"] for e in tables["entities"].to_pylist()}
    assert not any("\u200b" in n or "\u202e" in n or n in ("Фумио Ки", "Ки") for n in names)


def test_a_page_dated_2099_without_as_of_is_quarantined_the_same_on_any_day(tmp_path):
    """No declared reference: the derived one is capped by the code version's ceiling, not by the clock, so the
    2099 pages are quarantined and the tables are byte-identical under clocks 150 years apart."""
    import time_machine

    from pipeline.core.corpus import build_corpus
    from pipeline.core.tables import write_working_tables
    from tests.hostile.cases_content import bad_dates

    raw = tmp_path / "raw"
    bad_dates(raw)
    outputs = []
    for day in (datetime(2001, 1, 1, tzinfo=timezone.utc), datetime(2150, 6, 1, tzinfo=timezone.utc)):
        with time_machine.travel(day, tick=True):
            build = build_corpus(raw)
        out = tmp_path / f"out-{day.year}"
        write_working_tables(build.tables, build.reference.to_json(), out)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")})
    assert outputs[0] == outputs[1]
    assert build.reference.source == "ceiling"
    rejects = {r["source_path"]: r for r in build.tables["rejects"].to_pylist()}
    for name in ("date-jsonld-2099.html", "date-byline-2099.txt"):
        assert rejects[name]["reason"] == "quarantined" and "published_at" in rejects[name]["message"]
    assert "date-jsonld-1970.html" in build.tables["articles"].column("source_path").to_pylist()


def test_bombs_stay_within_memory(built):
    _, _, growth_mb = built
    assert growth_mb < 1024, f"memory grew by {growth_mb:.0f} MB"
