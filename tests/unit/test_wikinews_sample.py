"""The Wikinews sample: scripts/select_wikinews.py's dumps and sources file, the outlet profile, per-source licences
in the card and the datapackage (no eval data: records are made up here)."""

import importlib.util
import json

import pytest

from pipeline.core.release.card_sections import licence_section, release_sources, sources_table, summary_section
from pipeline.core.release.descriptors import datapackage
from pipeline.knowledge import outlet_profiles
from pipeline.schema import ARTICLES
from tests.conftest import REPO, REPO_RAW


@pytest.fixture(scope="module")
def select():
    spec = importlib.util.spec_from_file_location("select_wikinews", REPO / "scripts" / "select_wikinews.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORD = {"doc_id": "4242_text", "split": "dev",
          "text": "Япония и КНДР провели переговоры\n\n\nthumb|Улан-Батор\nВ Улан-Баторе прошли переговоры.\n\t\nСтороны  договорились."}


def test_dump_has_the_title_heading_paragraphs_and_footer_but_no_invented_date_or_url(select):
    text = select.render(RECORD)
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "# Япония и КНДР провели переговоры"
    assert blocks[1:4] == ["thumb|Улан-Батор", "В Улан-Баторе прошли переговоры.", "Стороны договорились."]
    assert blocks[-1] == select.FOOTER and "ru.wikinews.org" in select.FOOTER and "2.5" in select.FOOTER
    assert "URL" not in text and "http" not in text.replace(select.LICENSE_URL, "")
    assert select.file_name(RECORD) == "wikinews_4242.txt"


def test_a_text_without_a_title_and_body_is_not_rendered(select):
    assert select.render({"doc_id": "1_text", "split": "train", "text": "Только одна строка"}) is None
    assert select.render({"doc_id": "2_text", "split": "train", "text": "x" * 300 + "\nтело"}) is None


def test_only_wikinews_records_are_candidates(select):
    assert select.is_wikinews(RECORD)
    for doc_id in ("003", "last_15", "kuleshov", "04_12_12g", "12_text_x"):
        assert not select.is_wikinews({"doc_id": doc_id})


def test_a_held_out_record_stops_the_script(select, tmp_path):
    (tmp_path / select.NEREL).write_text(json.dumps(dict(RECORD, split="test")) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="only train and dev"):
        select.read_records(tmp_path)
    (tmp_path / select.NEREL).write_text(json.dumps(dict(RECORD, entities=[{"id": "T1"}])) + "\n", encoding="utf-8")
    assert select.read_records(tmp_path) == [RECORD]  # annotations are not even read


def test_write_keeps_only_the_selection_and_lists_each_file_with_licence_and_attribution(select, tmp_path):
    out, sources = tmp_path / "wikinews", tmp_path / "sources.tsv"
    out.mkdir()
    (out / "wikinews_1.txt").write_text("stale", encoding="utf-8")
    select.write([RECORD], out, sources)
    assert sorted(p.name for p in out.iterdir()) == ["wikinews_4242.txt"]
    rows = [line.split("\t") for line in sources.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header, row = rows
    entry = dict(zip(header, row))
    assert entry["file"] == "wikinews/wikinews_4242.txt" and entry["license"] == "CC BY 2.5" and entry["url"] == ""
    assert "«Япония и КНДР провели переговоры»" in entry["attribution"] and "CC BY 2.5" in entry["attribution"]
    assert "dev document 4242_text" in entry["via"]


def test_the_committed_sample_matches_its_sources_file():
    listed = [line.split("\t")[0] for line in (REPO / "raw_sources" / "wikinews.tsv").read_text(encoding="utf-8")
              .splitlines()[4:]]
    assert listed == sorted(f"wikinews/{p.name}" for p in (REPO_RAW / "wikinews").iterdir())
    assert len(listed) >= 20


def test_profiles_say_text_policy_and_licence():
    profiles = outlet_profiles()
    wikinews = profiles["ru.wikinews.org"]
    assert (wikinews["text_policy"], wikinews["text_license"]) == ("full", "CC-BY-2.5")
    assert wikinews["license_url"] == "https://creativecommons.org/licenses/by/2.5/" and wikinews["attribution"]
    assert {profiles[o]["text_policy"] for o in ("babr24.com", "zn.ua")} == {"snippet"}
    import re

    pattern = re.compile(ARTICLES.column("text_license").pattern)
    assert all(pattern.match(p["text_license"]) for p in profiles.values())


def test_card_and_datapackage_carry_each_source_licence_and_count():
    articles = [{"outlet": "ru.wikinews.org"}] * 3 + [{"outlet": "babr24.com"}] * 2 + [{"outlet": None}]
    sources = release_sources(articles)
    assert [(s["outlet"], s["articles"], s["text_policy"]) for s in sources] == [
        ("babr24.com", 2, "snippet"), ("ru.wikinews.org", 3, "full"), (None, 1, "snippet")]
    table = sources_table(sources)
    assert "| ru.wikinews.org | Русские Викиновости | 3 | **full** | CC-BY-2.5 |" in table
    licences = licence_section({"ru.wikinews.org": "full", "babr24.com": "snippet"}, "snippet", 500, sources)
    assert "Attribution: Русские Викиновости" in licences and "Правила перепечаток" in licences
    summary = summary_section(sources, dates=[1, 2])
    assert "6 Russian-language articles" in summary and "3 of the\n6 are published in full" in summary
    assert "4 of 6 articles state no publication date" in summary
    package = datapackage("9.9.9", {}, sources)
    assert {"name": "CC-BY-2.5", "path": "https://creativecommons.org/licenses/by/2.5/",
            "title": "Русские Викиновости: article text"} in package["licenses"]
    titles = [s["title"] for s in package["sources"]]
    assert any(t.startswith("Русские Викиновости: 3 articles, text policy full, text licence CC-BY-2.5") for t in titles)
