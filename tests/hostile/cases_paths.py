"""Hostile names, paths and file types under raw/ (issue 18, ingest part).

Each case writes its files under the raw dir it is given (at any depth, in folders of its own, which become
batches). :data:`EXPECTED` says what each file a case writes may end as: ``"article"`` or reject reasons.
Cases the machine cannot make (a device node without privileges) write nothing, and their file is not counted.
"""

from __future__ import annotations

import io
import os
import socket
import stat
from pathlib import Path
from typing import Callable

PROSE = ("Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, и стороны "
         "обсудили вопросы безопасности в регионе, торговлю и поставки угля через порты Дальнего Востока. ")


def article(title: str) -> bytes:
    """A distinct, on-topic plain-text article (each case titles its own, so none is a byte or near duplicate)."""
    words = title.split()
    paras = [f"{PROSE} {' '.join(words * 3)} — сообщил источник {i} в правительстве." for i in range(4)]
    return (f"{title}\n\n" + "\n\n".join(paras)).encode()


def _name(raw: bytes) -> str:
    return os.fsdecode(raw)  # a file name that is not UTF-8, as os.walk sees it (surrogate-escaped)


def cp1251_file_name(raw: Path) -> None:
    (raw / _name("Новости Монголии.txt".encode("cp1251"))).write_bytes(article("Переговоры в Улан-Баторе"))


def cp1251_empty_file(raw: Path) -> None:
    (raw / _name("пустой.txt".encode("cp1251"))).write_bytes(b"")


def cp1251_folder_name(raw: Path) -> None:
    folder = raw / _name("Архив сентябрь".encode("cp1251"))
    folder.mkdir()
    (folder / "page.txt").write_bytes(article("Визит министра в Токио"))
    (folder / _name("статья.txt".encode("koi8-r"))).write_bytes(article("Соглашение о поставках угля"))


def escape_lookalike(raw: Path) -> None:
    """A valid name spelling the escaped form of a non-UTF-8 name beside it: both kept apart."""
    (raw / "\\xcd\\xee.txt").write_bytes(article("Первый двойник имени"))
    (raw / _name(b"\xcd\xee.txt")).write_bytes(article("Второй двойник имени"))


def utf8_surrogate_bytes(raw: Path) -> None:
    (raw / _name(b"\xed\xb3\x8d-overlong-\xc0\xaf.txt")).write_bytes(article("Байты суррогата в имени"))


def long_cyrillic_folder(raw: Path) -> None:
    folder = raw / "Международные_новости_Монголии_и_Японии_сентябрь"
    folder.mkdir()
    (folder / "Переговоры_министров_иностранных_дел_Японии_и_Монголии.txt").write_bytes(article("Долгое имя папки"))


def name_max_cyrillic(raw: Path) -> None:
    """A folder and a file whose names are 254 bytes of Cyrillic, near NAME_MAX (quoted, 762 bytes)."""
    folder = raw / ("Ж" * 127)
    folder.mkdir()
    (folder / ("Щ" * 123 + ".txt")).write_bytes(article("Имя на пределе"))


def root_named_folder(raw: Path) -> None:
    """Folders named like the loose-files batch, and its escaped form."""
    for name, title in (("_root", "Папка корня"), ("__root", "Папка двойного корня")):
        (raw / name).mkdir()
        (raw / name / "inside.txt").write_bytes(article(title))
        (raw / name / "sub").mkdir()
        (raw / name / "sub" / "deeper.txt").write_bytes(article(title + " глубже"))


def loose_file(raw: Path) -> None:
    (raw / "loose.txt").write_bytes(article("Файл в корне"))


def path_over_path_max(raw: Path) -> None:
    """A file whose path is over PATH_MAX (4096 bytes): made with directory descriptors, component by component."""
    fd = os.open(raw, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(24):
            name = f"{level:02d}-" + "d" * 200
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, article("Очень глубокий путь"))
        os.close(out)
    finally:
        os.close(fd)


def deep_but_legal(raw: Path) -> None:
    path = raw / "deep"
    for level in range(60):
        path = path / f"level{level}"
    path.mkdir(parents=True)
    (path / "page.txt").write_bytes(article("Глубокая но законная папка"))


def name_255_bytes(raw: Path) -> None:
    (raw / ("n" * 251 + ".txt")).write_bytes(article("Имя в двести пятьдесят пять байт"))


def fifo(raw: Path) -> None:
    os.mkfifo(raw / "pipe.txt")


def unix_socket(raw: Path) -> None:
    here = os.getcwd()
    os.chdir(raw)  # a socket's path is limited to 108 bytes: bind it relative to raw/
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("sock.html")
        s.close()
    finally:
        os.chdir(here)


