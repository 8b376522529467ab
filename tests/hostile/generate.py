"""Generate the hostile-input corpus into a folder (nothing is downloaded; run by the tests).

    .venv/bin/python tests/hostile/generate.py OUT_DIR

Two sets of cases:

* the content corpus of :func:`cases` (file name, bytes, expectation), written flat by :func:`generate`;
* every ``tests/hostile/cases_*.py`` module, found by :func:`discover`: each defines
  ``CASES: dict[str, Callable[[Path], None]]`` (a case name to a function writing that case's files anywhere
  under the raw dir it is given) and may define ``EXPECTED: dict[str, set[str]]`` (what each file of a case may
  end as: ``"article"`` or reject reasons). :func:`generate_cases` writes them all into one raw dir.

The command line writes both into OUT_DIR.
"""

from __future__ import annotations

import gzip
import importlib
import io
import os
import sys
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent

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
        # characters only (pipeline/core/analysis.py), so no region mention is found and the page is off topic;
        # in a folder where ARTICLE's lines recur on other pages they are template lines, the body is the URL
        # alone, with no Cyrillic word, and the page is read as another language (unsupported_language)
        ("trap-urls.md", ("http://" + "a." * 200_000 + "\n\n" + ARTICLE).encode(),
         {"article", "no_article_text", "quarantined", "off_topic", "unsupported_language"}),
    ]
    return out


def generate(out: Path, secret_path: str) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, data, expectation in cases(secret_path):
        (out / name).write_bytes(data)
        expected[name] = expectation
    return expected


def _modules() -> list:
    if str(HERE.parents[1]) not in sys.path:
        sys.path.insert(0, str(HERE.parents[1]))
    return [importlib.import_module(f"tests.hostile.{p.stem}") for p in sorted(HERE.glob("cases_*.py"))]


def discover() -> dict[str, tuple[Callable[[Path], None], set[str] | None]]:
    """Every case of every ``cases_*.py`` module: name -> (writer, allowed outcomes or None). Names are unique
    across modules (a clash raises: two modules would write over each other's files)."""
    found: dict[str, tuple[Callable[[Path], None], set[str] | None]] = {}
    for module in _modules():
        expected = getattr(module, "EXPECTED", {})
        for name, writer in module.CASES.items():
            if name in found:
                raise ValueError(f"hostile case {name!r} defined twice ({module.__name__})")
            allowed = expected.get(name)
            found[name] = (writer, set(allowed) if allowed is not None else None)
    return found


def entries(raw: Path) -> set[bytes]:
    """Every non-directory entry under ``raw`` as raw bytes relative paths (os.fwalk: no PATH_MAX limit, symlinks
    not followed; a symlink to a directory counts as an entry)."""
    root = os.fsencode(raw)
    found = set()
    for dirpath, dirnames, filenames, dirfd in os.fwalk(root):
        rel = os.path.relpath(dirpath, root)
        for name in filenames + [d for d in dirnames if _is_link_at(d, dirfd)]:
            found.add(name if rel == b"." else rel + b"/" + name)
    return found


def _is_link_at(name: bytes, dirfd: int) -> bool:
    import stat

    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def generate_cases(raw: Path, names: list[str] | None = None) -> dict[str, set[bytes]]:
    """Write the discovered cases (all, or ``names``) into ``raw``: case name -> the entries it added."""
    raw.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (writer, _) in sorted(discover().items()):
        if names is not None and name not in names:
            continue
        before = entries(raw)
        writer(raw)
        out[name] = entries(raw) - before
    return out


def escaped(entry: bytes) -> str:
    """The name the pipeline records for a raw entry (docs/ingest-security.md): valid UTF-8 as it is, a backslash
    doubled, each byte that is not UTF-8 as ``\\xNN``. Written here again, apart from the pipeline's code."""
    out, i = [], 0
    while i < len(entry):
        for j in range(min(len(entry), i + 4), i, -1):  # the longest valid UTF-8 character at i
            try:
                ch = entry[i:j].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                out.append("\\\\" if ch == "\\" else ch)
                i = j
                break
        else:
            out.append(f"\\x{entry[i]:02x}")
            i += 1
    return "".join(out)


def outcomes(raw: Path, articles: list[str], rejects: list[tuple[str, str]]) -> dict[bytes, list[str]]:
    """Each raw entry -> what the build made of it ("article" or the reject reason, one per WARC record), from
    the articles' and rejects' source paths; outputs that name no entry are listed under ``b"?<path>"``."""
    by_name = {escaped(e): e for e in entries(raw)}
    out: dict[bytes, list[str]] = {e: [] for e in by_name.values()}
    for path, outcome in [(p, "article") for p in articles] + list(rejects):
        entry = by_name.get(path)
        if entry is None:  # a WARC record: the longest entry it extends with '#'
            cuts = [i for i in range(len(path)) if path[i] == "#" and path[:i] in by_name]
            entry = by_name[path[:cuts[-1]]] if cuts else b"?" + path.encode("utf-8", "backslashreplace")
        out.setdefault(entry, []).append(outcome)
    return out


def measure(names: list[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """Each case alone in a fresh raw dir, built by the product's core entry (build_corpus, as the CLI's
    ``build`` and ``make dataset`` run it): case -> {entry: outcomes}, or {"<crash>": [the exception]}."""
    import tempfile

    from pipeline.core.corpus import build_corpus

    report = {}
    for name in sorted(discover()):
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw"
            written = generate_cases(raw, [name])[name]
            try:
                build = build_corpus(raw)
                tables = build.tables
                paths = tables["articles"].column("source_path").to_pylist()
                rejects = list(zip(tables["rejects"].column("source_path").to_pylist(),
                                   tables["rejects"].column("reason").to_pylist()))
                got = outcomes(raw, paths, rejects)
                report[name] = {escaped(e): v for e, v in sorted(got.items()) if e in written or e.startswith(b"?")}
                doubled = sorted(p for p in set(paths + [p for p, _ in rejects])
                                 if (paths + [p for p, _ in rejects]).count(p) > 1)
                if doubled:
                    report[name]["<doubled>"] = doubled
                report[name].update(_dagster_store(build.batches, Path(tmp) / "work"))
            except Exception as exc:  # what main did before the fixes: the whole build stopped
                report[name] = {"<crash>": [f"{type(exc).__name__}: {str(exc)[:120]}"]}
    return report


def _dagster_store(batches, work: Path) -> dict:
    """What the Dagster path adds to build_corpus: each batch's rows written to the partitioned working dataset
    (the batch_tables asset) and stored by the batch IO manager's file naming."""
    from pipeline.core.batch_store import write_batch_rows

    try:
        for rows in batches:
            write_batch_rows(rows, work)
        return {}
    except Exception as exc:
        return {"<dagster-crash>": [f"{type(exc).__name__}: {str(exc)[:120]}"]}


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    import json

    for case, got in measure(sys.argv[2:]).items():
        print(json.dumps({"case": case, "outcomes": got}, ensure_ascii=True))
elif __name__ == "__main__":
    target = Path(sys.argv[1])
    print(f"{len(generate(target, '/etc/passwd'))} hostile files written to {target}")
    written = generate_cases(target)
    print(f"{len(written)} cases ({sum(map(len, written.values()))} entries) of tests/hostile/cases_*.py written")
