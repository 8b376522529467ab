"""Language identification (offline: lingua ships its models in the wheel).

The detector is built once per process on first use (explicit cache, not at
import time), restricted to the languages this region's outlets publish in.
"""

from __future__ import annotations

from functools import lru_cache

#: below this confidence the language is reported as "und"
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 3000
#: the language the NLP stages read (natasha's models are Russian)
PIPELINE_LANGUAGE = "ru"
#: an article the detector is unsure of ("und") is kept when at least this share of its letters is Cyrillic
#: (on the DAniEL pages: every Russian one has over 80 %, every English, Chinese, Greek and Polish one under 50 %)
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


def cyrillic_share(text: str) -> float:
    """Share of the letters of ``text``'s sample that are Cyrillic (0 without letters)."""
    letters = [ch for ch in text[:SAMPLE_CHARS] if ch.isalpha()]
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) if letters else 0.0


def unsupported_language(language: str, text: str) -> str | None:
    """Why an article in ``language`` (from :func:`detect_language`) cannot be read by the NLP stages, or None:
    another language the detector knows (English, Ukrainian, ...), or an unsure detection on a text that is
    mostly not Cyrillic (Chinese, Greek, Polish: languages the restricted detector does not know)."""
    if language == PIPELINE_LANGUAGE:
        return None
    share = cyrillic_share(text)
    if language == "und" and share >= MIN_CYRILLIC_SHARE:
        return None
    name = "undetermined" if language == "und" else language
    return f"language {name} ({share:.0%} Cyrillic letters): the entity and event stages read Russian only"
