"""Language identification (offline: lingua ships its models in the wheel).

The detector is built once per process on first use (explicit cache, not at
import time), restricted to the languages this region's outlets publish in.
"""

from __future__ import annotations

from functools import lru_cache

#: below this confidence the language is reported as "und"
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 3000


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
