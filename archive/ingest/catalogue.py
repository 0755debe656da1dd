"""The curated catalogue: titles, slugs and metadata for sources that do not carry their own."""

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from archive.ingest.source import SourceError


@dataclass(frozen=True)
class CatalogueEntry:
    """What curators know about one source file beyond what the file says."""

    slug: str = ""
    title: str = ""
    author: str = ""
    publisher: str = ""
    source_date: str = ""
    source_url: str = ""
    language: str = ""
    notes: str = ""


class Catalogue:
    """Catalogue entries keyed by source file name."""

    def __init__(self, entries: dict[str, CatalogueEntry] | None = None):
        self.entries = entries or {}

    @classmethod
    def load(cls, path: Path) -> "Catalogue":
        """The catalogue in a TOML file (`[sources."<file name>"]` tables); empty if absent."""
        if not path.exists():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SourceError(f"the catalogue {path} cannot be read: {error}") from error
        known = {f.name for f in fields(CatalogueEntry)}
        entries = {}
        for name, values in data.get("sources", {}).items():
            unknown = set(values) - known
            if unknown:
                names = ", ".join(sorted(unknown))
                raise SourceError(f"the catalogue entry for {name} has unknown fields: {names}")
            entries[name] = CatalogueEntry(**values)
        return cls(entries)

    def entry_for(self, file_name: str) -> CatalogueEntry:
        return self.entries.get(file_name, CatalogueEntry())
