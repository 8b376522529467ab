"""Releases: semver rule, immutability, atomicity under a kill, changelog, descriptors, load()."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.core.release.publish import ReleaseError, publish
from pipeline.core.release.semver import VersionError
from pipeline.schema import TABLES, format_note
from tests.conftest import RAW, REPO, REPO_RAW

pytestmark = pytest.mark.integration
SHIPPED = REPO / "dataset" / "releases"


#: values for columns added to the schema after the shipped release was cut (the release tests exercise
#: publishing, not contents): a release older than the schema gets them filled in
_ADDED_COLUMNS = {"events": {"cluster_representative": lambda t: [True] * t.num_rows,
                             "symmetric": lambda t: [False] * t.num_rows,
                             "trigger_start": lambda t: t.column("start").to_pylist(),
                             "trigger_end": lambda t: t.column("end").to_pylist()}}
#: values renamed since: modality "future" and "reported_plan" are "planned" now
_RENAMED_VALUES = {("events", "modality"): {"future": "planned", "reported_plan": "planned"}}


def _tables() -> dict[str, pa.Table]:
    """The first shipped release's tables, brought to the current schema: a column added since then is null, or
    the type's zero where the column is required (link_confidence 0.0 goes with a null wikidata_id)."""
    from pipeline.core.tables import to_arrow

    latest = sorted(p for p in SHIPPED.iterdir() if p.name.startswith("v"))[0]
    out = {}
    for name, table in TABLES.items():
        old = pq.read_table(latest / f"{name}.parquet")
        for column, values in _ADDED_COLUMNS.get(name, {}).items():
            if column not in old.column_names:
                old = old.append_column(column, pa.array(values(old)))
        for (tname, column), renames in _RENAMED_VALUES.items():
            if tname == name and column in old.column_names:
                i = old.column_names.index(column)
                old = old.set_column(i, column, pa.array([renames.get(v, v) for v in old.column(i).to_pylist()]))
        if old.column_names == table.column_names:
            out[name] = old
            continue
        zero = {pa.float64(): 0.0, pa.int64(): 0, pa.int32(): 0, pa.bool_(): False, pa.string(): ""}
        defaults = {c.name: None if c.nullable else zero.get(c.type, []) for c in table.columns}
        out[name] = to_arrow(table, [{**defaults, **row} for row in old.to_pylist()])
    return out


def _ok(tables) -> dict:
    return {name: {"table": name, "success": True, "results": []} for name in tables}


def _publish(tables, version, root):
    return publish(tables, _ok(tables), version, root, RAW, REPO)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "releases"


