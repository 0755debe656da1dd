"""The seam between the archive's search and the engine that answers it.

Above it (query parsing, thesaurus expansion, highlighting, the result cache, forms, views)
everything speaks of passages, search plans (`search.plan`), facet fields and prepared index
entries; below it each engine (`search.engine.whoosh`, embedded; `search.engine.solr`, for
SolrCloud) answers in those terms and keeps its own index, caches and ways of rebuilding.
`engine()` is the configured one (ARCHIVE_SEARCH_ENGINE chooses it in the settings).
"""

import abc
import contextlib
import hashlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from haystack import connections

from search import plan
from search.facets import INDEX_FIELDS

# A full rebuild's progress: called with (passages done, passages in all).
Progress = Callable[[int, int], None]


class EngineUnavailable(Exception):
    """The engine cannot answer now (its servers are down or unreachable); the message says
    why. Searches answer 503 with it; queued index changes stay queued until it is back."""


@dataclass
class IndexHit:
    """A passage found, as the index stores it, with its score."""

    pk: int
    ref: str
    slug: str
    n: int
    language: str
    section: str
    text: str
    document_title: str
    document_language: str
    source_file: str
    score: float


@dataclass
class Results:
    """One window of hits, how many there are in all, and per facet field the number of hits
    holding each value (counted under every filter but the field's own)."""

    hits: list[IndexHit]
    total: int
    facets: dict[str, dict[str, int]]


class Engine(abc.ABC):
    """A search engine as the archive uses it."""

    # What /api/health/ calls the engine.
    name = ""

    # Searching ---------------------------------------------------------------------------

    @abc.abstractmethod
    def run(
        self,
        query: plan.Plan,
        *,
        filters: Mapping[str, plan.Filter] | None = None,
        sort: Sequence[str] = (),
        start: int = 0,
        end: int = 20,
        facets: Sequence[str] = INDEX_FIELDS,
    ) -> Results:
        """Hits start..end of the plan, by score or in the order of the `sort` index fields;
        `filters` ({index field: values or a `plan.Range`}) keep hits holding any of a field's
        values (or a value in its range), in every field filtered; `facets` names the facet
        fields to count."""

    @contextlib.contextmanager
    def one_generation(self):
        """Every search inside sees the state of the index the first one saw, so that the
        parts of one answer (its count, its pages, its suggestion) agree, and the index is not
        looked at again for each. A server's engine (Solr), which holds no state here, answers
        each search from the state the server has then."""
        yield

    @abc.abstractmethod
    def generation(self) -> Hashable:
        """Which state of the index searches see now: changes with every change to the index,
        so that it keys what is cached from searches."""

    @abc.abstractmethod
    def passage_count(self) -> int:
        """How many passages searches see now."""

    @abc.abstractmethod
    def doc_frequency(self, field: str, word: str) -> int:
        """How many passages hold the index term `word` in `field`."""

    @abc.abstractmethod
    def closest_words(self, field: str, word: str) -> dict[str, int]:
        """Index words of `field` within two edits of `word` and sharing its first letter
        (`word` itself left out), each with how often it occurs: spelling suggestions."""

    @abc.abstractmethod
    def expansions(self, parts: Iterable[plan.Expanding]) -> set[str]:
        """The index words prefix and fuzzy parts of a plan stand for (to highlight them)."""

    # Writing -----------------------------------------------------------------------------

    @abc.abstractmethod
    def apply(self, upserts: Sequence[dict], deletes: Iterable[int], *, merge=True) -> None:
        """Write prepared index entries (`PassageIndex.full_prepare`) and remove passages by
        primary key, all in one commit; `merge` off says more changes wait, so upkeep the
        engine can put off (`compact`) should wait too."""

    def compact(self) -> bool:
        """Upkeep put off while changes waited (Whoosh: merging segments), done when none
        waits; whether there was any. Engines that do their own have none."""
        return False

    @abc.abstractmethod
    def rebuild(
        self,
        batches: Iterable[list[dict]],
        *,
        total: int,
        processes: int | None = None,
        progress: Progress | None = None,
    ) -> int:
        """A complete new index of the prepared entries in `batches` (`total` in all), built
        beside the live one and swapped in at once (searches meanwhile see the old one); how
        many entries it holds. `processes`: how many to build with (None: the engine's
        choice)."""

    @abc.abstractmethod
    def held(self) -> dict[int, str]:
        """What the index holds: each passage's primary key and the digest of its entry."""

    def status(self) -> dict:
        """What the index is, for /api/health/; raises if the engine cannot answer."""
        # A digest, not the generation itself: an embedded engine's names the server's folders.
        generation = hashlib.sha256(repr(self.generation()).encode()).hexdigest()[:16]
        return {"passages": self.passage_count(), "generation": generation}


def engine() -> Engine:
    """The engine the search connection is configured with."""
    found = connections["default"].get_backend()
    if not isinstance(found, Engine):
        raise ImproperlyConfigured(
            "HAYSTACK_CONNECTIONS['default'] must name an engine of search.engine "
            f"(such as search.engine.whoosh.backend.ArchiveWhooshEngine), not {type(found)}."
        )
    return found