def device_node(raw: Path) -> None:
    try:
        os.mknod(raw / "null-device.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pass  # not privileged here: nothing written, nothing counted


def symlinks(raw: Path) -> None:
    outside = raw.parent / f"{raw.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_bytes(article("Секрет вне сырья"))
    (raw / "link-out.txt").symlink_to(outside / "secret.txt")
    (raw / "link-dangling.txt").symlink_to(raw / "nowhere.txt")
    (raw / "link-loop.txt").symlink_to("link-loop.txt")
    (raw / "link-dir-out").symlink_to(outside)
    (raw / "links").mkdir()
    (raw / "links" / "up.txt").symlink_to("../loose-target.txt")
    (raw / "loose-target.txt").write_bytes(article("Цель ссылки"))


def hard_link_outside(raw: Path) -> None:
    """A hard link to a file outside raw/: the same inode, so read as a regular file (docs/ingest-security.md)."""
    outside = raw.parent / f"{raw.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "shared.txt").write_bytes(article("Жёсткая ссылка наружу"))
    os.link(outside / "shared.txt", raw / "hardlink.txt")


def sparse_huge(raw: Path) -> None:
    with open(raw / "sparse-10g.txt", "wb") as fh:
        fh.truncate(10 * 1024 ** 3)


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for uri, record_id, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers)
        record.rec_headers.replace_header("WARC-Record-ID", f"<{record_id}>")
        writer.write_record(record)
    return buf.getvalue()


def _html(title: str) -> bytes:
    body = article(title).decode().split("\n\n")
    return (f"<html><head><title>{title}</title></head><body><h1>{body[0]}</h1>"
            + "".join(f"<p>{p}</p>" for p in body[1:]) + "</body></html>").encode()


def warc_duplicate_record_ids(raw: Path) -> None:
    rid = "urn:uuid:00000000-0000-0000-0000-000000000001"
    (raw / "dup-ids.warc.gz").write_bytes(_warc([("https://a.example.ru/1", rid, _html("Первая запись архива")),
                                                 ("https://a.example.ru/2", rid, _html("Вторая запись архива"))]))


def warc_member_name_collision(raw: Path) -> None:
    rid = "urn:uuid:00000000-0000-0000-0000-000000000002"
    (raw / "x.warc.gz").write_bytes(_warc([("https://b.example.ru/1", rid, _html("Запись с двойником"))]))
    (raw / f"x.warc.gz#{rid}").write_bytes(article("Файл с именем записи"))


def odd_characters(raw: Path) -> None:
    folder = raw / "odd"
    folder.mkdir()
    names = ["new\nline.txt", "tab\there.txt", "ctrl\x01\x7f.txt", "hash#in#name.txt", " leading space.txt",
             "trailing space.txt ", "bidi\u202eтxt.txt", "zero\u200bwidth.txt", "emoji\U0001F600.txt",
             "percent%2Fslash.txt", "back\\slash.txt", "quote\"'.txt", "colon:star*?.txt", "batch=x.txt"]
    for i, name in enumerate(names):
        (folder / name).write_bytes(article(f"Странное имя номер {i} {chr(0x0410 + i)}"))


def nfc_nfd_pair(raw: Path) -> None:
    import unicodedata

    (raw / unicodedata.normalize("NFC", "йод.txt")).write_bytes(article("Составная буква один"))
    (raw / unicodedata.normalize("NFD", "йод.txt")).write_bytes(article("Составная буква два"))


def hidden_and_case(raw: Path) -> None:
    for name in ("Новости", "новости", ".hidden", "batch=x", "a%2Fb", "a%252Fb", "dir.warc.gz"):
        (raw / name).mkdir()
        (raw / name / ".dotfile.txt").write_bytes(article(f"Скрытый файл в папке {name}"))


def empty_named_folder_files(raw: Path) -> None:
    (raw / "empty-folder").mkdir()
    (raw / "empty-folder" / "nested-empty").mkdir()


CASES: dict[str, Callable[[Path], None]] = {
    name: fn for name, fn in sorted(globals().items())
    if callable(fn) and getattr(fn, "__module__", None) == __name__ and not name.startswith("_")
    and name not in {"article"}
}

_UNREADABLE = {"unreadable"}
EXPECTED: dict[str, set[str]] = {
    "cp1251_file_name": {"article"}, "cp1251_empty_file": {"empty"}, "cp1251_folder_name": {"article"},
    "escape_lookalike": {"article"}, "utf8_surrogate_bytes": {"article"}, "long_cyrillic_folder": {"article"},
    "name_max_cyrillic": {"article"}, "root_named_folder": {"article"}, "loose_file": {"article"},
    "path_over_path_max": _UNREADABLE, "deep_but_legal": {"article"}, "name_255_bytes": {"article"},
    "fifo": _UNREADABLE, "unix_socket": _UNREADABLE, "device_node": _UNREADABLE,
    "symlinks": {"unreadable", "article"},  # the links are unreadable; their in-raw target is an article
    "hard_link_outside": {"article"}, "sparse_huge": {"too_large"},
    "warc_duplicate_record_ids": {"article"}, "warc_member_name_collision": {"article"},
    "odd_characters": {"article"}, "nfc_nfd_pair": {"article"}, "hidden_and_case": {"article"},
    "empty_named_folder_files": set(),
}
