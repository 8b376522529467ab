"""The learned block classifier: features of logical lines, the title anchor, the shipped JSON model."""

import json

import numpy as np
import pytest

from pipeline.core.cleaning.blocks import (FEATURE_NAMES, MIN_LINE_WEIGHT, MODEL_FORMAT, BlockModel, block_features,
                                           load_block_model, model_region, title_line)
from pipeline.core.cleaning.document import analyse_lines
from pipeline.core.markdown import logical_lines
from pipeline.knowledge import read_text

PAGE = "\n\n".join([
    "* [Главная](/)\n* [Политика](/p)\n* [Экономика](/e)\n* [Спорт](/s)",
    "## Последние новости",
    "[Курс рубля снова вырос на торгах в понедельник утром](/n/1)",
    "[В Приморье открылся новый мост через бухту](/n/2)",
    "[Японские инвесторы пришли в Хабаровский край](/n/3)",
    "# Япония и Монголия провели переговоры в Улан-Баторе",
    "Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой, и стороны обсудили "
    "вопросы безопасности в регионе.",
    "По итогам встречи было принято решение продолжить консультации на уровне экспертов.",
])


def _features(text: str, title: str | None = None):
    lines = logical_lines(text)
    a = analyse_lines(lines, None, None)
    return lines, block_features(lines, a.feats, a.reasons, a.scores, a.region, title)


def col(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_title_line_prefers_the_heading_matching_the_stated_title():
    lines = logical_lines(PAGE)
    h1 = next(i for i, ln in enumerate(lines) if ln.heading == 1)
    assert title_line(lines, None) == h1
    assert title_line(lines, "Япония и Монголия провели переговоры в Улан-Баторе | Новости") == h1
    # a stated title that matches the ticker's heading instead wins over the first H1
    assert title_line(lines, "Последние новости") == h1 - 4
    assert title_line(logical_lines("Просто строка текста без заголовка."), None) is None


def test_block_features_shape_and_structure():
    lines, x = _features(PAGE)
    assert x.shape == (len(lines), len(FEATURE_NAMES)) and x.dtype == np.float32
    t = next(i for i, ln in enumerate(lines) if ln.heading == 1)
    assert x[t, col("is_title")] == 1 and x[:, col("is_title")].sum() == 1
    assert (x[t + 1:, col("after_title")] == 1).all() and (x[:t, col("after_title")] == 0).all()
    assert x[t + 1, col("title_distance_log")] > 0 > x[t - 1, col("title_distance_log")]
    ticker = [i for i, ln in enumerate(lines) if ln.text.startswith(("Курс", "В Приморье", "Японские"))]
    assert len(ticker) == 3
    # the three linked headlines form one run (together with the menu and section heading around them)
    assert all(x[i, col("headline_run")] >= np.log1p(3) for i in ticker)
    assert all(x[i, col("link_density")] > 0.9 for i in ticker)
    prose = t + 1
    assert x[prose, col("headline_run")] == 0 and x[prose, col("terminal")] == 1
    assert x[prose, col("chars_vs_max")] == 1.0
    assert 0 < x[prose, col("stop_ratio")] < 1
    assert x[t, col("text_above")] == 0 and x[prose, col("text_above")] > 0 and x[prose, col("text_below")] > 0
    assert x[0, col("list_item")] == 1 and x[0, col("reason_link_list")] == 1


def test_block_features_of_an_empty_page():
    lines, x = _features("")
    assert x.shape == (0, len(FEATURE_NAMES))


def _stump(feature: str, threshold: float, low: float, high: float) -> dict:
    return {"feature": [FEATURE_NAMES.index(feature), -1, -1], "threshold": [threshold, 0.0, 0.0],
            "left": [1, -1, -1], "right": [2, -1, -1], "value": [0.0, low, high], "depth": 1}


def test_block_model_evaluates_its_trees():
    data = {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES), "init": 0.5, "learning_rate": 1.0,
            "trees": [_stump("link_density", 0.5, 1.0, -3.0), _stump("log_chars", 3.0, -2.0, 0.5)]}
    model = BlockModel.from_dict(data)
    x = np.zeros((3, len(FEATURE_NAMES)), dtype=np.float32)
    x[0, col("link_density")], x[0, col("log_chars")] = 0.9, 5.0  # linked long line: 0.5 - 3 + 0.5
    x[1, col("log_chars")] = 5.0  # long prose: 0.5 + 1 + 0.5
    x[2, col("log_chars")] = 1.0  # short unlinked: 0.5 + 1 - 2
    assert model.decision(x).tolist() == pytest.approx([-2.0, 2.0, -0.5])
    p = model.probability(x)
    assert p[1] > 0.5 > p[2] > p[0]
    with pytest.raises(ValueError):
        BlockModel.from_dict({**data, "format": "other"})
    with pytest.raises(ValueError):
        BlockModel.from_dict({**data, "features": ["no_such_feature"]})


