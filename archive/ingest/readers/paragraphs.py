"""Plain text with one paragraph per line."""

from archive.ingest.clean import tidy
from archive.ingest.readers.base import Block, ParsedSource, Reader

# A quotation spread over several lines (a letter, a telegram) is one paragraph to a reader.
MAX_QUOTATION_LINES = 12


def quotation_open(text: str) -> bool:
    """Whether text opens a low-9 quotation („…“) that it does not close."""
    return text.count("„") > text.count("“") + text.count("”")


def join_quotations(lines: list[str]) -> list[str]:
    """Lines with multi-line quotations joined into one paragraph each."""
    paragraphs: list[str] = []
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        joined = " ".join(pending)
        if not quotation_open(joined) or len(pending) >= MAX_QUOTATION_LINES:
            paragraphs.append(joined)
            pending = []
    if pending:
        paragraphs.extend(pending)
    return paragraphs


class ParagraphsReader(Reader):
    """Reads plain paragraphs: every non-empty line is a paragraph; there is no title."""

    shape = "paragraphs"

    @classmethod
    def recognises(cls, text: str) -> bool:
        return any(line.strip() for line in text.splitlines())

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        lines = [tidy(line) for line in text.splitlines() if line.strip()]
        return ParsedSource(shape=cls.shape, blocks=[Block(p) for p in join_quotations(lines) if p])
