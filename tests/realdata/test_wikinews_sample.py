"""raw/ as ``make dataset`` reads it: the seed pages plus the Wikinews sample (scripts/select_wikinews.py). Every
Wikinews file is kept as an article of its outlet with its licence, nothing is invented for it, and the seed
pages' rows are the same as when they are built alone."""

from collections import Counter

import pytest

from tests.conftest import RAW, REPO, REPO_RAW

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def tables():
    from pipeline.core.corpus import build_corpus

    return build_corpus(REPO_RAW).tables


@pytest.fixture(scope="module")
def wikinews(tables):
    return [a for a in tables["articles"].to_pylist() if a["source_path"].startswith("wikinews/")]


def test_every_wikinews_file_is_an_article_and_nothing_is_rejected(tables, wikinews):
    files = sorted(f"wikinews/{p.name}" for p in (REPO_RAW / "wikinews").iterdir())
    assert sorted(a["source_path"] for a in wikinews) == files and len(files) >= 20
    assert tables["rejects"].num_rows == 0


def test_wikinews_articles_carry_outlet_licence_and_no_invented_metadata(wikinews):
    assert {(a["outlet"], a["text_license"], a["text_policy"]) for a in wikinews} == {("ru.wikinews.org", "CC-BY-2.5", "full")}
    assert all(a["published_at"] is None and a["url"] is None and a["authors"] == [] for a in wikinews)
    assert not any("Викиновостей, свободного источника" in a["body"] or "creativecommons" in a["body"] for a in wikinews)
    titles = {line.split("\t")[0]: line.split("\t")[2] for line in
              (REPO / "raw_sources" / "wikinews.tsv").read_text(encoding="utf-8").splitlines()[4:]}
    assert {a["source_path"]: a["title"] for a in wikinews} == titles
    assert all(a["relevance"] >= 0.66 and a["region_countries"] for a in wikinews)


def test_the_sample_spans_the_region_and_years_of_dated_events(tables, wikinews):
    countries = Counter(c for a in wikinews for c in a["region_countries"])
    assert {"JPN", "CHN", "KOR", "PRK"} <= set(countries)
    ids = {a["article_id"] for a in wikinews}
    years = {e["event_date"].year for e in tables["events"].to_pylist()
             if e["article_id"] in ids and e["event_date"] is not None}
    assert len(years) >= 3


def test_seed_rows_are_the_same_as_when_built_alone(tables):
    from pipeline.core.corpus import build_corpus

    alone = build_corpus(RAW).tables
    for name in ("articles", "mentions", "events"):
        seeds = {a["article_id"] for a in alone["articles"].to_pylist()}
        full = [r for r in tables[name].to_pylist() if r["article_id"] in seeds]
        assert full == alone[name].to_pylist(), name