def test_model_region_is_the_contiguous_run_of_evidence():
    lines = logical_lines("\n\n".join(["x" * 50] * 8))
    prob = np.array([0.9, 0.1, 0.1, 0.8, 0.9, 0.4, 0.9, 0.1])
    assert model_region(prob, lines) == (3, 7)
    # lines weigh by their length: a short furniture line does not cut a long paragraph off the article
    lines = logical_lines("\n\n".join(["y" * 200, "Фото: agency", "z" * 150, "w" * 300]))
    assert model_region(np.array([0.9, 0.01, 0.7, 0.2]), lines) == (0, 3)
    # but a line weighs at least MIN_LINE_WEIGHT characters: twenty menu entries cost more than a licence
    # paragraph gains, so the region does not bridge them to take the licence in with the article
    menu = [f"М{k}" for k in range(20)]
    lines = logical_lines("\n\n".join(["l" * 150] + menu + ["a" * 400]))
    prob = np.array([0.8] + [0.0] * 20 + [0.95])
    assert model_region(prob, lines) == (21, 22)
    assert len(lines) == 22 and MIN_LINE_WEIGHT * 20 * 0.5 > 150 * 0.3 > sum(map(len, menu)) * 0.5  # bridged at length


def test_shipped_model_loads_and_separates_prose_from_a_ticker():
    data = json.loads(read_text("models/blocks.json"))
    assert data["format"] == MODEL_FORMAT and data["features"] == list(FEATURE_NAMES)
    assert data["trees"] and data["trained_on"]["pages"] > 900
    model = load_block_model()
    lines, x = _features(PAGE)
    p = model.probability(x)
    t = next(i for i, ln in enumerate(lines) if ln.heading == 1)
    assert p[t + 1] > 0.5 and p[t + 2] > 0.5
    assert all(p[i] < 0.5 for i in range(t) if lines[i].text.startswith(("Курс", "В Приморье", "Японские")))


def test_a_page_with_a_line_no_paragraph_has_is_cleaned_by_the_rules_alone():
    from pipeline.core.cleaning import document

    class Recorder(BlockModel):
        calls = 0

        def probability(self, x):  # never reached: the page goes to the rules
            Recorder.calls += 1
            raise AssertionError("the block model scored a page with a 20k+ character line")

    model = load_block_model()
    recorder = Recorder(*[getattr(model, f) for f in model.__dataclass_fields__])
    lines = logical_lines("# Заголовок статьи\n\n" + "слово " * 5_000 + "\n")
    assert max(len(ln.text) for ln in lines) > document.MAX_MODEL_LINE_CHARS
    from pipeline.core.errors import RejectError

    try:
        document.extract_lines(None, lines, None, None, model=recorder)
    except RejectError as exc:
        assert exc.reason == "no_article_text"  # what the rules say of one repeated word, as before the model
    assert Recorder.calls == 0


def test_perfect_tree_walk_gives_the_stored_trees_log_odds():
    """decision() walks padded perfect trees; a plain walk of the stored trees must give the same sums."""
    model = load_block_model()
    rng = np.random.default_rng(0)
    _, x = _features(PAGE)
    x = np.vstack([x, rng.normal(0, 3, size=(50, x.shape[1])).astype(np.float32)])
    expected = np.zeros(len(x))
    for r, row in enumerate(x):
        values = []
        for root in model.roots:
            node = int(root)
            while model.left[node] >= 0:
                node = int(model.left[node] if row[model.feature[node]] <= model.threshold_[node] else model.right[node])
            values.append(model.value[node])
        total = np.sum(np.array(values)[None, :], axis=1)[0]
        expected[r] = model.init + model.learning_rate * total
    assert np.allclose(model.decision(x), expected, rtol=0, atol=1e-12)


def test_body_words_count_cjk_characters_at_two_a_word():
    from pipeline.core.cleaning.document import body_word_count

    zh = "国家发改委下发关于做好煤炭产运需衔接工作的通知要求落实价格调控政策"  # one \w run: one words_of token
    assert body_word_count(zh) == len(zh) // 2
    assert body_word_count("Samsung 日前在越南展出了 Galaxy Tab") == 3 + len("日前在越南展出了") // 2
    assert body_word_count("Министр провёл переговоры в Улан-Баторе") == 5  # no CJK: words_of as before


def test_a_thin_model_region_falls_back_to_the_lower_threshold():
    """A model that scores the headline high and the article's prose under its threshold (.35) would leave the
    headline alone: the region is then taken at FALLBACK_THRESHOLD and the prose kept."""
    from pipeline.core.cleaning import document
    from pipeline.core.documents import document_from_bytes
    from pipeline.core.errors import RejectError

    low = float(np.log(0.35 / 0.65))
    data = {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES), "init": 0.0, "learning_rate": 1.0,
            "trees": [_stump("heading", 0.5, low, 2.0), _stump("link_density", 0.5, 0.0, -6.0)]}
    model = BlockModel.from_dict(data)
    text = PAGE + "\n\nЭксперты ожидают, что следующая встреча министров пройдёт весной в Токио."
    doc = document_from_bytes("page.md", text.encode("utf-8"))
    lines = logical_lines(doc.text)
    clean = document.extract_lines(doc, lines, None, None, model=model)
    assert clean.title.startswith("Япония и Монголия")
    assert "Министр иностранных дел Японии" in clean.body and "весной в Токио" in clean.body
    assert "Курс рубля" not in clean.body
    # a model under even the fallback threshold everywhere still rejects the page
    never = BlockModel.from_dict({**data, "trees": [_stump("heading", 0.5, -3.0, -3.0)]})
    with pytest.raises(RejectError):
        document.extract_lines(doc, lines, None, None, model=never)


