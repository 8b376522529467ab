import codecs
import random

import pytest

from pipeline.core.errors import RejectError
from pipeline.core.documents import document_from_bytes
from pipeline.core.encoding import decode
from pipeline.core.ingest import ingest

RUSSIAN = "Министр иностранных дел Японии встретился с коллегой из Монголии в Улан-Баторе. " * 5


def _reason(data: bytes, name: str = "x.txt") -> str:
    with pytest.raises(RejectError) as exc:
        document_from_bytes(name, data)
    return exc.value.reason


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8-r", "utf-16"])
def test_decodes_russian_encodings(encoding):
    text, used = decode(RUSSIAN.encode(encoding))
    assert text.strip() == RUSSIAN.strip()
    assert used in {encoding, "utf-16", "utf-16-le"}


def test_utf16_without_bom_and_utf8_bom():
    assert decode(RUSSIAN.encode("utf-16-le"))[0] == RUSSIAN
    assert decode(codecs.BOM_UTF8 + RUSSIAN.encode("utf-8")) == (RUSSIAN, "utf-8-sig")


def test_empty_and_whitespace_rejected():
    assert _reason(b"") == "empty"
    assert _reason(b" \n\t\n  ") == "empty"


def test_png_renamed_txt_is_binary():
    assert _reason(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4) == "binary"


def test_nul_bytes_that_are_not_utf16_are_binary():
    assert _reason(b"abc\x00\x01\x02\xff\xfe\x00\x00\x13" * 50) == "binary"


def test_random_high_bytes_are_undecodable():
    rng = random.Random(7)
    data = bytes(rng.choice(range(0x80, 0x100)) for _ in range(4000))
    assert _reason(data) == "undecodable"


def test_binary_with_html_name_is_rejected():
    assert _reason(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "page.html") == "binary"


def test_ingest_accounts_for_every_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(RUSSIAN, encoding="utf-8")
    (raw / "b copy.txt").write_text(RUSSIAN, encoding="utf-8")  # byte duplicate of a.txt
    (raw / "empty.md").write_bytes(b"")
    (raw / "big.txt").write_bytes(b"x" * 5000)
    (raw / "sub").mkdir()
    (raw / "sub" / "cp1251.txt").write_bytes(RUSSIAN.encode("cp1251") + b" \xab\xbb")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET " * 20)
    (raw / "link.txt").symlink_to(secret)
    (raw / "linkdir").symlink_to(tmp_path)
    docs, rejects = ingest(raw, max_bytes=4096)
    reasons = {r.source_path: r.reason for r in rejects}
    assert [d.source_path for d in docs] == ["a.txt", "sub/cp1251.txt"]
    assert reasons == {"b copy.txt": "duplicate_raw", "big.txt": "too_large", "empty.md": "empty",
                       "link.txt": "unreadable", "linkdir": "unreadable"}
    assert all("SECRET" not in d.text for d in docs)
    assert docs[1].encoding == "cp1251"
