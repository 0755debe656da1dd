"""One reader per source shape, and the choice of reader by a text's content."""

from archive.ingest.readers.base import Block, ParsedSource, Reader
from archive.ingest.readers.essay import EssayReader
from archive.ingest.readers.paragraphs import ParagraphsReader
from archive.ingest.readers.tokens import TokenStreamReader
from archive.ingest.readers.webpage import WebPageReader
from archive.ingest.readers.wiki import WikiReader

# Most specific first: plain paragraphs accept any text, so they come last.
READERS: tuple[type[Reader], ...] = (
    WikiReader,
    WebPageReader,
    TokenStreamReader,
    EssayReader,
    ParagraphsReader,
)


def reader_for(text: str) -> type[Reader]:
    """The reader for a text's shape, recognised from its content alone."""
    for reader in READERS:
        if reader.recognises(text):
            return reader
    raise ValueError("no text to read")


__all__ = ["Block", "ParsedSource", "Reader", "READERS", "reader_for"]
