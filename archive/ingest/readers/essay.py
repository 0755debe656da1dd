"""A short essay: a title line, a blank line, then paragraphs."""

import re

from archive.ingest.clean import tidy
from archive.ingest.readers.base import Block, ParsedSource, Reader

MAX_TITLE_WORDS = 16
SENTENCE_END_RE = re.compile(r"[.!?:;,]$")


def split_paragraphs(body: str) -> list[str]:
    """Paragraphs separated by blank lines (a lone line break inside one is a wrapped line)."""
    return [tidy(chunk) for chunk in re.split(r"\n\s*\n", body) if chunk.strip()]


class EssayReader(Reader):
    """Reads an essay whose first line is its title."""

    shape = "essay"

    @classmethod
    def recognises(cls, text: str) -> bool:
        lines = text.strip().splitlines()
        if len(lines) < 3:
            return False
        first, second = lines[0].strip(), lines[1].strip()
        return (
            0 < len(first.split()) <= MAX_TITLE_WORDS
            and not SENTENCE_END_RE.search(first)
            and first[:1].isupper()
            and second == ""
            and len(split_paragraphs("\n".join(lines[2:]))) >= 1
        )

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        title, _, body = text.strip().partition("\n")
        return ParsedSource(
            shape=cls.shape,
            title=tidy(title),
            blocks=[Block(p) for p in split_paragraphs(body)],
        )
