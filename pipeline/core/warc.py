"""WARC archives (Common Crawl's CC-NEWS format): every response record with an HTML payload is a document.

``source_path`` is ``file.warc.gz#<WARC-Record-ID>``; the record's target URI and date feed the metadata.
A truncated or corrupt archive keeps the records read before the damage and adds one reject for the rest;
an archive without HTML responses is rejected as a whole.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Reject, RejectError
from .documents import MAX_INFLATED_BYTES, STAGE, RawDocument, document_from_bytes, sha256_bytes

MAX_RECORDS = 100_000


def read_warc(rel: str, path: Path, max_bytes: int) -> tuple[list[RawDocument], list[Reject]]:
    from warcio.archiveiterator import ArchiveIterator

    docs: list[RawDocument] = []
    rejects: list[Reject] = []
    size = path.stat().st_size
    if size == 0:
        return [], [Reject(rel, None, STAGE, "empty", "WARC file is empty")]
    with open(path, "rb") as fh:
        head = fh.read(16)
        fh.seek(0)
        file_digest = None
        responses = 0
        try:
            iterator = ArchiveIterator(fh, check_digests=True)
            for n, record in enumerate(iterator):
                if n >= MAX_RECORDS:
                    rejects.append(Reject(f"{rel}#records-after-{MAX_RECORDS}", None, STAGE, "too_large",
                                          f"more than {MAX_RECORDS} records; the rest were not read"))
                    break
                if record.rec_type != "response":
                    continue
                content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                if "html" not in content_type.lower():
                    continue
                responses += 1
                record_id = (record.rec_headers.get_header("WARC-Record-ID") or f"<record-{n}>").strip("<>")
                member = f"{rel}#{record_id}"
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
            rejects.append(Reject(f"{rel}#after-record-{len(docs)}", None, STAGE, "corrupt_archive",
                                  f"WARC is truncated or corrupt after {len(docs)} documents: {type(exc).__name__}"))
        if responses == 0 and not rejects:
            with open(path, "rb") as again:
                file_digest = sha256_bytes(again.read(max_bytes))
            reason = "no_html_records" if head.startswith((b"WARC", b"\x1f\x8b")) else "corrupt_archive"
            rejects.append(Reject(rel, file_digest, STAGE, reason,
                                  "WARC holds no response record with an HTML payload" if reason == "no_html_records"
                                  else "not a WARC archive"))
    return docs, rejects
