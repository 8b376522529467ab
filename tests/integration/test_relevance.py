"""End to end: an off-topic raw file ends in rejects with reason off_topic, and every raw file stays accounted for."""

import shutil

from pipeline.core.accounting import accounting
from pipeline.core.corpus import build_corpus
from pipeline.core.relevance import RelevanceConfig
from tests.conftest import RAW

OFF_TOPIC = ("# «Спартак» обыграл ЦСКА в московском дерби\n\n"
             + "Матч прошёл в Москве на стадионе «Лукойл Арена» при полном аншлаге. Главный тренер «Спартака» "
               "заявил после игры, что команда выполнила установку. Болельщики ЦСКА покинули трибуны до "
               "финального свистка, а в Санкт-Петербурге ждут следующего тура чемпионата России. " * 3)


def _raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = sorted(p for p in RAW.iterdir() if p.suffix == ".txt")[0]
    shutil.copy(seed, raw / seed.name)
    (raw / "derby.md").write_text(OFF_TOPIC, encoding="utf-8")
    return raw, seed.name


def test_an_off_topic_file_is_rejected_with_its_score_and_accounted_for(tmp_path):
    raw, seed = _raw(tmp_path)
    tables = build_corpus(raw).tables
    articles = tables["articles"].to_pylist()
    rejects = {r["source_path"]: r for r in tables["rejects"].to_pylist()}
    assert [a["source_path"] for a in articles] == [seed]
    assert articles[0]["relevance"] >= RelevanceConfig().effective_threshold()
    assert {"JPN", "KOR"} <= set(articles[0]["region_countries"])
    derby = rejects["derby.md"]
    assert (derby["stage"], derby["reason"]) == ("relevance", "off_topic")
    assert derby["message"].startswith("relevance 0.0000 < threshold 0.6600 (profile northeast_asia ")
    assert set(tables["mentions"].column("article_id").to_pylist()) <= {articles[0]["article_id"]}
    assert set(tables["events"].column("article_id").to_pylist()) <= {articles[0]["article_id"]}
    check = accounting(raw, [a["source_path"] for a in articles], list(rejects))
    assert check["ok"] and check["files"] == 2, check


def test_the_threshold_is_configuration(tmp_path):
    raw, seed = _raw(tmp_path)
    tables = build_corpus(raw, relevance=RelevanceConfig(threshold=0.0)).tables
    articles = {a["source_path"]: a for a in tables["articles"].to_pylist()}
    assert set(articles) == {seed, "derby.md"} and tables["rejects"].num_rows == 0
    assert articles["derby.md"]["relevance"] == 0.0 and articles["derby.md"]["region_countries"] == []
