"""haystack's Whoosh backend, adapted: language analyzers, a long-lived searcher, fast facets.

haystack as it comes reopens the searcher for every query, narrows every query to registered
models, and counts facets with grouping collectors that walk the whole index. Here the searcher
is kept and refreshed only when the index changes, and facet counts come from per-value
document sets read once per index generation and intersected with the hit set.
"""

import os
from dataclasses import dataclass

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SearchBackendError
from haystack.models import SearchResult
from haystack.query import SearchQuerySet
from pyroaring import BitMap, FrozenBitMap
from whoosh import query as wq
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.idsets import DocIdSet

from search.analysis import FOLDED_ANALYZER, LANGUAGE_ANALYZERS

EMPTY = FrozenBitMap()


class BitMapIdSet(DocIdSet):
    """A roaring bitmap as Whoosh's search filter (it only asks whether a document is in)."""

    def __init__(self, bitmap):
        self.bitmap = bitmap

    def __contains__(self, docnum):
        return docnum in self.bitmap

    def __iter__(self):
        return iter(self.bitmap)

    def __len__(self):
        return len(self.bitmap)


# Fields whose values are counted for facets and used as filters.
FACET_FIELDS = ("language", "document", "years", "concepts", "annotated", "note_tags")


@dataclass
class Hits:
    """One page of hits, the total, and facet counts that respect the other active filters."""

    results: list
    total: int
    facets: dict[str, dict[str, int]]


