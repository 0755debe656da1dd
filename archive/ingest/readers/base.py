"""What every source reader produces: a source's metadata and its text as headed blocks."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """A run of prose under one section heading, as the source gives it (usually a paragraph)."""

    text: str
    section: str = ""


@dataclass
class ParsedSource:
    """A source read into clean prose blocks, with the metadata the source itself carries."""

    shape: str
    blocks: list[Block]
    title: str = ""
    source_url: str = ""
    source_revision: str = ""
    # The date of the source (or of the revision exported), as far as the source gives it.
    source_date: str = ""
    extra: dict = field(default_factory=dict)


class Reader:
    """A reader for one source shape: says whether a text has that shape, then reads it."""

    shape: str = ""

    @classmethod
    def recognises(cls, text: str) -> bool:
        raise NotImplementedError

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        raise NotImplementedError
