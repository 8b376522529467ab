"""On the real build of raw/ (the shipped release's pages), the gating suites chunk by chunk and as DuckDB
queries give exactly the reports of the suites on whole pandas frames: the working tables and the tables as
published, from Arrow and from the written Parquet files, with chunks small enough that every table spans
several of them."""

import pytest

from pipeline.core import quality_tables
from pipeline.core.corpus import build_corpus
from pipeline.core.quality import validate_all
from pipeline.core.quality_tables import ArrowSource, ParquetSource, validate_frames, validate_tables
from pipeline.core.release.text_policy import published_tables
from pipeline.core.tables import write_working_tables
from tests.conftest import RAW

pytestmark = pytest.mark.realdata


def _reports(reports: dict) -> dict:
    return {name: {**r.to_json(), "why": [o.why for o in r.outcomes]} for name, r in reports.items()}


@pytest.fixture(scope="module")
def build():
    return build_corpus(RAW)


@pytest.mark.parametrize("published", [False, True])
def test_real_tables_validate_alike_in_chunks_and_whole(build, tmp_path, monkeypatch, published):
    tables = published_tables(build.tables) if published else build.tables
    whole = _reports(validate_all({n: t.to_pandas() for n, t in tables.items()}, build.reference,
                                  published=published))
    assert all(r["success"] for r in whole.values())
    assert sum(r["evaluated"] for r in whole.values()) > 100
    assert _reports(validate_tables(tables, build.reference, published=published)) == whole
    folder = tmp_path / "current"
    write_working_tables(tables, build.reference.to_json(), folder)
    rows = tables["mentions"].num_rows
    assert rows > 50  # the seeds and Wikinews articles name many entities
    monkeypatch.setattr(quality_tables, "CHUNK_ROWS", rows // 7)
    monkeypatch.setattr(quality_tables, "CHUNK_ARTICLES", 5)
    for source in (ArrowSource(tables), ParquetSource.folder(folder, tables)):
        assert _reports(validate_tables(source, build.reference, published=published)) == whole, type(source)
    frames = {n: t.to_pandas() for n, t in tables.items()}
    assert _reports(validate_frames(frames, build.reference, published)) == whole  # the Dagster checks' path


def test_real_failures_are_found_alike(build, monkeypatch):
    """A real table with rows broken the way a bad stage would break them: the same failures, counts, samples."""
    import pyarrow as pa

    tables = dict(build.tables)
    mentions = tables["mentions"]
    ends = mentions.column("end").to_pylist()
    ends[3] += 1  # text is no longer body[start:end]
    ends[-2] += 5
    tables["mentions"] = mentions.set_column(mentions.schema.get_field_index("end"), "end",
                                             pa.array(ends, mentions.schema.field("end").type))
    whole = _reports(validate_all({n: t.to_pandas() for n, t in tables.items()}, build.reference))
    assert not whole["mentions"]["success"]
    monkeypatch.setattr(quality_tables, "CHUNK_ROWS", tables["mentions"].num_rows // 5)
    assert _reports(validate_tables(tables, build.reference)) == whole
