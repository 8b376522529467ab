"""WARC archives (Common Crawl's CC-NEWS format): every response record with an HTML payload is a document.

``source_path`` is ``file.warc.gz#<WARC-Record-ID>``; the record's target URI and date feed the metadata. It is
unique by construction (:func:`member_path`): a ``#`` in the record id is written ``%23``, so a record's path
extends its archive's and no other entry's; a path already taken (a second record with the same id, or a raw
file literally named ``x.warc.gz#<id>`` beside ``x.warc.gz``) gets ``~2``, ``~3``, ... in archive order.
A truncated or corrupt archive keeps the records read before the damage and adds one reject for the rest;
an archive without HTML responses is rejected as a whole.
"""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO

from .errors import Reject, RejectError
from .documents import MAX_INFLATED_BYTES, STAGE, RawDocument, document_from_bytes, sha256_bytes

MAX_RECORDS = 100_000
#: a longer record id is cut and completed by a hash of the whole (the source path stays a sane length)
MAX_RECORD_ID = 200


def member_path(rel: str, label: str, taken: set[str]) -> str:
    """The source path of one record (or of a synthetic reject) of archive ``rel``, unique among ``taken``
    (the paths of every entry and every record so far), which it joins."""
    label = label.replace("#", "%23")
    if len(label) > MAX_RECORD_ID:
        label = label[:MAX_RECORD_ID - 17] + "~" + hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    path, n = f"{rel}#{label}", 1
    while path in taken:
        n += 1
        path = f"{rel}#{label}~{n}"
    taken.add(path)
    return path


def read_warc(rel: str, fh: BinaryIO, max_bytes: int, taken: set[str] | None = None) -> tuple[list[RawDocument], list[Reject]]:
    """The documents and rejects of the WARC archive open as ``fh`` (recorded as ``rel``); ``taken``: source
    paths already in use (see :func:`member_path`)."""
    from warcio.archiveiterator import ArchiveIterator

    taken = taken if taken is not None else {rel}
    docs: list[RawDocument] = []
    rejects: list[Reject] = []
    size = os.fstat(fh.fileno()).st_size
    if size == 0:
        return [], [Reject(rel, None, STAGE, "empty", "WARC file is empty")]
    head = fh.read(16)
    fh.seek(0)
    file_digest = None
    responses = 0
    try:
        iterator = ArchiveIterator(fh, check_digests=True)
        for n, record in enumerate(iterator):
            if n >= MAX_RECORDS:
                rejects.append(Reject(member_path(rel, f"records-after-{MAX_RECORDS}", taken), None, STAGE, "too_large",
                                      f"more than {MAX_RECORDS} records; the rest were not read"))
                break
            if record.rec_type != "response":
                continue
            content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in content_type.lower():
                continue
            responses += 1
            record_id = (record.rec_headers.get_header("WARC-Record-ID") or f"<record-{n}>").strip("<>")
            member = member_path(rel, record_id, taken)
            payload = record.content_stream().read(max(max_bytes, MAX_INFLATED_BYTES) + 1)
            iterator.read_to_end(record)  # completes the record's digest check
            try:
                has_digest = bool(record.rec_headers.get_header("WARC-Payload-Digest")
                                  or record.rec_headers.get_header("WARC-Block-Digest"))
                if record.digest_checker.passed is False or (has_digest and record.digest_checker.passed is not True):
                    raise RejectError("corrupt_archive", "payload digest does not verify: the record is truncated "
                                                         "or altered")
                if len(payload) > max_bytes:
                    raise RejectError("too_large", f"record payload exceeds {max_bytes} bytes")
                docs.append(document_from_bytes(member, payload, record.rec_headers.get_header("WARC-Target-URI"),
                                                record.rec_headers.get_header("WARC-Date"), kind="html"))
            except RejectError as exc:
                rejects.append(Reject(member, sha256_bytes(payload), STAGE, exc.reason, exc.message))
    except Exception as exc:  # warcio raises assorted errors on damaged archives
        rejects.append(Reject(member_path(rel, f"after-record-{len(docs)}", taken), None, STAGE, "corrupt_archive",
                              f"WARC is truncated or corrupt after {len(docs)} documents: {type(exc).__name__}"))
    if responses == 0 and not rejects:
        fh.seek(0)
        file_digest = sha256_bytes(fh.read(max_bytes))
        reason = "no_html_records" if head.startswith((b"WARC", b"\x1f\x8b")) else "corrupt_archive"
        rejects.append(Reject(rel, file_digest, STAGE, reason,
                              "WARC holds no response record with an HTML payload" if reason == "no_html_records"
                              else "not a WARC archive"))
    return docs, rejects
