"""How a passage is cited: its reference, its permanent URL, and a plain-text citation."""

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format

from archive.models import Passage


def passage_citation(
    passage: Passage, url: str, *, revision: int | None = None, accessed: date | None = None
) -> str:
    """A Chicago-style note citation of a passage, with its reference, URL and access date."""
    document = passage.document
    accessed = accessed or timezone.localdate()
    parts = []
    if document.author:
        parts.append(f"{document.author},")
    title = document.display_title
    parts.append(f"“{title},” passage {passage.n}")
    if passage.section:
        parts[-1] += f" (“{passage.section}”)"
    parts[-1] += "."
    source = ", ".join(
        bit
        for bit in (
            document.publisher,
            f"revision {document.source_revision}" if document.source_revision else "",
            document.source_date,
        )
        if bit
    )
    if source:
        parts.append(f"{source}.")
    reference = f"Archive reference {passage.ref}"
    if revision:
        reference += f", text revision {revision}"
    parts.append(f"{reference}.")
    parts.append(f"{url} (accessed {date_format(accessed, 'j F Y')}).")
    return " ".join(parts)