class ArchiveWhooshBackend(WhooshSearchBackend):
    """Whoosh backend for the archive's passage index (see module docstring)."""

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self._searcher = None
        self._docsets = None
        self._docsets_for = None
        self._opened = None

    def setup(self):
        super().setup()
        # A rebuild swaps a new folder in behind the same path; remember which one we opened.
        self._opened = os.path.realpath(self.path)

    # Writing -----------------------------------------------------------------------------

    def document(self, index, obj) -> dict:
        """The fields Whoosh stores for an object, as haystack prepares them."""
        doc = index.full_prepare(obj)
        doc.pop("boost", None)
        return {key: self._from_python(value) for key, value in doc.items()}

    def apply(self, index, current, removed_ids) -> None:
        """Update and delete documents in one writer commit (one new segment, not many)."""
        if not self.setup_complete:
            self.setup()
        self.reopen_if_swapped()
        writer = self.index.writer(timeout=30)
        try:
            for obj in current:
                writer.update_document(**self.document(index, obj))
            for pk in removed_ids:
                writer.delete_by_term(ID, f"archive.passage.{pk}")
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def reopen_if_swapped(self) -> None:
        """Open the index again if a rebuild swapped a new folder in since we opened it."""
        if self._opened is not None and os.path.realpath(self.path) != self._opened:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self.setup_complete = False
            self.setup()

    def build_schema(self, fields):
        schema_fields = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True),
        }
        content_field_name = ""
        for field in fields.values():
            name = field.index_fieldname
            if field.document:
                content_field_name = name
                schema_fields[name] = TEXT(analyzer=FOLDED_ANALYZER, stored=True, phrase=True)
            elif name.startswith("text_") and name[5:] in LANGUAGE_ANALYZERS:
                schema_fields[name] = TEXT(analyzer=LANGUAGE_ANALYZERS[name[5:]], phrase=True)
            elif name == "notes":
                schema_fields[name] = TEXT(analyzer=FOLDED_ANALYZER, phrase=True)
            elif name in ("language", "document", "annotated"):
                schema_fields[name] = WHOOSH_ID(stored=True, sortable=True)
            elif field.is_multivalued:
                schema_fields[name] = KEYWORD(stored=True, commas=True)
            elif field.field_type == "integer":
                schema_fields[name] = NUMERIC(numtype=int, stored=True, sortable=True)
            elif not field.indexed:
                schema_fields[name] = STORED()
            else:
                schema_fields[name] = TEXT(analyzer=FOLDED_ANALYZER, stored=True)
        if not content_field_name:
            raise SearchBackendError("The passage index needs a document=True field.")
        return content_field_name, Schema(**schema_fields)

    # Reading -----------------------------------------------------------------------------

    def searcher(self):
        """The long-lived searcher, refreshed if the index changed since it was opened."""
        if not self.setup_complete:
            self.setup()
        self.reopen_if_swapped()
        if self._searcher is not None and not self._searcher.up_to_date():
            # Searcher.refresh() can reopen the generation it already had; open anew instead.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self.index = self.index.refresh()
            self._searcher = self.index.searcher()
        return self._searcher

    def generation(self) -> tuple:
        """Which state of the index searches see now (changes with every commit or swap)."""
        searcher = self.searcher()
        return (self._opened, searcher.reader().generation())

    def facet_docsets(self, searcher) -> dict[str, dict[str, FrozenBitMap]]:
        """For each facet field, value → the documents having it, as compressed bitmaps (a few
        bytes per passage instead of a Python set's ~80); read once per index generation."""
        if self._docsets_for is not searcher:
            reader = searcher.reader()
            docsets = {}
            for field in FACET_FIELDS:
                if field not in reader.schema:
                    continue
                docsets[field] = {
                    value.decode("utf-8") if isinstance(value, bytes) else value: FrozenBitMap(
                        reader.postings(field, value).all_ids()
                    )
                    for value in reader.lexicon(field)
                }
            self._docsets, self._docsets_for = docsets, searcher
        return self._docsets

    def run(
        self, q: wq.Query, *, filters=None, start=0, end=20, sort_by=None, facets=FACET_FIELDS
    ) -> Hits:
        """Run a query with facet filters ({field: [values]}, OR within a field, AND across)."""
        searcher = self.searcher()
        docsets = self.facet_docsets(searcher)
        filters = {f: [v for v in vals if v] for f, vals in (filters or {}).items() if vals}
        allowed = {
            field: BitMap.union(BitMap(), *(docsets.get(field, {}).get(v, EMPTY) for v in vals))
            for field, vals in filters.items()
        }
        matching = BitMap(searcher.docs_for_query(q))
        counts = {}
        for field in facets:
            base = matching
            for other, docs in allowed.items():
                if other != field:
                    base = base & docs
            counts[field] = {
                value: n
                for value, docs in docsets.get(field, {}).items()
                if (n := docs.intersection_cardinality(base))
            }
        hit_set = matching
        for docs in allowed.values():
            hit_set = hit_set & docs
        if not hit_set or end <= start:
            return Hits([], len(hit_set), counts)
        results = searcher.search(
            q,
            filter=BitMapIdSet(hit_set) if allowed else None,
            limit=end,
            sortedby=sort_by,
        )
        page = [self.result(hit) for hit in results[start:end]]
        return Hits(page, len(hit_set), counts)

    def result(self, hit) -> SearchResult:
        fields = dict(hit.fields())
        app_label, model_name = fields.pop(DJANGO_CT).split(".")
        pk = fields.pop(DJANGO_ID)
        fields.pop(ID, None)
        for multi in ("years", "concepts", "note_tags"):
            value = fields.get(multi)
            fields[multi] = [v for v in value.split(",") if v] if isinstance(value, str) else []
        return SearchResult(app_label, model_name, pk, hit.score or 0.0, **fields)

    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, **kwargs):
        """haystack's entry point: a Whoosh query object from `search.query`, or a string."""
        if not isinstance(query_string, wq.Query):
            return super().search(
                query_string,
                sort_by=sort_by,
                start_offset=start_offset,
                end_offset=end_offset,
                **kwargs,
            )
        end = end_offset if end_offset is not None else start_offset + 20
        hits = self.run(
            query_string,
            filters=kwargs.get("filters"),
            start=start_offset,
            end=end,
            sort_by=sort_by,
        )
        return {
            "results": hits.results,
            "hits": hits.total,
            "facets": {"fields": {f: list(c.items()) for f, c in hits.facets.items()}},
            "spelling_suggestion": None,
        }

    def correct(self, word: str) -> str | None:
        """The closest word in the index vocabulary to a (folded) query word, if any."""
        suggestions = self.searcher().suggest(self.content_field_name, word, limit=1, maxdist=2)
        return suggestions[0] if suggestions else None


class ArchiveSearchQuery(WhooshSearchQuery):
    """haystack's query, able to carry a ready Whoosh query and facet filters to the backend."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.whoosh_query = None
        self.facet_filters = {}

    def build_query(self):
        return self.whoosh_query if self.whoosh_query is not None else super().build_query()

    def build_params(self, spelling_query=None):
        params = super().build_params(spelling_query)
        if self.whoosh_query is not None:
            params["filters"] = self.facet_filters
        return params

    def _clone(self, klass=None, using=None):
        clone = super()._clone(klass=klass, using=using)
        clone.whoosh_query = self.whoosh_query
        clone.facet_filters = dict(self.facet_filters)
        return clone


class PassageSearchQuerySet(SearchQuerySet):
    """A SearchQuerySet that runs a query built by `search.query`, with facet filters."""

    def whoosh(self, q: wq.Query, filters=None) -> "PassageSearchQuerySet":
        clone = self._clone()
        clone.query.whoosh_query = q
        clone.query.facet_filters = dict(filters or {})
        return clone


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveSearchQuery
