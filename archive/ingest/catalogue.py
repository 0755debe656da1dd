"""The curated catalogue: titles, slugs and metadata for sources that do not carry their own."""

import tomllib
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path

from django.core.exceptions import ValidationError

from archive.aliases import resolve_document
from archive.ingest.source import SourceError
from archive.models import Document, Language


@dataclass(frozen=True)
class CatalogueEntry:
    """What curators know about one source file beyond what the file says; each field fills the
    document field of the same name."""

    slug: str = ""
    title: str = ""
    author: str = ""
    publisher: str = ""
    source_date: str = ""
    source_url: str = ""
    language: str = ""
    notes: str = ""


FIELDS = tuple(f.name for f in fields(CatalogueEntry))


def checked_value(name: str, value) -> str:
    """A field's value as the document will store it; ValueError saying what is wrong with it.
    The document's own field decides (slug rules, lengths, URLs), so both always agree."""
    if not isinstance(value, str):
        raise ValueError("give it as text in quotes")
    if not value:
        return value
    if name == "language" and value not in Language.values:
        raise ValueError(
            f"unknown language “{value}” (the archive's are {', '.join(Language.values)})"
        )
    try:
        return Document._meta.get_field(name).clean(value, None)
    except ValidationError as error:
        raise ValueError(f"“{value}”: {' '.join(error.messages)}") from error


def checked_entry(values) -> CatalogueEntry:
    """A catalogue table as an entry; ValueError naming each field that is wrong."""
    if not isinstance(values, dict):
        raise ValueError('it is not a table of fields ([sources."<file name>"])')
    problems = []
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        problems.append(f"unknown fields {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    checked = {}
    for name in FIELDS:
        if name in values:
            try:
                checked[name] = checked_value(name, values[name])
            except ValueError as error:
                problems.append(f"field {name}: {error}")
    if problems:
        raise ValueError("; ".join(problems))
    return CatalogueEntry(**checked)


class Catalogue:
    """Catalogue entries keyed by source file name, and the reasons entries were refused."""

    def __init__(
        self,
        entries: dict[str, CatalogueEntry] | None = None,
        refused: dict[str, str] | None = None,
        path: Path | None = None,
    ):
        self.entries = entries or {}
        self.refused = refused or {}
        self.path = path

    @classmethod
    def load(cls, path: Path) -> "Catalogue":
        """The catalogue in a TOML file (`[sources."<file name>"]` tables); empty if absent.
        An entry that is wrong is refused on its own: only its file fails to import."""
        if not path.exists():
            return cls(path=path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SourceError(f"the catalogue {path} cannot be read: {error}") from error
        sources = data.get("sources", {})
        if not isinstance(sources, dict):
            raise SourceError(f'the catalogue {path}: give entries as [sources."<file name>"]')
        entries, refused = {}, {}
        for name, values in sources.items():
            try:
                entries[name] = checked_entry(values)
            except ValueError as error:
                refused[name] = str(error)
        claims = defaultdict(list)
        for name, entry in entries.items():
            if entry.slug:
                claims[entry.slug].append(name)
        # Neither entry can be right without a curator saying which file the slug is for.
        for slug, names in claims.items():
            for name in names if len(names) > 1 else ():
                others = ", ".join(other for other in names if other != name)
                refused[name] = f"field slug: “{slug}” is also claimed by the entry for {others}"
                del entries[name]
        return cls(entries, refused, path)

    def where(self, file_name: str) -> str:
        """How a message names an entry: the catalogue's file and the entry's file name."""
        catalogue = f"the catalogue {self.path}" if self.path else "the catalogue"
        return f"{catalogue}, entry {file_name}"

    def entry_for(self, file_name: str) -> CatalogueEntry:
        """What the catalogue says of a new source file (an empty entry if nothing); SourceError
        if its entry was refused or claims a slug that is, or was, another document's."""
        if file_name in self.refused:
            raise SourceError(f"{self.where(file_name)}: {self.refused[file_name]}")
        entry = self.entries.get(file_name, CatalogueEntry())
        if entry.slug:
            holder, former = resolve_document(entry.slug)
            if holder:
                had = "had before it was renamed" if former else "already has"
                raise SourceError(
                    f"{self.where(file_name)}: field slug: “{entry.slug}” is the slug "
                    f"{holder.source_file} {had}"
                )
        return entry
