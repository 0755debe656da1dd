"""Comparing the search index with the database: missing, ghost and stale entries."""

from dataclasses import dataclass, field

from search.engine import engine
from search.indexing import passage_index


@dataclass
class Differences:
    """Passages the index lacks, entries it has that it should not, and outdated entries."""

    missing: set[int] = field(default_factory=set)
    ghost: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.ghost) + len(self.stale)

    def all(self) -> set[int]:
        return self.missing | self.ghost | self.stale


def compare(batch: int = 1000) -> Differences:
    """What differs between the index and what the database says it should hold."""
    index = passage_index()
    indexed = engine().held()
    expected: dict[int, str] = {}
    queryset = index.index_queryset()
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        for passage in index.passages(queryset.filter(pk__in=ids[start : start + batch])):
            expected[passage.pk] = index.full_prepare(passage)["digest"]
    return Differences(
        missing=set(expected) - set(indexed),
        ghost=set(indexed) - set(expected),
        stale={pk for pk in set(expected) & set(indexed) if expected[pk] != indexed[pk]},
    )
