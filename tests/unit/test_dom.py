"""DOM features of an HTML page's logical lines: alignment of the dump's lines with the page's text, and what
each line learns of its element (landmarks, link share, container, class/id tokens)."""

from pipeline.core.cleaning.blocks import FEATURE_NAMES, vocab_features
from pipeline.core.cleaning.dom import DOM_FEATURES, class_tokens, line_dom
from pipeline.core.cleaning.document import prepare_page
from pipeline.core.documents import document_from_bytes

HTML = """<html><head><title>Переговоры в Улан-Баторе</title><script>var x = "Главная";</script></head><body>
<nav class="mainMenu"><ul><li><a href="/">Главная</a></li><li><a href="/p">Политика</a></li></ul></nav>
<div id="content" class="article-body">
<h1>Япония и Монголия провели переговоры</h1>
<p>Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой, и стороны обсудили вопросы
безопасности в регионе. <a href="/x">Подробнее</a></p>
<p>По итогам встречи было принято решение продолжить консультации.</p>
</div>
<footer><span>28.11.2011</span><span>Общество</span> | Все права защищены</footer>
</body></html>"""


def col(name: str) -> int:
    return DOM_FEATURES.index(name)


def test_class_tokens_split_camel_case_and_separators():
    assert class_tokens("mainMenu article-body news_item2 x") == ["main", "menu", "article", "body", "news", "item"]


def test_lines_are_aligned_with_their_elements():
    lines = ["Главная", "Политика", "Япония и Монголия провели переговоры",
             "Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой, и стороны обсудили "
             "вопросы безопасности в регионе. Подробнее",
             "По итогам встречи было принято решение продолжить консультации.",
             "28.11.2011Общество | Все права защищены",  # the dump joins adjacent spans without a space
             "a line the page does not hold"]
    dom = line_dom(HTML, lines)
    assert dom is not None and len(dom) == len(lines)
    nav, body, footer, missing = dom[0], dom[3], dom[5], dom[6]
    assert all(d.values[col("has_dom")] == 1.0 for d in dom)
    assert [d.values[col("dom_aligned")] for d in dom] == [1.0] * 6 + [0.0]
    assert nav.values[col("dom_in_nav")] == 1.0 and nav.values[col("dom_in_li")] == 1.0
    assert nav.values[col("dom_link_share")] == 1.0 and nav.tokens == ("main", "menu")
    assert body.values[col("dom_in_p")] == 1.0 and body.values[col("dom_in_nav")] == 0.0
    assert 0.0 < body.values[col("dom_link_share")] < 0.1  # "Подробнее" of a long paragraph
    assert body.tokens == ("article", "body", "content")
    assert dom[2].values[col("dom_in_heading")] == 1.0
    # the article's container holds most of the page's text, the menu's little of it
    assert body.values[col("dom_container_share")] > 0.6 > nav.values[col("dom_container_share")]
    assert footer.values[col("dom_in_footer")] == 1.0
    assert missing.tokens == ()


def test_unparsable_or_empty_html_gives_no_dom():
    assert line_dom("", ["x"]) is None
    assert line_dom("<html><body><script>1</script></body></html>", ["x"]) is None


def test_prepared_html_page_carries_dom_features_and_a_dump_does_not():
    doc = document_from_bytes("page.html", HTML.encode("utf-8"))
    _, _, _, lines = prepare_page(doc)
    assert lines and all(ln.dom is not None for ln in lines)
    assert any(ln.dom.values[col("dom_in_nav")] for ln in lines if "Политика" in ln.text)
    md = document_from_bytes("page.md", "# Заголовок\n\nТекст статьи о переговорах.\n".encode("utf-8"))
    assert all(ln.dom is None for ln in prepare_page(md)[3])


def test_vocabulary_features_take_the_nearest_known_token_first():
    vocab = {"body": 1.5, "menu": -2.0, "content": 0.5}
    assert vocab_features(("article", "body", "content"), vocab) == (1.5, 1.5, 0.5)
    assert vocab_features(("main", "menu", "content"), vocab) == (-2.0, 0.5, -2.0)
    assert vocab_features(("x",), vocab) == (0.0, 0.0, 0.0) == vocab_features(("body",), None)
    assert set(DOM_FEATURES) <= set(FEATURE_NAMES)