def test_script_gap_sets_apart_a_line_in_another_script_than_the_page_prose():
    page = PAGE + "\n\nAll materials on this website are protected by copyright law and may not be reproduced."
    lines, x = _features(page)
    licence = next(i for i, ln in enumerate(lines) if ln.text.startswith("All materials"))
    prose = next(i for i, ln in enumerate(lines) if ln.text.startswith("Министр"))
    assert x[licence, col("script_gap")] > 0.6 > 0.3 > x[prose, col("script_gap")]
    # a Chinese page (no line is prose in words_of tokens) is measured against all its lines
    zh = "# 日本与蒙古举行会谈\n\n日本外务大臣与蒙古外长举行会谈，双方讨论了地区安全问题。\n\nCopyright reserved by the site"
    lines, x = _features(zh)
    assert x[2, col("script_gap")] > 0.5 > x[1, col("script_gap")]


def _document(text: str):
    from pipeline.core.documents import document_from_bytes

    doc = document_from_bytes("page.md", text.encode("utf-8"))
    return doc, logical_lines(doc.text)


def test_a_heading_right_below_an_unpunctuated_first_line_is_the_title():
    """A photo caption or date bar that opens the region is not the headline when a heading follows it."""
    from pipeline.core.cleaning import document

    text = "\n\n".join([PAGE.split("\n\n# ")[0], "Фото пресс-службы МИД Японии",
                        "# Япония и Монголия провели переговоры в Улан-Баторе", *PAGE.split("\n\n")[-2:]])
    doc, lines = _document(text)
    clean = document.extract_lines(doc, lines, None, None, model=document.RULES)
    assert clean.title.startswith("Япония и Монголия")


def test_the_line_stating_the_page_title_is_the_title():
    """Where the line chosen by position (an unpunctuated standfirst above the region) is not the page's stated
    title, the line that states it is; the standfirst stays in the article where it reads as prose."""
    from pipeline.core.cleaning import document

    teaser = "[Курс рубля снова вырос на торгах в понедельник утром](/n/1)"
    head = "Япония и Монголия провели переговоры в Улан-Баторе"
    lines = logical_lines("\n\n".join([head, "Стороны обсудили безопасность в регионе", teaser,
                                       *PAGE.split("\n\n")[-2:]]))
    a = analyse_lines(lines, None, None)
    stated = document.stated_title_line(lines, a.feats, head + " — Новости региона", 3, 5, 1)
    assert stated == 0
    assert document.stated_title_line(lines, a.feats, head + " — Новости региона", 3, 5, 0) is None
    assert document.stated_title_line(lines, a.feats, None, 3, 5, 1) is None
    assert document.stated_title_line(lines, a.feats, "Совсем другой заголовок страницы", 3, 5, 1) is None


def test_uncertain_prose_next_to_the_region_is_kept():
    """A closing paragraph the model scores between FALLBACK_THRESHOLD and its threshold is kept where it
    adjoins the region; a menu line at the same score is not (it is no prose)."""
    from pipeline.core.cleaning import document

    # a model that scores headings and long lines high, the last paragraph (short, prose) at .35, links low
    mid = float(np.log(0.35 / 0.65))
    data = {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES), "init": 0.0, "learning_rate": 1.0,
            "trees": [_stump("log_chars", 4.4, mid, 2.0), _stump("link_density", 0.5, 0.0, -6.0)]}
    model = BlockModel.from_dict(data)
    text = PAGE + "\n\nВстреча в столице продлилась почти два часа." + "\n\nПодписка на рассылку"
    doc, lines = _document(text)
    prob = model.probability(_features(text)[1])
    last = next(i for i, ln in enumerate(lines) if ln.text.startswith("Встреча в столице"))
    assert document.FALLBACK_THRESHOLD <= prob[last] < 0.5
    clean = document.extract_lines(doc, lines, None, None, model=model)
    assert "Встреча в столице продлилась почти два часа." in clean.body
    assert "Подписка" not in clean.body


def test_a_paragraph_repeating_the_title_is_dropped():
    from pipeline.core.cleaning import document

    head = "Япония и Монголия провели переговоры в Улан-Баторе"
    text = PAGE.replace("# " + head, "# " + head + "\n\n" + head + ".")  # the headline again, as a sentence
    doc, lines = _document(text)
    clean = document.extract_lines(doc, lines, None, None, model=document.RULES)
    assert clean.title == head
    assert head not in clean.body and "Министр иностранных дел Японии" in clean.body
    assert any(r.reason == "repeated" and r.text == head + "." for r in clean.removed)
