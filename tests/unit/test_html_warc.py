"""HTML pages (any encoding, gzipped), WARC archives built here with warcio's writer, and their metadata."""

import gzip
import io
import json

import pytest

from pipeline.core.build import extract_files, extract_ingested
from pipeline.core.errors import RejectError
from pipeline.core.encoding import decode_html
from pipeline.core.html import clean_authors, html_metadata, split_tags
from pipeline.core.documents import document_from_bytes, gunzip_capped
from pipeline.core.ingest import ingest

PARAS = [
    "Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, и стороны "
    "обсудили вопросы безопасности в регионе.",
    "По итогам встречи было принято решение усилить координацию и продолжить консультации на уровне экспертов "
    "уже в следующем месяце.",
    "Эксперты отмечают, что встреча демонстрирует желание двух стран вести диалог более независимо от влияния "
    "соседей и крупных держав.",
]


def page(charset: str = "utf-8", ld: dict | None = None, extra_meta: str = "") -> str:
    ld = ld or {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Япония и Монголия провели переговоры",
                "datePublished": "2024-09-23T16:25:00+08:00", "author": [{"@type": "Person", "name": "Автор: Денис Большаков"},
                {"@type": "Person", "name": "Фото: Reuters"}, {"@type": "Organization", "name": "ТАСС"}],
                "keywords": "Япония, Монголия, дипломатия", "articleSection": "Политика"}
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Переговоры | Example</title>'
            f'<link rel="canonical" href="https://example.ru/news/1">{extra_meta}'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head><body>'
            f'<nav><a href="/">Главная</a> <a href="/p">Политика</a></nav><h1>Япония и Монголия провели переговоры</h1>'
            f'{body}<footer>© 2024 example.ru Все права защищены. Пишите: news@example.ru</footer></body></html>')


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
def test_html_in_russian_encodings(charset):
    data = page(charset).encode(charset)
    doc = document_from_bytes("a.html", data)
    assert doc.kind == "html" and "Министр" in doc.text
    [article], _ = extract_ingested([doc])
    assert article["body"].split("\n\n") == PARAS
    assert article["url"] == "https://example.ru/news/1" and article["outlet"] == "example.ru"


def test_mislabelled_charset_falls_back_to_detection():
    data = page("utf-8").encode("cp1251")  # says utf-8, is cp1251
    text, encoding = decode_html(data)
    assert encoding == "cp1251" and "Министр" in text


def test_html_metadata_fixes_common_extractor_errors():
    meta = html_metadata(page(), {"тасс", "reuters"})
    assert meta["authors"] == ["Денис Большаков"]  # "Автор:" stripped, photo credit and agency dropped
    assert meta["tags"] == ["Япония", "Монголия", "дипломатия"]  # not one comma-joined string
    dt, has_offset = meta["published"]
    assert has_offset and dt.utcoffset().total_seconds() == 8 * 3600
    doc = document_from_bytes("a.html", page().encode())
    [article], _ = extract_ingested([doc])
    assert article["published_at"].isoformat() == "2024-09-23T08:25:00+00:00"  # no zone shift
    assert article["timezone_source"] == "page" and article["rubrics"] == ["Политика"]
    assert clean_authors(["Иван Петров, Анна Смирнова", "http://x.ru/a"], set()) == ["Иван Петров", "Анна Смирнова"]
    assert split_tags(["a, b; c"]) == ["a", "b", "c"]


def test_gzipped_html_and_gzip_bomb(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.html.gz").write_bytes(gzip.compress(page().encode()))
    (raw / "bomb.html.gz").write_bytes(gzip.compress(b"<html>" + b" " * (40 * 1024 * 1024)))
    articles, rejects = extract_files([str(raw / "page.html.gz"), str(raw / "bomb.html.gz")])
    assert [a["source_path"] for a in articles] == [str(raw / "page.html.gz")]
    assert {r.source_path: r.reason for r in rejects} == {str(raw / "bomb.html.gz"): "too_large"}
    with pytest.raises(RejectError):
        gunzip_capped(b"\x1f\x8bnot really gzip")


def _warc(records: list[tuple[str, str, bytes]], truncate: int = 0) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for uri, content_type, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers)
        writer.write_record(record)
    data = buf.getvalue()
    return data[:-truncate] if truncate else data


def test_warc_members_become_documents_with_their_uri(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crawl.warc.gz").write_bytes(_warc([
        ("https://news.example.ru/a", "text/html; charset=utf-8", page().encode()),
        ("https://news.example.ru/logo.png", "image/png", b"\x89PNG...."),
        ("https://news.example.ru/b", "text/html; charset=windows-1251",
         page("windows-1251").replace("news/1", "news/2").encode("cp1251")),
    ]))
    docs, rejects = ingest(raw)
    assert not rejects
    assert len(docs) == 2 and all(d.source_path.startswith("crawl.warc.gz#urn:uuid:") for d in docs)
    articles, rejects = extract_files([str(raw / "crawl.warc.gz")])  # the CLI's path: one article per record
    assert len(articles) == 2 and not rejects
    assert {a["url"] for a in articles} == {"https://example.ru/news/1", "https://example.ru/news/2"}


def test_warc_without_html_and_truncated_warc(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "images.warc.gz").write_bytes(_warc([("https://x.ru/a.png", "image/png", b"\x89PNG....")]))
    good = _warc([("https://news.example.ru/a", "text/html", page().encode()),
                  ("https://news.example.ru/b", "text/html", page().replace("1</", "2</").encode())])
    (raw / "cut.warc.gz").write_bytes(good[: len(good) - 200])
    (raw / "junk.warc").write_bytes(b"this is not a warc at all\n" * 10)
    docs, rejects = ingest(raw)
    reasons = {r.source_path.split("#")[0]: r.reason for r in rejects}
    assert reasons["images.warc.gz"] == "no_html_records"
    assert reasons["cut.warc.gz"] in {"corrupt_archive", "undecodable"}  # the cut record, never silently kept
    assert reasons["junk.warc"] == "corrupt_archive"
    assert sum(1 for d in docs if d.source_path.startswith("cut.warc.gz#")) == 1  # the record before the damage
