"""Rows already judged (pipeline.core.known_rows): GX runs only on rows no expectation has passed before, and the
reports and quarantine verdicts are exactly those of a run over every row, before and after tables change."""

from datetime import date

import pandas as pd
import pytest

from pipeline.core import known_rows, quality, quality_tables, validation_cache
from pipeline.core.quality import failing_articles
from pipeline.core.quality_chunks import failing_articles_chunked
from pipeline.core.quality_tables import validate_tables
from pipeline.core.reference_time import ReferenceTime
from tests.unit.test_quality_chunks import AS_OF
from tests.unit.test_quality_tables import _event, _planted, _reports


@pytest.fixture()
def remembered(tmp_path, monkeypatch):
    """The validation cache on (as ``make dataset`` has it), and a count of the rows GX is given."""
    seen = []
    real = quality.run_expectations

    def counting(table_name, frame, configs, complete=False):
        seen.append((table_name, len(frame), len(configs)))
        return real(table_name, frame, configs, complete=complete)

    monkeypatch.setattr(quality, "run_expectations", counting)
    validation_cache.enable(tmp_path)
    known_rows.forget()
    yield seen
    validation_cache.enable(None)
    known_rows.forget()


def _plain(tables, reference=AS_OF, published=False):
    """The reports with nothing remembered."""
    folder = validation_cache.folder()
    validation_cache.enable(None)
    try:
        return _reports(validate_tables(tables, reference, published=published))
    finally:
        validation_cache.enable(folder)


def _with_new_rows(tables: dict) -> dict:
    """The planted tables plus one new article and its event, one of them failing (a date past the reference)."""
    from pipeline.core.tables import to_arrow
    from pipeline.schema import ARTICLES, EVENTS

    articles = tables["articles"].to_pylist()
    new = dict(articles[1], article_id="0" * 15 + "a", source_path="new.txt", url="https://example.org/new")
    events = tables["events"].to_pylist() + [_event(new["article_id"], event_id="9" * 16,
                                                    event_date=date(2031, 1, 1))]
    return {**tables, "articles": to_arrow(ARTICLES, articles + [new]), "events": to_arrow(EVENTS, events)}


def _fresh_folder(tmp_path, name):
    """A new validation folder holding only the remembered rows (no whole-chunk entries, which would answer an
    unchanged chunk alone)."""
    import shutil

    folder = tmp_path / name
    shutil.copytree(validation_cache.folder() / "rows", folder / "rows")
    validation_cache.enable(folder)
    known_rows.forget()


def _judged(remembered, tables, reference=AS_OF, names=None) -> int:
    """Validate with rows remembered; check the reports equal a full run's; the rows GX was given."""
    remembered.clear()
    got = _reports(validate_tables(tables, reference))
    judged = sum(rows for name, rows, _ in remembered if names is None or name in names)
    assert got == _plain(tables, reference)
    return judged


@pytest.mark.parametrize("chunk", [2, 1000])
def test_reports_equal_a_full_run_and_a_rerun_judges_only_new_rows(remembered, monkeypatch, tmp_path, chunk):
    monkeypatch.setattr(quality_tables, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(quality_tables, "CHUNK_ARTICLES", chunk)
    tables = _planted()
    first = _judged(remembered, tables)
    _fresh_folder(tmp_path, "again")
    again = _judged(remembered, tables)  # the failing rows (never remembered), one row per table-level check
    assert again < first
    _fresh_folder(tmp_path, "grown")
    # and the new article and event, and in each of those two tables a row a table-level expectation runs on
    # where chunk boundaries moved
    assert _judged(remembered, _with_new_rows(tables)) <= again + 4


@pytest.mark.parametrize("judge_rows", [1, 20_000])
def test_quarantine_verdicts_equal_a_full_run(remembered, monkeypatch, judge_rows):
    from pipeline.core import quality_chunks

    monkeypatch.setattr(quality_chunks, "JUDGE_ROWS", judge_rows)  # GX per chunk, or once on rows from many
    tables = _planted()
    plain = failing_articles({name: t.to_pandas() for name, t in tables.items()}, AS_OF)
    assert plain  # the planted rows fail
    for _ in range(2):
        assert failing_articles_chunked(tables, AS_OF, chunk=2) == plain
    grown = _with_new_rows(tables)
    folder = validation_cache.folder()
    validation_cache.enable(None)
    plain_grown = failing_articles({name: t.to_pandas() for name, t in grown.items()}, AS_OF)
    validation_cache.enable(folder)
    assert failing_articles_chunked(grown, AS_OF, chunk=2) == plain_grown
    assert "0" * 15 + "a" in plain_grown


def test_gating_reuses_the_quarantine_verdicts_of_the_same_rows(remembered):
    tables = _planted()
    failing_articles_chunked(tables, AS_OF, chunk=1000)
    judged = _judged(remembered, tables, names=("mentions", "entities"))
    assert judged < tables["mentions"].num_rows + tables["entities"].num_rows


def test_a_new_reference_time_reruns_only_the_time_bounds(remembered, tmp_path):
    tables = _planted()
    validate_tables(tables, AS_OF)
    later = ReferenceTime(date(2027, 3, 1), "declared")
    _fresh_folder(tmp_path, "later")
    remembered.clear()
    got = _reports(validate_tables(tables, later))
    ran = {name: configs for name, _, configs in remembered}
    assert got == _plain(tables, later)
    # the articles' suite has bounds on its time columns: they ran again, the other expectations did not
    assert 0 < ran["articles"] < len(quality.suite_configs("articles", later, quality.ARTICLE_CHECK_COLUMNS))


def test_row_digests_tell_values_and_types_apart():
    frame = pd.DataFrame({"a": [None, "None", "[]", "x", "x"], "b": [[], None, None, ["x"], ["x"]]}, dtype=object)
    digests = known_rows.row_digests(frame)
    assert len(set(digests[:4].tolist())) == 4 and digests[3] == digests[4]
    swapped = pd.DataFrame({"a": frame["b"], "b": frame["a"]})  # the same values, in the other column
    assert not set(known_rows.row_digests(swapped)[:4].tolist()) & set(digests[:4].tolist())
    assert known_rows.row_digests(pd.DataFrame({"n": pd.array([1, 2], "int64")})).dtype.name == "uint64"


def test_an_unreadable_set_is_a_miss_never_a_pass(remembered, tmp_path):
    tables = {"entities": _planted()["entities"]}
    validate_tables(tables, AS_OF)
    for part in (tmp_path / "rows").rglob("*.u64"):
        part.write_bytes(b"\x00" * 7)  # not a whole digest
    _fresh_folder(tmp_path, "damaged")
    assert _judged(remembered, tables) >= tables["entities"].num_rows


def test_another_validation_folder_starts_afresh(remembered, tmp_path):
    tables = _planted()
    failing_articles_chunked(tables, AS_OF, chunk=1000)  # the quarantine keeps its sets in memory after it
    validation_cache.enable(tmp_path / "other")  # nothing judged there: what the first folder knew is not used
    remembered.clear()
    failing_articles_chunked(tables, AS_OF, chunk=1000)
    assert sum(rows for name, rows, _ in remembered if name == "entities") == tables["entities"].num_rows
