from pipeline.core.build import extract_documents as extract_batch
from pipeline.core.cleaning.document import reflow
from pipeline.core.cleaning.templates import TemplateIndex, template_hash, template_key
from pipeline.core.documents import document_from_bytes

PROSE = [
    "Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, "
    "и стороны обсудили вопросы безопасности в регионе.",
    "По итогам встречи было принято решение усилить координацию и продолжить консультации на уровне "
    "экспертов уже в следующем месяце.",
    "Эксперты отмечают, что встреча демонстрирует желание двух стран вести диалог более независимо от "
    "влияния соседей и крупных держав.",
]


def _doc(name: str, text: str):
    return document_from_bytes(name, text.encode("utf-8"))


def _page(title: str, extra_footer: str = "") -> str:
    return "\n\n".join([
        "[Главная](/) [Политика](/politics) [Экономика](/eco)",
        f"# {title}",
        PROSE[0],
        "Читайте также: Япония и Корея договорились о чём-то важном",
        PROSE[1],
        "Фото: [agency.ru](#)",
        PROSE[2],
        "Поделиться в соцсетях:",
        "- [Телеграм](#)\n- [ВКонтакте](#)",
        "Связаться с редакцией: [news@example.ru](mailto:news@example.ru)",
        extra_footer,
    ])


def test_keeps_prose_drops_furniture():
    [clean], rejects = extract_batch([_doc("a.md", _page("Япония и Монголия провели переговоры"))])
    assert not rejects
    assert clean.title == "Япония и Монголия провели переговоры"
    assert clean.paragraphs == PROSE
    removed = {r.text: r.reason for r in clean.removed}
    assert removed["Фото: agency.ru"] == "phrase"
    assert removed["Поделиться в соцсетях:"] == "phrase"
    assert "@" not in clean.body and "](" not in clean.body


def test_body_has_no_line_breaks_inside_paragraphs():
    [clean], _ = extract_batch([_doc("a.md", _page("Заголовок статьи о переговорах"))])
    for paragraph in clean.body.split("\n\n"):
        assert paragraph and "\n" not in paragraph


def test_template_lines_learned_across_pages_of_an_outlet():
    footer = "Редакция газеты Вестник Севера работает для вас круглосуточно и без выходных дней года."
    topics = ["Японии", "Монголии", "Кореи"]

    def page(topic: str) -> str:
        prose = [p.replace("Японии", topic) + f" Речь шла о {topic.lower()}." for p in PROSE]
        return "\n\n".join([f"# Новости {topic}", prose[0], prose[1], footer, prose[2], "© 2024 vestnik.ru"])

    pages = [_doc(f"p{i}.md", page(t)) for i, t in enumerate(topics)]
    cleaned, _ = extract_batch(pages)
    assert len(cleaned) == 3
    for clean in cleaned:
        assert footer not in clean.body
        assert any(r.reason == "template" and r.text == footer for r in clean.removed)
    # on a single page nothing recurs, so the same line is kept as prose
    [single], _ = extract_batch([pages[0]])
    assert footer in single.body


def test_a_headline_listed_as_a_link_on_other_pages_stays_its_pages_title():
    # other pages of the outlet link to an article by its headline (teasers, "most read"): counted with them the
    # headline recurs on enough pages to be a template, yet on its own page, a plain heading, it is the title
    from pipeline.core.cleaning.document import RULES, extract_lines
    from pipeline.core.markdown import logical_lines

    headline = "Япония и Монголия провели переговоры"

    def other(topic: str) -> str:
        prose = [p.replace("Японии", topic) + f" Речь шла о {topic.lower()}." for p in PROSE]
        return "\n\n".join([f"# Новости {topic}", *prose, f"- [{headline}](/news/1)\n- [Погода на неделю](/w)"])

    own = "\n\n".join([f"# {headline}", *PROSE])
    texts = [own] + [other(t) for t in ("Кореи", "Китая", "Вьетнама")]
    index = TemplateIndex.learn([(None, logical_lines(t)) for t in texts])
    lines = logical_lines(own)
    assert index.is_template(None, headline) and index.is_own_headline(None, lines[0])
    clean = extract_lines(_doc("a.md", own), lines, index, None, model=RULES)
    assert clean.title == headline and clean.paragraphs == PROSE
    # a heading that recurs as a plain heading on as many pages is furniture, whatever links to it
    index = TemplateIndex.learn([(None, logical_lines(t)) for t in texts + [own, own]])
    assert not index.is_own_headline(None, lines[0])
    # a text dump without heading markup states its headline as a short line
    dump = "\n\n".join([headline, *PROSE])
    index = TemplateIndex.learn([(None, logical_lines(t)) for t in [dump] + texts[1:]])
    clean = extract_lines(_doc("a.txt", dump), logical_lines(dump), index, None, model=RULES)
    assert clean.title == headline and clean.paragraphs == PROSE
    # another headline the outlet links to, below the page's own, is still furniture
    teaser = "\n\n".join(["# Китай и Вьетнам подписали соглашение", PROSE[0], f"### {headline}", *PROSE[1:]])
    index = TemplateIndex.learn([(None, logical_lines(t)) for t in [teaser] + texts[1:]])
    clean = extract_lines(_doc("b.md", teaser), logical_lines(teaser), index, None, model=RULES)
    assert clean.title == "Китай и Вьетнам подписали соглашение" and headline not in clean.body


