"""The user-facing commands: run (pages to articles, mentions, events), stats, and clear messages on bad input."""

import io
import json

import pytest

from pipeline.__main__ import cmd_tag, main
from pipeline.cli_commands import cmd_run, cmd_stats
from tests.conftest import RAW, REPO

pytestmark = pytest.mark.integration


def test_run_prints_article_mentions_and_events_per_page_and_names_a_missing_file(tmp_path):
    seed = sorted(RAW.iterdir())[0]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out, err = io.StringIO(), io.StringIO()
    status = cmd_run([str(seed), str(tmp_path / "nope.txt"), str(empty)], out, err)
    assert status == 1  # a missing file and a reject are failures, but the seed is still processed
    assert err.getvalue().strip() == f"python -m pipeline run: no such file: {tmp_path / 'nope.txt'}"
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    article = next(r for r in records if "article" in r)
    assert article["article"]["source_path"] == str(seed) and article["article"]["title"]
    assert article["mentions"] and all(m["article_id"] == article["article"]["article_id"] for m in article["mentions"])
    body = article["article"]["body"]
    assert all(body[m["start"]:m["end"]] == m["text"] for m in article["mentions"])
    assert article["events"] and all(e["cameo_code"] for e in article["events"])
    assert {"source_path": str(empty), "error": "empty"}.items() <= next(r for r in records if "error" in r).items()


@pytest.mark.parametrize("line,message", [
    ('{"text": "Токио"}', "line 1: missing field 'id'"),
    ('{"id": 1}', "line 1: missing field 'text'"),
    ('[1, 2]', "line 1: expected a JSON object"),
    ('{"id": 1, "text": 5}', "line 1: text must be a string"),
    ('{"id": 1, "text": "x", "published_at": "вчера"}', "line 1: Invalid isoformat string"),
    ('not json', "line 1: Expecting value"),
])
def test_tag_says_what_is_wrong_with_a_line(line, message):
    out = io.StringIO()
    assert cmd_tag(io.StringIO(line + "\n"), out) == 1
    record = json.loads(out.getvalue())
    assert record["error"] == "bad_input" and record["message"].startswith(message), record


def test_stats_counts_a_release_and_says_when_there_is_nothing(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert cmd_stats("latest", "", str(REPO / "dataset" / "releases"), out, err) == 0
    stats = json.loads(out.getvalue())
    assert stats["rows"]["articles"] == sum(stats["articles_by_outlet"].values()) > 0
    assert sum(stats["events_by_cameo_root"].values()) == stats["rows"]["events"]
    assert cmd_stats(None, str(tmp_path), "", io.StringIO(), err) == 2
    assert "no tables under" in err.getvalue()
    assert main(["stats", "--release", "9.9.9", "--releases", str(tmp_path)]) == 2


def test_run_rejects_an_article_in_a_language_the_stages_do_not_read(tmp_path):
    english = tmp_path / "english.txt"
    english.write_text("# Japan and South Korea hold talks in Seoul\n\n" + "The foreign ministers of Japan and South "
                       "Korea met in Seoul on Monday to discuss trade, security and the North Korean missile "
                       "programme, officials in both capitals said after the talks ended. " * 3, encoding="utf-8")
    chinese = tmp_path / "chinese.txt"
    chinese.write_text("# 日韩外长在首尔举行会谈\n\n" + "日本和韩国外长周一在首尔举行会谈，讨论贸易、安全和朝鲜导弹计划等问题。"
                       "两国官员在会谈结束后表示，双方同意加强合作。" * 3, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert cmd_run([str(english), str(chinese)], out, err) == 1
    errors = {r["source_path"]: r for r in map(json.loads, out.getvalue().splitlines()) if "error" in r}
    assert {errors[str(english)]["error"], errors[str(chinese)]["error"]} == {"unsupported_language"}
    assert "language en" in errors[str(english)]["message"]
