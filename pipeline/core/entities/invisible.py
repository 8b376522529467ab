"""The text NER and linking read: Unicode NFKC with format characters removed, and the way back to offsets
into the stored text.

A zero-width space or a bidi override inside a name (``Ки\\u200bсида``, ``Хурэл\\u202eсух``) is invisible on the
page but splits the name for the tokenizer, the model and the gazetteer; letters in compatibility forms (full-width
letters, ligatures, decomposed ё) miss the gazetteer too; symbols (№, …, a no-break space) are left as they are. :func:`for_ner` returns ``None`` for a text that is already normal
(nearly every one: its analysis is untouched); else the normalized text and, per character of it, the span of
the original characters it came from, so every mention's offsets still index the stored body.
"""

from __future__ import annotations

import re
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


#: the format characters (category Cf) of Unicode 14.0, Python 3.11's unicodedata (a unit test recomputes them)
_FORMAT = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _normal_cluster(cluster: str) -> str:
    """A letter cluster's NFKC form when that form is letters too (full-width ``Ｔ``, the ligature ``ﬁ``, ``е`` +
    combining diaeresis), else the cluster unchanged: ``№``, ``…``, a no-break space or ``²`` stay as the page
    has them, so the tokenizer and the models see an ordinary text exactly as before."""
    if not cluster or not unicodedata.category(cluster[0]).startswith("L"):
        return cluster
    normal = unicodedata.normalize("NFKC", cluster)
    if normal != cluster and normal and all(ch.isalpha() or unicodedata.combining(ch) for ch in normal):
        return normal
    return cluster


def _stable(ch: str) -> bool:
    """True for a character that the loop of :func:`for_ner` gives back as it is when it stands alone (no combining
    mark after it): not a format character, not a combining mark (which joins the cluster before it), and its own
    :func:`_normal_cluster`."""
    return not _is_format(ch) and not unicodedata.combining(ch) and _normal_cluster(ch) == ch


#: characters outside the stable ones among ASCII, Latin-1, Latin Extended, Greek, Cyrillic, general punctuation,
#: currency and letterlike symbols (№), and beyond them: only these can change a text
_UNSTABLE = re.compile("[^" + "".join(re.escape(chr(c)) for lo, hi in ((0, 0x5FF), (0x2000, 0x214F))
                                      for c in range(lo, hi + 1) if _stable(chr(c))) + "]+")


def _clusters(text: str):
    """(first offset, offset after the cluster's last non-format character, normalized cluster) of each cluster
    (a character and the combining marks and format characters after it; a format character alone is dropped)."""
    i, n = 0, len(text)
    while i < n:
        if _is_format(text[i]):
            i += 1
            continue
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or _is_format(text[j])):
            j += 1
        cluster = _normal_cluster("".join(ch for ch in text[i:j] if not _is_format(ch)))
        last = j
        while _is_format(text[last - 1]):  # a format character after the cluster belongs to no character
            last -= 1
        yield i, last, cluster
        i = j


def _unchanged(text: str) -> bool:
    """True when ``text`` has no format character and each cluster holding a character that is not
    :func:`_stable` comes out as it is, so :func:`for_ner`'s loop would give back ``text`` itself (every other
    cluster is one stable character). Only the runs of such characters are read, not the whole text."""
    if _FORMAT.search(text):
        return False
    for run in _UNSTABLE.finditer(text):
        start, stop = run.span()
        if start > 0 and unicodedata.combining(text[start]):
            start -= 1  # the mark's cluster starts at the stable character before it
        segment = text[start:stop]
        if "".join(cluster for _, _, cluster in _clusters(segment)) != segment:
            return False
    return True


def for_ner(text: str) -> NormalText | None:
    """``text`` normalized for NER and linking, or ``None`` when nothing in it changes (see the module docstring).

    Each cluster (a character and the combining marks after it) is normalized on its own (:func:`_normal_cluster`),
    so composition stays inside the cluster and every output character maps to the cluster it came from; format
    characters go. A text that comes out unchanged (:func:`_unchanged`, which reads only its unstable characters:
    "…", "№", a no-break space) is answered without the loop over every character."""
    if unicodedata.is_normalized("NFKC", text) and not _FORMAT.search(text):
        return None
    if _unchanged(text):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, last, cluster in _clusters(text):
        out.append(cluster)
        starts.extend([i] * len(cluster))
        ends.extend([last] * len(cluster))
    normal = "".join(out)
    return None if normal == text else NormalText(normal, tuple(starts), tuple(ends))
