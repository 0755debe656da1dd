"""A search's whole result set as a file: CSV, BibTeX, RIS or CSL-JSON, one row or entry per
passage, streamed as the engine hands the hits over a window at a time.

Each entry of the citation formats is the archive's own citation of the passage
(`archive.citation`); this module only lays them end to end.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from archive.citation import FORMATS, bibtex, csl_json, ris
from archive.concepts.tagging import current_thesaurus
from archive.models import Passage
from search.engine import IndexHit
from search.service import every_hit, planned

# At most this many passages go into one export (the deepest a result list pages, too); a
# larger result set is cut there and the response says so (`X-Export-Truncated: 10000 of
# 12345`, and a comment heading a BibTeX file).
EXPORT_CAP = 10_000
# Passages read from the database at a time, in the engine's order.
BATCH = 500
CSV_COLUMNS = [
    "ref",
    "url",
    "text",
    "document",
    "document_title",
    "language",
    "section",
    "years",
]
# Excel reads a CSV file without a byte order mark in the computer's legacy code page, which
# garbles Croatian and Romanian letters (č, ș, ţ); with the mark it reads UTF-8, and so do
# LibreOffice, Numbers, pandas and Python (encoding="utf-8-sig").
BOM = "\ufeff"


def exported_hits(form) -> tuple[int, Iterator[IndexHit]]:
    """How many passages a valid search form finds, and the hits an export holds."""
    return every_hit(planned(form, current_thesaurus()), cap=EXPORT_CAP)


def passages(hits: Iterable[IndexHit]) -> Iterator[Passage]:
    """The passages of the hits, in the hits' order, read in batches."""
    batch: list[IndexHit] = []
    for hit in hits:
        batch.append(hit)
        if len(batch) == BATCH:
            yield from in_order(batch)
            batch = []
    if batch:
        yield from in_order(batch)


def in_order(batch: list[IndexHit]) -> Iterator[Passage]:
    found = Passage.objects.select_related("document").in_bulk([hit.pk for hit in batch])
    # A passage deleted since the index saw it is left out.
    return (found[hit.pk] for hit in batch if hit.pk in found)


def csv_file(cited: Iterable[tuple[Passage, str]], note: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def row(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield BOM + row(CSV_COLUMNS)
    for passage, url in cited:
        yield row(
            [
                passage.ref,
                url,
                passage.text,
                passage.document.slug,
                passage.document.display_title,
                passage.effective_language,
                passage.section,
                " ".join(str(year) for year in passage.years),
            ]
        )


def bibtex_file(cited: Iterable[tuple[Passage, str]], note: str) -> Iterator[str]:
    if note:
        yield f"@comment{{{note}}}\n\n"
    for passage, url in cited:
        yield bibtex(passage, url) + "\n"


def ris_file(cited: Iterable[tuple[Passage, str]], note: str) -> Iterator[str]:
    for passage, url in cited:
        yield ris(passage, url)


def csl_json_file(cited: Iterable[tuple[Passage, str]], note: str) -> Iterator[str]:
    yield "["
    separator = "\n"
    for passage, url in cited:
        for item in csl_json(passage, url):
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
    yield "\n]\n"


class Export(NamedTuple):
    """An export format: its media type, what writes it, and its name for readers."""

    content_type: str
    write: Callable[[Iterable[tuple[Passage, str]], str], Iterator[str]]
    label: str


# By file extension, as served at /search/export.<ext>.
EXPORTS = {
    "csv": Export("text/csv; charset=utf-8", csv_file, "CSV"),
    "bib": Export(FORMATS["bib"].content_type, bibtex_file, FORMATS["bib"].label),
    "ris": Export(FORMATS["ris"].content_type, ris_file, FORMATS["ris"].label),
    "json": Export(FORMATS["json"].content_type, csl_json_file, FORMATS["json"].label),
}
