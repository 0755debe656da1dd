"""Keeping the search index in step with the database: the one place reindexing happens."""

import logging

from haystack import connections

from archive.models import Passage
from search.search_indexes import PassageIndex

logger = logging.getLogger(__name__)


def passage_index() -> PassageIndex:
    return connections["default"].get_unified_index().get_index(Passage)


def reindex_passages(ids) -> None:
    """Index the given passages as they are now; drop those no longer published."""
    ids = set(ids)
    if not ids:
        return
    index = passage_index()
    backend = connections["default"].get_backend()
    current = list(index.index_queryset().filter(pk__in=ids))
    if current:
        backend.update(index, current)
    for pk in ids - {p.pk for p in current}:
        backend.remove(f"archive.passage.{pk}")
