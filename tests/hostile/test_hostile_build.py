"""Every discovered hostile case (tests/hostile/cases_*.py) in one raw dir, built by the core entry the CLI's
``build`` and ``make dataset`` use (build_corpus): every entry under raw/, counted by a walk of this test's own
(os.fwalk), ends in articles or rejects exactly once (a WARC archive: once per record), each as its case allows."""

from collections import Counter

import pytest

from tests.hostile.generate import discover, escaped, generate_cases, outcomes

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipeline.core.corpus import build_corpus

    raw = tmp_path_factory.mktemp("hostile_cases") / "raw"
    written = generate_cases(raw)
    tables = build_corpus(raw).tables
    articles = tables["articles"].column("source_path").to_pylist()
    rejects = list(zip(tables["rejects"].column("source_path").to_pylist(),
                       tables["rejects"].column("reason").to_pylist()))
    return raw, written, articles, rejects


def test_every_entry_is_an_article_or_a_reject_exactly_once(built):
    raw, written, articles, rejects = built
    paths = articles + [p for p, _ in rejects]
    doubled = [p for p, n in Counter(paths).items() if n > 1]
    assert not doubled, f"source paths twice: {doubled[:10]}"
    got = outcomes(raw, articles, rejects)
    strays = [e for e in got if e.startswith(b"?")]
    assert not strays, f"outputs naming no file under raw/: {strays[:10]}"
    for entry, results in got.items():
        name = escaped(entry)
        if name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
            assert results, f"{name}: vanished"
        else:
            assert len(results) == 1, f"{name}: {results or 'vanished'}"
    assert sum(map(len, written.values())) == len(got)


def test_each_case_ends_as_it_should(built):
    raw, written, articles, rejects = built
    got = outcomes(raw, articles, rejects)
    cases = discover()
    wrong = []
    for case, entries in sorted(written.items()):
        allowed = cases[case][1]
        if allowed is None:
            continue
        for entry in entries:
            wrong += [(case, escaped(entry), r) for r in got[entry] if r not in allowed]
    assert not wrong, wrong


def test_the_accounting_check_agrees(built):
    from pipeline.core.accounting import accounting

    raw, _, articles, rejects = built
    report = accounting(raw, articles, [p for p, _ in rejects])
    assert report["ok"], {k: report[k][:10] for k in ("missing", "doubled", "unexpected")}


def test_recorded_names_are_valid_text(built):
    _, _, articles, rejects = built
    for path in articles + [p for p, _ in rejects]:
        path.encode("utf-8")  # no lone surrogate reaches a table


DAGSTER_CASES = ["cp1251_file_name", "cp1251_folder_name", "long_cyrillic_folder", "name_max_cyrillic",
                 "root_named_folder", "loose_file", "warc_member_name_collision", "escape_lookalike"]


def test_the_dagster_build_takes_hostile_names(tmp_path):
    """The asset graph (batch IO manager pickles, Hive batch folders, metadata, the accounting check) on the
    names that stopped it: cp1251 bytes, folder names whose quoted form is over 255 bytes, a folder named _root."""
    import dagster as dg

    from pipeline.definitions import ALL_CHECKS, BUILD_ASSETS
    from pipeline.defs.batches import BatchIOManager
    from pipeline.defs.resources import VostokPaths

    raw = tmp_path / "raw"
    generate_cases(raw, DAGSTER_CASES)
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [*BUILD_ASSETS, *ALL_CHECKS],
            resources={"paths": VostokPaths(raw_dir=str(raw), dataset_dir=str(tmp_path / "dataset"),
                                            releases_dir=str(tmp_path / "releases"), work_dir=str(tmp_path / "work")),
                       "batch_io_manager": BatchIOManager(base_dir=str(tmp_path / "work" / "io"))},
            instance=instance, raise_on_error=False)
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks.get("accounting_invariant") is True, checks
    folders = [p.name for p in (tmp_path / "work" / "batches" / "articles").iterdir()]
    assert "batch=__root" in folders and "batch=_root" in folders
    assert all(len(name.encode()) <= 255 for name in folders)
    assert sum(name.startswith("batch=h+") for name in folders) == 2  # the two long Cyrillic folders