def test_a_pages_signature_changes_when_its_headline_becomes_its_own():
    # a rebuild re-extracts a page only when its template signature changes: one more page linking to its
    # headline turns the headline into the page's own (a title again), so the signature must change with it
    from pipeline.core.cleaning.templates import page_template_keys
    from pipeline.core.markdown import logical_lines

    headline = "Япония и Монголия провели переговоры"
    own = logical_lines("\n\n".join([f"# {headline}", *PROSE]))
    linking = [logical_lines(f"# Новости {t}\n\n{PROSE[0]}\n\n- [{headline}](/news/1)") for t in ("Кореи", "Китая")]
    one = TemplateIndex.learn([("x.ru", own), ("x.ru", linking[0])])
    two = TemplateIndex.learn([("x.ru", own), ("x.ru", linking[0]), ("x.ru", linking[1])])
    assert not one.is_own_headline("x.ru", own[0]) and two.is_own_headline("x.ru", own[0])
    keys = page_template_keys(own)
    assert one.signature("x.ru", keys) != two.signature("x.ru", keys)


def test_template_index_counts_pages_not_lines():
    from pipeline.core.markdown import logical_lines

    lines = logical_lines("Подпишитесь на рассылку 2024\n\nПодпишитесь на рассылку 2024")
    index = TemplateIndex.learn([("x.ru", lines)])
    assert not index.is_template("x.ru", "Подпишитесь на рассылку 2024")
    twice = TemplateIndex.learn([("x.ru", lines), ("x.ru", lines)])
    key = template_hash(template_key("Подпишитесь на рассылку 1999"))  # digits folded
    assert twice.per_group[("x.ru", key)] == 2 and twice.is_template("x.ru", "Подпишитесь на рассылку 7")
    assert not twice.is_template("y.ru", "Подпишитесь на рассылку 7")  # two pages overall is not enough


def test_template_index_from_keysets_equals_learning_from_pages():
    from pipeline.core.cleaning.templates import page_template_keys
    from pipeline.core.markdown import logical_lines

    pages = [("a.ru", logical_lines("Общая строка\n\nТекст один")), ("b.ru", logical_lines("Общая строка\n\nДва")),
             (None, logical_lines("Общая строка"))]
    learned = TemplateIndex.learn(pages)
    counted = TemplateIndex.from_keysets((g, page_template_keys(lines)) for g, lines in pages)
    assert learned == counted and learned.is_template(None, "общая  строка!")
    page_keys = page_template_keys(pages[0][1])
    assert learned.signature("a.ru", page_keys) != TemplateIndex().signature("a.ru", page_keys)


def test_reflow_rejoins_paragraph_cut_by_page_break():
    paragraphs, _ = reflow(["Позже пятеро были возвращены на родину, но судьба", "остальных остается неизвестной."],
                           ["a", "b"])
    assert paragraphs == ["Позже пятеро были возвращены на родину, но судьба остальных остается неизвестной."]
    kept, _ = reflow(["Первый абзац закончен.", "второй начинается со строчной."], ["a", "b"])
    assert len(kept) == 2


