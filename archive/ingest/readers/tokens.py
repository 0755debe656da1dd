"""A token stream: lower-cased words with punctuation and stop words stripped, on one line."""

import re

from archive.ingest.clean import tidy
from archive.ingest.readers.base import Block, ParsedSource, Reader

MIN_WORDS = 100
PUNCTUATION_RE = re.compile(r"[.,;:!?()\"“”„]")


class TokenStreamReader(Reader):
    """Reads a token stream: no sentences and no paragraphs, so it is one block of words."""

    shape = "tokens"

    @classmethod
    def recognises(cls, text: str) -> bool:
        stripped = text.strip()
        words = stripped.split()
        if len(words) < MIN_WORDS or len([ln for ln in stripped.splitlines() if ln.strip()]) > 3:
            return False
        # A stray mark is tolerated; prose has one every few words.
        return (
            stripped == stripped.lower()
            and len(PUNCTUATION_RE.findall(stripped)) < len(words) / 200
        )

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        return ParsedSource(shape=cls.shape, blocks=[Block(tidy(text))])
