"""Text clean-up shared by every reader: Unicode form, white space, editorial residue."""

import re
import unicodedata

# Markers wiki editors leave in running text: footnote numbers, "[citation needed]" and their
# Romanian and Croatian counterparts. "[sic]" and bracketed insertions in quotations stay.
EDITORIAL_MARKER_RE = re.compile(
    r"\s*\[(?:\d{1,3}|[a-z]|nota? \d+|note \d+|"
    r"nefuncțională|nefuncţională|necesită citare|citare necesară|"
    r"citation needed|dead link|clarification needed|when\?|who\?|"
    r"potreban izvor|nedostaje izvor)\]",
    re.IGNORECASE,
)
SPACE_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,.;:!?)\]»”])")
SPACE_AFTER_OPEN_RE = re.compile(r"([(\[«„]) +")


def normalise_newlines(text: str) -> str:
    """Unix line ends and NFC composition, so the same letter is always the same code point."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


def tidy(text: str) -> str:
    """One line of prose with single spaces and no stray space inside punctuation."""
    text = SPACE_RE.sub(" ", text.replace("\n", " "))
    text = SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    text = SPACE_AFTER_OPEN_RE.sub(r"\1", text)
    return text.strip()


def drop_editorial_markers(text: str) -> str:
    """Text without wiki footnote numbers and maintenance tags such as "[nefuncțională]"."""
    return EDITORIAL_MARKER_RE.sub("", text)