def test_caption_broken_over_lines_is_removed():
    text = "\n\n".join(["Заголовок о Японии и Монголии", PROSE[0], "Министр иностранных\nдел Японии Такэши\nИваэ",
                       PROSE[1], PROSE[2]])
    [clean], _ = extract_batch([_doc("c.txt", text)])
    assert "Иваэ" not in clean.body and "Такэши" not in clean.body
    assert clean.title == "Заголовок о Японии и Монголии"


def test_promo_paragraph_and_language_switcher_removed():
    promo = ("В России встретились два лидера, и это вызвало обеспокоенность у соседей. "
             "О том, чем это опасно, читайте в статье нашего обозревателя.")
    text = "\n\n".join(["UA / RU", "Поддержать ZN.ua", "Заголовок про переговоры в Нью-Йорке", *PROSE, promo])
    [clean], _ = extract_batch([_doc("z.txt", text)])
    assert "читайте в статье" not in clean.body
    assert "UA / RU" not in clean.body and clean.title == "Заголовок про переговоры в Нью-Йорке"


def test_page_without_prose_is_rejected_with_reason():
    menu = "\n".join(f"- [Раздел {i}](/s{i})" for i in range(30))
    cleaned, rejects = extract_batch([_doc("menu.md", menu)])
    assert not cleaned
    assert rejects[0].reason == "no_article_text" and rejects[0].stage == "extract"


def test_extraction_is_idempotent_on_clean_text():
    [clean], _ = extract_batch([_doc("a.md", _page("Япония и Монголия провели переговоры"))])
    again_text = clean.title + "\n\n" + clean.body
    [again], _ = extract_batch([_doc("b.md", again_text)])
    assert again.title == clean.title and again.body == clean.body


def test_exact_and_near_duplicates_point_at_the_earliest_copy():
    from datetime import datetime, timezone

    from pipeline.core.duplicates import mark_duplicates

    body = " ".join(PROSE * 3)
    rows = [
        {"article_id": "b", "published_at": datetime(2024, 1, 2, tzinfo=timezone.utc), "body": body},
        {"article_id": "a", "published_at": datetime(2024, 1, 1, tzinfo=timezone.utc), "body": body + " Конец."},
        {"article_id": "c", "published_at": None, "body": body.upper()},  # exact after normalization
        {"article_id": "d", "published_at": None, "body": "Совсем другой текст о погоде в Иркутске и Улан-Удэ."},
    ]
    mark_duplicates(rows)
    by_id = {r["article_id"]: r for r in rows}
    assert by_id["a"]["duplicate_of"] is None
    assert by_id["b"]["duplicate_of"] == "a" and 0.8 <= by_id["b"]["duplicate_similarity"] < 1.0
    assert by_id["c"]["duplicate_of"] == "a" and by_id["c"]["duplicate_similarity"] in (1.0,) or \
        by_id["c"]["duplicate_of"] == "a"
    assert by_id["d"]["duplicate_of"] is None


def _lines(*blocks: str):
    from pipeline.core.cleaning.lines import line_features
    from pipeline.core.cleaning.rules import phrase_rules
    from pipeline.core.markdown import logical_lines

    lines = logical_lines("\n\n".join(blocks))
    return lines, [line_features(ln, phrase_rules().stopwords) for ln in lines]


def test_intertitle_between_paragraphs_but_not_a_caption_under_the_headline_or_by_an_image():
    from pipeline.core.cleaning.document import _is_intertitle

    lines, feats = _lines(PROSE[0], "Реакция соседей", PROSE[1])
    assert _is_intertitle(lines, feats, 1)
    lines, feats = _lines("# Заголовок о переговорах в Монголии", "Схема переговоров", PROSE[1])
    assert not _is_intertitle(lines, feats, 1)  # a caption right under the headline
    lines, feats = _lines(PROSE[0], "![](/photo.jpg) Министр в Улан-Баторе", PROSE[1])
    assert not _is_intertitle(lines, feats, 1)
    lines, feats = _lines(PROSE[0], "Министр (справа), 2019 год", PROSE[1])
    assert not _is_intertitle(lines, feats, 1)


def test_a_chinese_paragraph_is_not_a_short_caption_line():
    from pipeline.core.cleaning.document import _is_standalone_caption

    para = "各省、自治区、直辖市、计划单列市财政厅(局)、国家税务局、地方税务局，新疆生产建设兵团财务局："
    lines, feats = _lines(PROSE[0], para, PROSE[1])
    assert not _is_standalone_caption(lines, feats, 1)
    lines, feats = _lines(PROSE[0], "资料图片", PROSE[1])
    assert _is_standalone_caption(lines, feats, 1)


