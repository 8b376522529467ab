"""No published column reveals more article text than the outlet's policy allows, the published tables pass
their suites as published, and one's own copy of the pages restores the full text."""

import re

import pytest

from pipeline.core.corpus import build_corpus
from pipeline.core.quality import validate_all
from pipeline.core.release.text_policy import published_tables, text_policies
from pipeline.loading import rehydrate
from tests.conftest import RAW

pytestmark = pytest.mark.realdata
SHINGLE = 6  # words: longer than any entity name, shorter than any sentence worth protecting


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@pytest.fixture(scope="module")
def build():
    return build_corpus(RAW)


def test_no_published_column_reveals_text_beyond_the_policy(build):
    working = build.tables
    published = published_tables(working)
    full = {r["article_id"]: r for r in working["articles"].to_pylist()}
    policies = text_policies({r["outlet"] for r in full.values() if r["outlet"]})
    texts_by_article: dict[str, list[str]] = {}
    for name, table in published.items():
        if "article_id" not in table.column_names:
            continue
        text_columns = [f.name for f in table.schema if str(f.type) == "string" and f.name not in
                        ("article_id", "source_path", "raw_sha256", "url", "outlet", "body_sha256")]
        for row in table.select(["article_id", *text_columns]).to_pylist():
            texts_by_article.setdefault(row["article_id"], []).extend(
                v for k, v in row.items() if k != "article_id" and isinstance(v, str))
    checked = 0
    for article_id, article in full.items():
        policy, chars = policies.get(article["outlet"], ("snippet", 500))
        if policy == "full":
            continue
        allowed = _shingles(article["title"] + "\n" + (article["body"][:chars] if policy == "snippet" else ""))
        beyond = _shingles(article["body"]) - allowed
        revealed = set().union(*(_shingles(t) for t in texts_by_article.get(article_id, [])))
        assert not beyond & revealed, (article_id, sorted(beyond & revealed)[:3])
        checked += 1
    assert checked == len(full) > 0  # the seeds are all under snippet policy


def test_the_published_tables_pass_their_suites_as_published(build):
    frames = {name: t.to_pandas() for name, t in published_tables(build.tables).items()}
    assert set(frames["articles"]["text_policy"]) == {"snippet"}
    reports = validate_all(frames, build.reference, published=True)
    assert all(r.success for r in reports.values()), {n: [o.describe() for o in r.failures]
                                                      for n, r in reports.items() if not r.success}
    working = validate_all({n: t.to_pandas() for n, t in build.tables.items()}, build.reference, published=True)
    assert all(r.success for r in working.values())
    # the working-tables suite refuses a published table: its text is not full
    strict = validate_all({"articles": frames["articles"]}, build.reference)
    assert not strict["articles"].success


def test_own_pages_restore_the_full_text_and_the_offsets(build):
    articles = published_tables(build.tables)["articles"].to_pandas()
    restored = rehydrate(articles, sorted(RAW.iterdir()))
    working = build.tables["articles"].to_pandas().set_index("article_id")
    assert (restored["text_policy"] == "full").all()
    for _, row in restored.iterrows():
        assert row["body"] == working.loc[row["article_id"], "body"]
    mentions = build.tables["mentions"].to_pylist()
    bodies = dict(zip(restored["article_id"], restored["body"]))
    assert all(bodies[m["article_id"]][m["start"]:m["end"]] == m["text"] for m in mentions)
