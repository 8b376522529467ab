"""Generate the hostile-input corpus into a folder (nothing is downloaded; run by the tests).

    .venv/bin/python tests/hostile/generate.py OUT_DIR

Each case is (file name, bytes, expectation): "article" or a reject reason (or a set of acceptable reasons).
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path

PROSE = ("Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, и стороны "
         "обсудили вопросы безопасности в регионе. ")
ARTICLE = "Заголовок о переговорах\n\n" + "\n\n".join(PROSE * 2 for _ in range(4))


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for uri, ctype, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers))
    return buf.getvalue()


def cases(secret_path: str) -> list[tuple[str, bytes, object]]:
    html_article = f"<html><body><h1>Заголовок</h1>{''.join('<p>' + PROSE * 2 + '</p>' for _ in range(4))}</body></html>"
    out: list[tuple[str, bytes, object]] = [
        ("empty.txt", b"", "empty"),
        ("whitespace.md", b" \n\t \n" * 100, "empty"),
        ("one-line-5mb.txt", ("слово " * 900_000).encode("utf-8")[: 5 * 1024 * 1024], {"no_article_text", "article", "off_topic"}),
        ("binary.html", os.urandom(4096) if False else bytes((i * 37 + 11) % 256 for i in range(4096)), {"binary", "undecodable"}),
        ("png-renamed.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        ("cp1251-labelled-utf8.html", (f'<html><head><meta charset="utf-8"></head><body><h1>Заголовок</h1>'
                                       f'{"".join("<p>" + PROSE * 2 + "</p>" for _ in range(4))}</body></html>').encode("cp1251"),
         "article"),
        ("koi8r.txt", ARTICLE.encode("koi8-r"), "article"),
        ("utf16-bom.txt", ARTICLE.encode("utf-16"), "article"),
        ("utf16-nobom.txt", ARTICLE.encode("utf-16-le"), "article"),
        ("nul-bytes.txt", b"abc\x00\x01\x02" * 500, "binary"),
        ("malformed.html", ("<html><body><p>" + PROSE * 3 + "<div><p><b>" + PROSE * 3 + "</i></table>" + PROSE * 3).encode(), "article"),
        ("nested-10000.html", ("<div>" * 10000 + "<p>" + PROSE * 4 + "</p>" + "</div>" * 10000).encode(), {"article", "no_article_text"}),
        ("scripts-only.html", ("<html><script>" + "var a=1;" * 5000 + "</script></html>").encode(), "no_article_text"),
        ("links-only.html", ("<html><body>" + "".join(f'<a href="/{i}">Раздел номер {i}</a><br>' for i in range(500))
                             + "</body></html>").encode(), "no_article_text"),
        ("billion-laughs.html", (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
            + ']><html><body><p>&lol9;</p><p>' + PROSE * 4 + "</p></body></html>").encode(), {"article", "no_article_text"}),
        ("xxe.html", (f'<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
                      f"<html><body><p>&xxe;</p><p>{PROSE * 4}</p></body></html>").encode(), {"article", "no_article_text"}),
        ("gzip-bomb.html.gz", gzip.compress(b"<html>" + b"\0" * (64 * 1024 * 1024), compresslevel=9), {"too_large", "binary"}),
        ("page.html.gz", gzip.compress(html_article.encode()), "article"),
        ("corrupt.html.gz", gzip.compress(html_article.encode())[:-40] + b"garbage", {"undecodable", "article"}),
        ("crawl.warc.gz", _warc([("https://x.ru/a", "text/html", html_article.encode()),
                                 ("https://x.ru/i.png", "image/png", b"\x89PNG")]), "article"),
        ("images-only.warc.gz", _warc([("https://x.ru/i.png", "image/png", b"\x89PNG")]), "no_html_records"),
        ("truncated.warc.gz", _warc([("https://x.ru/a", "text/html", html_article.encode())])[:-100],
         {"corrupt_archive", "undecodable", "article", "no_article_text"}),
        ("not-a.warc", b"garbage " * 100, "corrupt_archive"),
        ("name with spaces and кириллица.txt", ARTICLE.replace("Заголовок", "Другой заголовок").encode(), "article"),
        ("-leading-dash.txt", ARTICLE.replace("Заголовок", "Третий заголовок").encode(), "article"),
        ("..dots..txt", ARTICLE.replace("Заголовок", "Четвёртый заголовок").encode(), "article"),
        # regex traps for the cleaner
        ("trap-brackets.md", ("[" * 100_000 + "](" * 50_000 + "\n\n" + ARTICLE).encode(), {"article", "no_article_text"}),
        ("trap-emphasis.md", (("*_" * 100_000) + "\n\n" + ARTICLE).encode(), {"article", "no_article_text"}),
        ("trap-emails.md", (("a" * 60 + "@") * 5000 + "\n\n" + ARTICLE).encode(), {"article", "no_article_text"}),
        ("trap-dates.md", (("12." * 30000) + "\n\n" + ARTICLE).encode(), {"article", "no_article_text"}),
        # the 400,000-character URL is the title and the start of the body: the analysis reads the first 50,000
        # characters only (pipeline/core/analysis.py), so no region mention is found and the page is off topic
        ("trap-urls.md", ("http://" + "a." * 200_000 + "\n\n" + ARTICLE).encode(),
         {"article", "no_article_text", "quarantined", "off_topic"}),
    ]
    return out


def generate(out: Path, secret_path: str) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, data, expectation in cases(secret_path):
        (out / name).write_bytes(data)
        expected[name] = expectation
    return expected


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(f"{len(generate(target, '/etc/passwd'))} hostile files written to {target}")
