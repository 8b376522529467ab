"""Hostile content: memory bombs for the analysis (sized to stay fast, large enough that every cap applies),
publication dates and URLs outside the articles suite's bounds, and names with invisible characters inside.

``CASES`` maps a case name to a function writing that case's files under a raw folder; ``EXPECTED`` gives, per
file written, the outcomes allowed ("article" or reject reasons) and the ``articles.notes`` an article must carry.
benchmarks/memory_bombs.py builds the bombs at the size the adversarial review used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

PROSE = ("Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, и стороны "
         "обсудили вопросы безопасности в регионе. ")
HEAD = "Заголовок о переговорах в Улан-Баторе\n\n" + PROSE * 3 + "\n\n"
NAMES = "Япония, Монголия, Китай, Корея, Сеул, Токио, Пекин, Улан-Батор, "


def _html(body_html: str, head: str = "", title: str = "Переговоры в Улан-Баторе") -> str:
    paragraphs = "".join(f"<p>{PROSE * 2}</p>" for _ in range(4))
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body><h1>{title}</h1>"
            f"{body_html}{paragraphs}</body></html>")


def _jsonld(date: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{date}"}}</script>'


def _canonical(url: str) -> str:
    return f'<link rel="canonical" href="{url}">'


def _write(raw: Path, name: str, text: str) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    (raw / name).write_text(text, encoding="utf-8")


def long_sentence(raw: Path) -> None:
    """One 2,400-token sentence (names and commas, no full stop) among ordinary ones."""
    _write(raw, "bomb-long-sentence.txt", HEAD + NAMES * 150 + "\n\n" + PROSE * 3)


def padded_batch(raw: Path) -> None:
    """Sixty short sentences and one of 6,000 one-letter tokens: batched together, each was padded to it."""
    _write(raw, "bomb-padded-batch.txt", HEAD + "\n\n".join([PROSE] * 60) + "\n\n" + "а " * 6000 + "\n")


def long_body(raw: Path) -> None:
    """A body of 400 distinct paragraphs (~90,000 characters): the analysis reads its first 50,000."""
    cities = ["Токио", "Сеуле", "Пекине", "Улан-Баторе", "Владивостоке", "Осаке", "Пусане"]
    who = ["министр иностранных дел", "премьер-министр", "посол", "глава делегации", "вице-президент"]
    what = ["вопросы безопасности", "торговлю углём", "поставки газа", "визовый режим", "рыболовство",
            "строительство железной дороги", "обмен студентами", "туризм", "инвестиции", "энергетику", "экологию"]
    paragraphs = [" ".join(f"В {cities[(i + k) % 7]} {who[(i * 3 + k) % 5]} обсудил {what[(i * 7 + k) % 11]} "
                           f"в {i * 3 + k + 1}-й раз за {1995 + (i + k) % 30} год." for k in range(3))
                  for i in range(400)]
    _write(raw, "bomb-long-body.txt", HEAD + "\n\n".join(paragraphs))


def nested_quotes(raw: Path) -> None:
    """20,000 nested blockquote markers on one line, then 1,000 lines each a level deeper."""
    _write(raw, "bomb-nested-quotes.md", HEAD + "> " * 20_000 + PROSE * 4 + "\n\n" + PROSE * 3)
    _write(raw, "bomb-nested-quote-lines.md", HEAD.replace("переговорах", "встрече")
           + "".join("> " * i + "а\n" for i in range(1, 1000)) + "\n" + PROSE * 3)


def bad_dates(raw: Path) -> None:
    """JSON-LD dates of 2099 and 1970, a byline date of 01.01.2099, years 0001 and 9999 with an offset."""
    for name, date in (("date-jsonld-2099.html", "2099-05-01T10:00:00+03:00"),
                       ("date-jsonld-1970.html", "1970-01-01T00:00:00+00:00"),
                       ("date-year-0001-offset.html", "0001-01-01T00:00:00+05:00"),
                       ("date-year-9999-offset.html", "9999-12-31T23:59:00-05:00")):
        _write(raw, name, _html("", _jsonld(date), title=f"Переговоры {name}"))
    _write(raw, "date-byline-2099.txt", "Переговоры в Улан-Баторе\n\n01.01.2099, 10:00\n\n" + PROSE * 3 + "\n\n" + PROSE * 3)


def bad_urls(raw: Path) -> None:
    """Canonical URLs: http://localhost, ``httpfoo``, a private address; an IDN one, which is legitimate."""
    for name, url in (("url-localhost.html", "http://localhost/news/1"),
                      ("url-httpfoo.html", "httpfoo"),
                      ("url-private.html", "http://192.168.0.7/news/1"),
                      ("url-idn.html", "https://президент.рф/news/72000")):
        _write(raw, name, _html("", _canonical(url), title=f"Переговоры {name}"))


def invisible_in_names(raw: Path) -> None:
    """A zero-width space and a right-to-left override inside names."""
    _write(raw, "name-zero-width.txt", "Визит премьера Японии\n\n" + "Премьер-министр Японии Фумио Ки\u200bсида прибыл "
           "в Улан-Батор. " + PROSE * 2 + "\n\nФумио Кисида провёл переговоры. " + PROSE * 2)
    _write(raw, "name-bidi.txt", "Визит президента Монголии\n\n" + "Президент Монголии Ухнаагийн Хурэл\u202eсух "
           "прибыл в Токио. " + PROSE * 2 + "\n\nУхнаагийн Хурэлсух провёл переговоры. " + PROSE * 2)


CASES: dict[str, Callable[[Path], None]] = {
    "bomb-long-sentence": long_sentence,
    "bomb-padded-batch": padded_batch,
    "bomb-long-body": long_body,
    "bomb-nested-quotes": nested_quotes,
    "bad-dates": bad_dates,
    "bad-urls": bad_urls,
    "invisible-in-names": invisible_in_names,
}

ARTICLE = {"article"}
#: file -> (allowed outcomes, notes an article must carry)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "bomb-long-sentence.txt": (ARTICLE, {"long_sentence"}),
    "bomb-padded-batch.txt": (ARTICLE, {"long_sentence"}),
    "bomb-long-body.txt": (ARTICLE, {"analysis_truncated"}),
    "bomb-nested-quotes.md": (ARTICLE, set()),
    "bomb-nested-quote-lines.md": (ARTICLE | {"no_article_text"}, set()),
    # inside the metadata stage's years: quarantined against the reference time, declared or derived (a derived
    # one is capped at data/gx/time_bounds.json, so the page cannot set its own bound)
    "date-jsonld-2099.html": ({"quarantined"}, set()),
    "date-jsonld-1970.html": (ARTICLE, {"published_out_of_range"}),
    "date-year-0001-offset.html": (ARTICLE, {"published_out_of_range"}),
    "date-year-9999-offset.html": (ARTICLE, {"published_out_of_range"}),
    "date-byline-2099.txt": ({"quarantined"}, set()),
    "url-localhost.html": (ARTICLE, {"url_invalid"}),
    "url-httpfoo.html": (ARTICLE, {"url_invalid"}),
    "url-private.html": (ARTICLE, {"url_invalid"}),
    "url-idn.html": (ARTICLE, set()),
    "name-zero-width.txt": (ARTICLE, set()),  # extraction already drops a zero-width space from the stored body
    "name-bidi.txt": (ARTICLE, {"names_normalized"}),  # a bidi control stays in the body; NER reads past it
}


def write_all(raw: Path) -> dict[str, tuple[set[str], set[str]]]:
    for write in CASES.values():
        write(raw)
    return dict(EXPECTED)
