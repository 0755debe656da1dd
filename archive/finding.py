"""What the reader pages show of a search: the passages of a document that match a query, the
searched words marked in a passage, and the way back to the results and on to the next hit.

The archive stores passages and knows nothing of how they are found, so it asks the module
`settings.ARCHIVE_FINDER` names (the search app's `search.within`), which answers in these
terms; without one, the reader pages show no search.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings


@dataclass
class InDocument:
    """A search within one document: each matching passage's number with its text marked
    (escaped HTML), in document order, and what the search has to say (a query read as
    plain words, say)."""

    query: str
    marked: dict[int, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def order(self) -> list[int]:
        return list(self.marked)


@dataclass
class FromHit:
    """A passage opened from a search: its text with the searched words marked (escaped HTML;
    empty if none occur), the results it was found among, and the next hit's address."""

    query: str
    marked: str = ""
    results_url: str = ""
    next_url: str = ""
    rank: int | None = None


def finder():
    path = getattr(settings, "ARCHIVE_FINDER", "")
    return import_module(path) if path else None


def in_document(document, query: str) -> InDocument | None:
    """The passages of `document` the query finds (None: no query, or no finder)."""
    found = finder()
    return found.in_document(document, query) if found and query.strip() else None


def from_hit(params, passage, text: str) -> FromHit | None:
    """What a passage opened with a search's parameters (`?q=…`, and `hit=<rank>` from the
    results) shows of it; `text` is the text shown (a revision's, perhaps)."""
    found = finder()
    if not found or not params.get("q", "").strip():
        return None
    return found.from_hit(params, passage, text)
