"""Language identification (offline: lingua ships its models in the wheel).

The detector is built once per process on first use (explicit cache, not at
import time), restricted to the languages this region's outlets publish in.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: below this confidence the language is reported as "und"
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 3000
#: an article is read as Russian when at least this share of its words is Cyrillic (on the DAniEL pages every
#: Russian one, markdown and HTML, has at least 86 %, every English, Chinese, Greek and Polish one none)
MIN_CYRILLIC_SHARE = 0.5


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.RUSSIAN, Language.UKRAINIAN, Language.BELARUSIAN, Language.KAZAKH,
                 Language.ENGLISH, Language.MONGOLIAN]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language, or "und" when unsure or when there is no text."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return "und"
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return "und"
    return values[0].language.iso_code_639_1.name.lower()


_WORD = re.compile(r"[^\W\d_]{2,}")
#: words read for the Cyrillic share (a page's junk, such as a 400,000-character URL, is no words)
MAX_WORDS = 20_000
#: Cyrillic languages lingua tells from Russian; an article it gives one of these is not read as Russian
OTHER_CYRILLIC = frozenset({"uk", "be", "kk", "mn"})


def cyrillic_share(text: str) -> float:
    """Share of the words of ``text`` (two letters or more, the first :data:`MAX_WORDS`) written in Cyrillic
    (0 without words)."""
    words = []
    for m in _WORD.finditer(text):
        words.append(m.group())
        if len(words) >= MAX_WORDS:
            break
    return sum("\u0400" <= w[0] <= "\u04ff" for w in words) / len(words) if words else 0.0


def unsupported_language(language: str, text: str) -> str | None:
    """Why an article in ``language`` (from :func:`detect_language`) cannot be read by the NLP stages, or None:
    a Cyrillic language lingua tells from Russian (Ukrainian, Belarusian, ...), or a text whose words are mostly
    not Cyrillic (English, Chinese, Greek, Polish; lingua is restricted to the region's languages and reads only
    the first :data:`SAMPLE_CHARS`, so the words decide)."""
    share = cyrillic_share(text)
    if language not in OTHER_CYRILLIC and share >= MIN_CYRILLIC_SHARE:
        return None
    name = "undetermined" if language == "und" else language
    return f"language {name} ({share:.0%} of its words in Cyrillic): the entity and event stages read Russian only"