def test_first_release_has_every_file_and_valid_descriptors(root):
    result = _publish(_tables(), "0.1.0", root)
    files = {p.relative_to(result.path).as_posix() for p in result.path.rglob("*") if p.is_file()}
    for required in ("articles.parquet", "mentions.parquet", "entities.parquet", "events.parquet", "rejects.parquet",
                     "datapackage.json", "croissant.json", "README.md", "SHA256SUMS", "CHANGELOG.md",
                     "provenance.json", "validation/articles.json"):
        assert required in files
    card = (result.path / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "config_name: events" in card and "## Motivation" in card
    assert format_note() in card.split("## Distribution", 1)[1].split("## ", 1)[0]  # the row groups, in the format section
    prov = json.loads((result.path / "provenance.json").read_text())
    assert set(prov["raw_manifest"]) == {p.name for p in RAW.iterdir()}
    assert prov["tools"]["natasha"] and prov["lock_file"]["sha256"]
    from pipeline.core.release.descriptors import validate_croissant, validate_datapackage

    assert validate_datapackage(result.path / "datapackage.json") == []
    assert validate_croissant(result.path / "croissant.json") == []


def test_same_bytes_is_a_no_op_and_different_bytes_are_refused(root):
    tables = _tables()
    _publish(tables, "0.1.0", root)
    assert _publish(tables, "0.1.0", root).status == "unchanged"
    changed = dict(tables)
    rows = tables["rejects"].to_pylist() + [{"source_path": "new.txt", "raw_sha256": "0" * 64, "stage": "ingest",
                                             "reason": "empty", "message": "file is empty"}]
    changed["rejects"] = pa.Table.from_pylist(rows, schema=tables["rejects"].schema)
    with pytest.raises(ReleaseError, match="already exists"):
        _publish(changed, "0.1.0", root)


def test_semver_follows_the_diff_and_changelog_is_real(root):
    tables = _tables()
    _publish(tables, "0.1.0", root)
    with pytest.raises(VersionError, match="nothing changed"):
        _publish(tables, "0.1.1", root)
    added = dict(tables)
    rows = tables["rejects"].to_pylist() + [{"source_path": "new.txt", "raw_sha256": "0" * 64, "stage": "ingest",
                                             "reason": "empty", "message": "file is empty"}]
    added["rejects"] = pa.Table.from_pylist(rows, schema=tables["rejects"].schema)
    with pytest.raises(VersionError, match="need minor"):
        _publish(added, "0.1.1", root)  # new rows need at least MINOR
    result = _publish(added, "0.2.0", root)
    log = (result.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## v0.2.0" in log and "## v0.1.0" in log and "`rejects`: +1 added" in log and "`new.txt`" in log
    fixed = dict(added)
    arts = added["articles"].to_pylist()
    arts[0]["title"] = arts[0]["title"] + " (исправлено)"
    fixed["articles"] = pa.Table.from_pylist(arts, schema=added["articles"].schema)
    assert _publish(fixed, "0.2.1", root).level == "patch"


def test_removing_a_column_needs_major(root):
    tables = _tables()
    _publish(tables, "0.1.0", root)
    dropped = dict(tables)
    dropped["events"] = tables["events"].drop_columns(["confidence"])
    import pipeline.core.release.publish as pub

    original = pub.to_arrow
    pub.to_arrow = lambda table, rows: pa.Table.from_pylist(rows) if table.name == "events" else original(table, rows)
    try:
        with pytest.raises(VersionError, match="need major"):
            _publish(dropped, "0.2.0", root)
    finally:
        pub.to_arrow = original


def test_failed_suite_blocks_publication(root):
    tables = _tables()
    validation = _ok(tables)
    validation["events"]["success"] = False
    with pytest.raises(ReleaseError, match="blocked"):
        publish(tables, validation, "0.1.0", root, RAW, REPO)
    assert not (root / "v0.1.0").exists()


def test_killed_publication_leaves_no_partial_release(root, tmp_path):
    script = tmp_path / "publish.py"
    script.write_text(
        "import sys\nsys.path.insert(0, %r)\n" % str(REPO)
        + "from tests.integration.test_release import _tables, _publish\nfrom pathlib import Path\n"
        + "_publish(_tables(), '0.1.0', Path(%r))\n" % str(root), encoding="utf-8")
    env = dict(os.environ, VOSTOK_RELEASE_TEST_PAUSE="30")
    proc = subprocess.Popen([sys.executable, str(script)], env=env, cwd=REPO, start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not list(root.glob(".tmp-*/*.parquet")):
            time.sleep(0.2)
        assert list(root.glob(".tmp-*/*.parquet")), "publication never started"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (root / "v0.1.0").exists()  # no partial release under the real name
    result = _publish(_tables(), "0.1.0", root)  # the next publication cleans up and succeeds
    assert result.status == "published" and not list(root.glob(".tmp-*"))


def test_load_returns_proper_dtypes(root):
    _publish(_tables(), "0.1.0", root)
    articles = pipeline.load("articles", root=root)
    assert str(articles["published_at"].dtype) == "datetime64[us, UTC]"
    assert isinstance(articles["authors"].iloc[0], list)
    events = pipeline.load("events", version="0.1.0", root=root)
    assert isinstance(events["actor1_countries"].iloc[0], list)
    with pytest.raises(FileNotFoundError):
        pipeline.load("articles", version="9.9.9", root=root)


def test_shipped_release_loads_without_running_anything():
    """The committed release loads as shipped: every raw file it was built from is an article or a reject, the
    seeds keep their snippet policy and the Wikinews articles their full text under CC BY 2.5."""
    articles = pipeline.load("articles")
    rejects = pipeline.load("rejects")
    assert len(articles) + len(rejects) == sum(1 for p in REPO_RAW.rglob("*") if p.is_file())
    assert set(articles["text_policy"]) <= {"full", "snippet", "none"}
    wikinews = articles[articles["outlet"] == "ru.wikinews.org"]
    assert len(wikinews) >= 30 and set(wikinews["text_policy"]) == {"full"}
    assert set(wikinews["text_license"]) == {"CC-BY-2.5"}
    assert set(articles.loc[articles["outlet"] != "ru.wikinews.org", "text_policy"]) == {"snippet"}


def test_the_same_tables_from_another_lock_file_are_a_patch_release(root, tmp_path):
    """Otherwise ``verify`` could never reproduce the latest release after a re-lock."""
    tables = _tables()
    _publish(tables, "0.1.0", root)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "uv.lock").write_text((REPO / "uv.lock").read_text(encoding="utf-8") + "\n# re-resolved\n",
                                      encoding="utf-8")
    result = publish(tables, _ok(tables), None, root, RAW, checkout)
    assert result.path.name == "v0.1.1"
    assert "recorded inputs changed: lock_file" in (result.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert publish(tables, _ok(tables), None, root, RAW, checkout).status == "unchanged"


def test_provenance_calls_a_checkout_with_untracked_raw_files_dirty(tmp_path):
    from pipeline.core.release.provenance import checkout_state

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("a")
    (tmp_path / "notes.txt").write_text("scratch")  # untracked outside the build's inputs: still clean
    git("add", "raw/a.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "seed")
    assert checkout_state(tmp_path)["clean"] is True
    (tmp_path / "raw" / "b.txt").write_text("b")
    state = checkout_state(tmp_path)
    assert state["clean"] is False and state["dirty"] == ["raw/b.txt"] and len(state["commit"]) == 40
    (tmp_path / "raw" / "a.txt").write_text("changed")
    assert checkout_state(tmp_path)["dirty"] == ["raw/a.txt", "raw/b.txt"]
