from pipeline.core.markdown import logical_lines, split_blocks, strip_inline


def test_strip_inline_links_images_and_escapes():
    text, link_chars = strip_inline(r"Телеграм: [@babr24\_link\_bot](#) и ![фото](x.jpg) **жирный**")
    assert text == "Телеграм: @babr24_link_bot и фото жирный"
    assert link_chars >= len("@babr24_link_bot")


def test_bare_urls_count_as_links():
    text, link_chars = strip_inline("URL: <https://babr24.com/?IDE=1>")
    assert text == "URL: https://babr24.com/?IDE=1"
    assert link_chars == len("https://babr24.com/?IDE=1")


def test_lowercase_continuation_is_joined_but_hard_breaks_are_kept():
    lines = logical_lines("Министр иностранных\nдел Японии\n\nТелеграм: @x  \nЭл.почта: a@b.ru")
    assert [l.text for l in lines] == ["Министр иностранных дел Японии", "Телеграм: @x", "Эл.почта: a@b.ru"]
    assert lines[0].block == 0 and lines[1].block == 1


def test_fixed_width_wrapped_block_is_one_line():
    para = ("Первая строка абзаца, перенесённая по ширине экрана ровно здесь.\n"
            "Вторая строка того же абзаца, перенесённая по ширине экрана тут.\n"
            "Третья строка того же абзаца, перенесённая по ширине экрана, да.\n"
            "Конец.")
    assert len(logical_lines(para)) == 1


def test_headings_lists_and_rules():
    lines = logical_lines("# Заголовок\n\n- пункт один\n- пункт два\n\n---\n\n### Ранее:")
    assert [(l.heading, l.list_item, l.text) for l in lines] == [
        (1, False, "Заголовок"), (0, True, "пункт один"), (0, True, "пункт два"), (3, False, "Ранее:")]
    assert split_blocks("a\n---\nb") == [["a"], ["b"]]


def test_pathological_line_is_linear_time():
    import time

    nasty = "[" * 200_000 + "](" * 100_000 + "*_" * 100_000
    started = time.perf_counter()
    logical_lines(nasty)
    assert time.perf_counter() - started < 5


def test_linked_tail_is_the_trailing_row_of_links_after_a_sentence():
    from pipeline.core.markdown import linked_tail

    body = ("Авторы работы намерены продолжить опыты. [Портал новостей](http://x.ru/) "
            "[![Отправить на e-mail](http://x.ru/m.gif)](http://x.ru/mail/1) \xa0 [![Распечатать](p.gif)](http://x.ru/p)")
    assert body[:linked_tail(body)] == "Авторы работы намерены продолжить опыты. "
    row = "Конец статьи. [Рекомендовать](#) [Распечатать](p) Также читайте [Новость один](a)[Новость два](b)"
    assert row[:linked_tail(row)] == "Конец статьи. "  # mostly links, a few words between them
    assert linked_tail("Просто текст без ссылок.") is None
    assert linked_tail("[только](x) [ссылки](y)") is None  # links alone: no paragraph before them
    assert linked_tail("Текст со [ссылкой](u) в середине предложения.") is None
    one = "Конец статьи. [Подробнее »](u)"
    assert linked_tail(one) is None and one[:linked_tail(one, single=True)] == "Конец статьи. "
