"""Language detection, restricted to the languages the archive expects."""

from functools import lru_cache

from lingua import Language as Lingua
from lingua import LanguageDetectorBuilder

from archive.models import Language

# Detected languages are named by the archive's own codes, so detection can only ever store a
# language the archive knows. Short Croatian is often labelled Bosnian or Serbian (Latin script):
# for this archive the three are one group, stored as Croatian.
LINGUA_TO_CODE = {
    Lingua.CROATIAN: Language.CROATIAN,
    Lingua.BOSNIAN: Language.CROATIAN,
    Lingua.SERBIAN: Language.CROATIAN,
    Lingua.ROMANIAN: Language.ROMANIAN,
    Lingua.ENGLISH: Language.ENGLISH,
    Lingua.GERMAN: Language.GERMAN,
    Lingua.RUSSIAN: Language.RUSSIAN,
}
# Enough text to decide with; detection time grows with length.
SAMPLE_CHARS = 6000


@lru_cache(maxsize=1)
def detector():
    return LanguageDetectorBuilder.from_languages(*LINGUA_TO_CODE).build()


def detect_language(text: str) -> str:
    """The archive language code of a text ("hr", "ro", "en", …), or "" when undecidable."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return ""
    found = detector().detect_language_of(sample)
    return LINGUA_TO_CODE[found].value if found else ""