def test_a_photo_credit_run_into_the_paragraph_does_not_remove_the_article():
    # a text dump can join a photo credit and the paragraph after it: the whole article is that one line
    body = "Фото: AFP. " + " ".join(PROSE)
    tags = "Теги: " + ", ".join(f"Япония{i} Монголия{i} Корея{i}" for i in range(12))
    text = "\n\n".join(["Отставка министра иностранных дел", body, tags])
    [clean], rejects = extract_batch([_doc("credit.txt", text)])
    assert not rejects
    assert clean.paragraphs == [body]
    assert {r.text: r.reason for r in clean.removed}[tags] == "phrase"  # a long list under a label still goes


def test_a_teaser_run_into_the_last_paragraph_is_cut():
    from pipeline.core.cleaning.document import cut_inline_teaser

    article = "Дэвис решил подать в отставку. Рейсы были отменены авиаперевозчиком."
    assert cut_inline_teaser(article + " Подписывайтесь на наш канал https://t.me/x. Источник: x") == article
    assert cut_inline_teaser(article + " Читайте также: Пилоты Ryanair начали забастовку") == article
    # not inside a sentence, nor at the start of the paragraph (whole teaser lines are the line rules' job)
    quote = "Министр сказал, что читайте также его интервью."
    assert cut_inline_teaser(quote) == quote
    assert cut_inline_teaser("Читайте также: " + article) == "Читайте также: " + article


def test_region_starts_at_the_title_heading_inside_it():
    import numpy as np

    from pipeline.core.cleaning.edges import start_at_title as _start_at_title
    from pipeline.core.markdown import logical_lines

    lines = logical_lines("\n\n".join(["Any image placed is the subject to copyright law.", "# Борьбе со СПИДом",
                                       PROSE[0], PROSE[1]]))
    prob = np.array([0.8, 0.9, 0.95, 0.95])
    assert _start_at_title(lines, "Борьбе со СПИДом | site", prob, 0.5, 0, 4) == 1
    assert _start_at_title(lines, None, prob, 0.5, 0, 4) == 1  # no stated title: the first H1
    assert _start_at_title(lines, None, np.array([0.8, 0.3, 0.95, 0.95]), 0.5, 0, 4) == 0  # not article text
    assert _start_at_title(lines, None, prob, 0.5, 2, 4) == 2  # a heading before the region: unchanged


def test_a_headline_stated_twice_in_its_line_is_the_title_once():
    from pipeline.core.cleaning.titles import clean_title

    assert clean_title("Научный прорыв даст шанс Научный прорыв даст шанс 16.01.2012 · 13:02") == \
        "Научный прорыв даст шанс 16.01.2012 · 13:02"
    assert clean_title("Нет нет, это не повтор") == "Нет нет, это не повтор"


def test_region_ends_at_a_rejected_heading_that_opens_another_section():
    import numpy as np

    from pipeline.core.cleaning.document import analyse_lines
    from pipeline.core.cleaning.edges import end_at_section_heading
    from pipeline.core.markdown import logical_lines

    text = "\n\n".join(["# Заголовок статьи", PROSE[0], PROSE[1], "### Последние публикации на сайте",
                        "Другая новость [![Другая новость](/img/1.jpg)](/a/1)", PROSE[2][:60] + "."])
    lines = logical_lines(text)
    feats = analyse_lines(lines, None, None).feats
    prob = np.array([0.9, 0.95, 0.95, 0.4, 0.45, 0.6])
    assert end_at_section_heading(lines, feats, prob, 0.5, 0, 6) == 3
    # the article goes on after the heading at more length than before it: an intertitle, not a section
    lines = logical_lines("\n\n".join(["# Заголовок статьи", PROSE[0], "### Что решили стороны",
                                        "Фото: агентство", PROSE[1], PROSE[2]]))
    feats = analyse_lines(lines, None, None).feats
    assert end_at_section_heading(lines, feats, np.array([0.9, 0.95, 0.4, 0.45, 0.95, 0.95]), 0.5, 0, 6) == 6
