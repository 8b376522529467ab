"""The text NER and linking read: Unicode NFKC with format characters removed, and the way back to offsets
into the stored text.

A zero-width space or a bidi override inside a name (``Ки\\u200bсида``, ``Хурэл\\u202eсух``) is invisible on the
page but splits the name for the tokenizer, the model and the gazetteer; compatibility forms (full-width
letters, ligatures) miss the gazetteer too. :func:`for_ner` returns ``None`` for a text that is already normal
(nearly every one: its analysis is untouched); else the normalized text and, per character of it, the span of
the original characters it came from, so every mention's offsets still index the stored body.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["NormalText", "for_ner"]


@dataclass(frozen=True)
class NormalText:
    text: str
    starts: tuple[int, ...]  # per normalized character: offset of the first original character it came from
    ends: tuple[int, ...]  # per normalized character: offset after the last original character it came from

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the normalized ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


def _is_format(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def for_ner(text: str) -> NormalText | None:
    """``text`` normalized for NER and linking, or ``None`` when it already is (see the module docstring).

    Each cluster (a character and the combining marks after it) is normalized on its own, so composition stays
    inside the cluster and every output character maps to the cluster it came from; format characters go."""
    if unicodedata.is_normalized("NFKC", text) and not any(_is_format(ch) for ch in text):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if _is_format(text[i]):
            i += 1
            continue
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or _is_format(text[j])):
            j += 1
        cluster = unicodedata.normalize("NFKC", "".join(ch for ch in text[i:j] if not _is_format(ch)))
        last = j
        while _is_format(text[last - 1]):  # a format character after the cluster belongs to no character
            last -= 1
        out.append(cluster)
        starts.extend([i] * len(cluster))
        ends.extend([last] * len(cluster))
        i = j
    return NormalText("".join(out), tuple(starts), tuple(ends))
