"""The Whoosh engine: haystack's Whoosh backend, adapted, answering the archive's engine seam.

haystack as it comes reopens the searcher for every query, narrows every query to registered
models, and counts facets with grouping collectors that walk the whole index. Here the searcher
is kept and refreshed only when the index changes, queries are evaluated over whole posting
lists (`evaluation`), and facet counts come from per-value document sets read once per index
generation and intersected with the hit set. haystack's own commands (`update_index`) and its
schema building still go through the haystack backend it is.
"""

import contextlib
import os
import shutil
import time
from itertools import chain
from pathlib import Path

import numpy as np
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SearchBackendError
from whoosh import query as wq
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.idsets import DocIdSet

from search import plan
from search.engine import Engine, IndexHit, Results
from search.engine.whoosh import building, committing
from search.engine.whoosh.analysis import FOLDED_ANALYZER, LANGUAGE_ANALYZERS, PAIRS_ANALYZER
from search.engine.whoosh.compile import PAIRED_FIELD, PAIRS_FIELD, compile_plan
from search.engine.whoosh.evaluation import Evaluator, Scored, Unsupported, nbytes
from search.engine.whoosh.facets import FacetArrays, keep_segment_files
from search.engine.whoosh.merging import full_tier, merge_backlog, merge_by_tiers
from search.engine.whoosh.postings import IndexArrays, segment_readers
from search.engine.whoosh.reopening import OpenSegments
from search.engine.whoosh.swap import fresh_folder, swap_in
from search.facets import BY_FIELD, INDEX_FIELDS
from search.recent import Recent
from search.search_indexes import STEMMED_FIELDS

# How many queries' matches a generation keeps, and at most how many bytes of them besides the
# latest: a broad query's at a million passages is 14 MiB, and four of them were a fifth of a
# worker's peak.
EVALUATED_KEPT = 4
EVALUATED_BYTES = 16 * 2**20
# The language of each stemmed field ("text_ro": "ro").
STEMMED_LANGUAGE = {field: code for code, field in STEMMED_FIELDS.items()}


class MaskIdSet(DocIdSet):
    """A boolean mask over document numbers as Whoosh's search filter."""

    def __init__(self, mask: np.ndarray):
        self.mask = mask

    def __contains__(self, docnum):
        return bool(self.mask[docnum]) if 0 <= docnum < len(self.mask) else False

    def __iter__(self):
        return iter(np.flatnonzero(self.mask).tolist())

    def __len__(self):
        return int(np.count_nonzero(self.mask))


def descending(sort_by) -> bool:
    fields = [sort_by] if isinstance(sort_by, str) else list(sort_by or ())
    return any(f.startswith("-") for f in fields)


def sort_key(column, count: int) -> np.ndarray:
    """Each document's value in a sort column as a number in the same order: a string by its
    place among the column's strings. Read one value at a time: a list of a million strings
    and their sort took 150 MiB of a worker, and seconds."""
    values = iter(column)
    first = next(values, None)
    if first is None:
        return np.empty(0, dtype=np.int64)
    values = chain([first], values)
    if not isinstance(first, bytes | str):
        return np.fromiter(values, dtype=np.int64, count=count)
    codes: dict = {}
    coded = np.fromiter((codes.setdefault(v, len(codes)) for v in values), np.int64, count)
    place = np.empty(len(codes), dtype=np.int64)
    place[[codes[value] for value in sorted(codes)]] = np.arange(len(codes))
    return place[coded]


class GenerationState:
    """Arrays read from one index generation (one searcher): postings, lengths, facets, and
    the document order, used by every search until the index changes."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.arrays = IndexArrays(searcher)
        self.evaluator = Evaluator(searcher, self.arrays)
        self.facets = FacetArrays(searcher, self.arrays)
        self._ranks: dict[tuple, np.ndarray] = {}
        self._evaluated = Recent(EVALUATED_KEPT, budget=EVALUATED_BYTES, weight=nbytes)

    def evaluate(self, q: wq.Query) -> Scored:
        """The query's matches and scores, kept for the last few queries: a search asks again
        for the same query under other filters (each language's best, page by page)."""
        return self._evaluated.get(q, lambda: self.evaluator.evaluate(q))

    def rank(self, fields: tuple[str, ...]) -> np.ndarray:
        """Each document's place when sorted by `fields` (then by number, as Whoosh breaks ties)."""
        if fields not in self._ranks:
            reader = self.searcher.reader()
            docnums = np.arange(self.arrays.doc_count_all, dtype=np.int64)
            keys = [docnums]
            for field in reversed(fields):
                keys.append(sort_key(reader.column_reader(field), len(docnums)))
            rank = np.empty_like(docnums)
            rank[np.lexsort(keys)] = docnums
            self._ranks[fields] = rank
        return self._ranks[fields]

    def page(self, scored: Scored, start: int, end: int, sort_by) -> list[tuple[int, float]]:
        """(document, score) for hits start..end, by score (ties: lower number first, as
        Whoosh) or in the order of `sort_by` fields."""
        ids, scores = scored.ids, scored.scores
        if sort_by:
            fields = (sort_by,) if isinstance(sort_by, str) else tuple(sort_by)
            order = np.argsort(self.rank(fields)[ids], kind="stable")[start:end]
        else:
            if len(ids) > 4 * end:
                # Only the documents scoring at least the end-th best can be on the page.
                kth = np.partition(scores, len(scores) - end)[len(scores) - end]
                near = np.flatnonzero(scores >= kth)
                order = near[np.lexsort((ids[near], -scores[near]))][start:end]
            else:
                order = np.lexsort((ids, -scores))[start:end]
        return [(int(ids[i]), float(scores[i])) for i in order]


def clock_tick(mtime_ns: int) -> int:
    """The longest a file system's clock may take to move on, judged by an mtime it gave:
    one with a fraction of a second comes from a clock that ticks every few milliseconds
    (Linux: a scheduler tick, 10 ms at most), so 50 ms is safely past a tick; a whole second
    may come from a clock of whole seconds (or two, on FAT)."""
    return 50_000_000 if mtime_ns % 1_000_000_000 else 2_000_000_000


class ArchiveWhooshBackend(WhooshSearchBackend, Engine):
    """Whoosh backend for the archive's passage index (see module docstring)."""

    name = "whoosh"

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self._searcher = None
        self._state = None
        self._pinned = 0  # how deep in one_generation(): the searcher is not looked at again
        self._opened = None
        self._open = OpenSegments()
        self._unchanged_since = None  # the index folder's mtime when last found up to date

    def setup(self):
        super().setup()
        # A rebuild swaps a new folder in behind the same path; remember which one we opened.
        self._opened = os.path.realpath(self.path)

    # Writing -----------------------------------------------------------------------------

    def document(self, prepared: dict) -> dict:
        """The fields Whoosh stores for a prepared index entry, with the passage's word pairs."""
        fields = {k: self._from_python(v) for k, v in prepared.items() if k != "boost"}
        fields[PAIRS_FIELD] = fields.get(PAIRED_FIELD, "")
        return fields

    def update(self, index, iterable, commit=True):
        """haystack's update_index writes through `apply`, so its entries have their pairs."""
        self.apply([index.full_prepare(obj) for obj in iterable], [])

    def apply(self, upserts, deletes, *, merge=True) -> None:
        """Update and delete documents in one writer commit (one new segment, not many); with
        `merge` off (more changes wait), small segments are left for `compact`."""
        if not self.setup_complete:
            self.setup()
        self.reopen_if_swapped()
        writer = committing.writer(self.index)
        try:
            # An index built before the word-pair field has none to write (until a rebuild).
            known = set(writer.schema.names())
            for prepared in upserts:
                fields = self.document(prepared)
                writer.update_document(**{k: v for k, v in fields.items() if k in known})
            for pk in deletes:
                writer.delete_by_term(ID, f"archive.passage.{pk}")
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_by_tiers if merge else merge_backlog)

    def compact(self) -> bool:
        """Merge the lowest full tier of segments (`merging`), if one is full: whether it did.
        Nothing is committed otherwise, so the searchers keep their generation."""
        if not self.setup_complete:
            self.setup()
        self.reopen_if_swapped()
        if not full_tier(self.index._segments()):
            return False
        writer = committing.writer(self.index)
        try:
            writer.commit(mergetype=merge_by_tiers)
        except BaseException:
            writer.cancel()
            raise
        return True

    def rebuild(self, batches, *, total, processes=None, progress=None) -> int:
        """A complete index in a new folder beside the live one (`building`, in several
        processes), then swapped in at once (`swap`)."""
        if not self.setup_complete:
            self.setup()
        live = Path(self.path)
        fresh = fresh_folder(live)
        try:
            count = building.build(
                fresh,
                self.schema,
                ([self.document(prepared) for prepared in batch] for batch in batches),
                total=total,
                processes=processes or building.default_processes(),
                progress=progress,
            )
            keep_segment_files(fresh)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        swap_in(live, fresh)
        return count

    def reopen_if_swapped(self) -> None:
        """Open the index again if a rebuild swapped a new folder in since we opened it."""
        if self._opened is not None and os.path.realpath(self.path) != self._opened:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._open.close()
            self._unchanged_since = None
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
                # Positions are kept for an index built before the word-pair field, whose
                # phrases they answer until it is rebuilt (`compile.PairPhrase`).
                schema_fields[name] = TEXT(analyzer=FOLDED_ANALYZER, stored=True, phrase=True)
                schema_fields[PAIRS_FIELD] = TEXT(analyzer=PAIRS_ANALYZER, phrase=False)
            elif name in STEMMED_LANGUAGE:
                # No positions: phrases are matched exactly on the folded field, and word
                # queries then decode a third less (positions are most of a posting block).
                analyzer = LANGUAGE_ANALYZERS[STEMMED_LANGUAGE[name]]
                schema_fields[name] = TEXT(analyzer=analyzer, phrase=False)
            elif name == "notes":
                schema_fields[name] = TEXT(analyzer=FOLDED_ANALYZER, phrase=True)
            elif name in BY_FIELD and not BY_FIELD[name].multivalued:
                # A facet with one value per passage: also a sort key (document order).
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

    @contextlib.contextmanager
    def one_generation(self):
        if not self._pinned:
            self.searcher()  # the latest generation, held from here on
        self._pinned += 1
        try:
            yield
        finally:
            self._pinned -= 1

    def searcher(self):
        """The long-lived searcher, refreshed if the index changed since it was opened (not
        within `one_generation`, once opened)."""
        if self._pinned and self._searcher is not None:
            return self._searcher
        if not self.setup_complete:
            self.setup()
        self.reopen_if_swapped()
        if self._searcher is not None and not self.up_to_date():
            # Searcher.refresh() can reopen the generation it already had; open anew instead.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self.index = self.index.refresh()
            # Segments the last generation had are not opened again (`reopening`).
            self._searcher = self._open.searcher(self.index)
        return self._searcher

    def up_to_date(self) -> bool:
        """Whether the searcher sees the latest generation. Whoosh lists the index folder to
        know; a commit adds a file to the folder, which changes its mtime, so a folder whose
        mtime is the one it had when last found up to date is not listed again. An mtime that
        may be within one tick of the file system's clock of that finding is not relied on:
        another commit in the same tick would leave the same mtime."""
        mtime = os.stat(self.path).st_mtime_ns
        if mtime == self._unchanged_since:
            return True
        checked_at = time.time_ns()
        if not self._searcher.up_to_date():
            return False
        settled = checked_at - mtime > clock_tick(mtime)
        self._unchanged_since = mtime if settled else None
        return True

    def generation(self) -> tuple:
        """Which state of the index searches see now (changes with every commit or swap)."""
        searcher = self.searcher()
        return (self._opened, searcher.reader().generation())

    def passage_count(self) -> int:
        return self.searcher().doc_count()

    def doc_frequency(self, field: str, word: str) -> int:
        return self.searcher().reader().doc_frequency(field, word)

    def state(self, searcher=None) -> "GenerationState":
        """What searches keep for the index generation the searcher sees: posting and facet
        arrays, read once and reused until the index changes."""
        searcher = searcher or self.searcher()
        if self._state is None or self._state.searcher is not searcher:
            self._state = GenerationState(searcher)
        return self._state

    def run(self, query, *, filters=None, sort=(), start=0, end=20, facets=INDEX_FIELDS):
        """The engine's search: the plan as a Whoosh query (`compile`), run by `run_query`."""
        return self.run_query(
            compile_plan(query),
            filters=filters,
            start=start,
            end=end,
            sort_by=list(sort) or None,
            facets=facets,
        )

    def run_query(self, q: wq.Query, **options) -> Results:
        """Run a Whoosh query with facet filters ({field: [values]}, OR within a field, AND
        across).

        Queries are evaluated over whole posting lists (`evaluation`); a query of a kind it does
        not handle, or `vectorised=False`, goes through Whoosh's matchers instead, with the same
        results."""
        try:
            return self._run(q, **options)
        except FileNotFoundError:
            # A merge or a rebuild removed files of the index this searcher had not opened
            # yet: search the index as it is now.
            self.forget_searcher()
            return self._run(q, **options)

    def forget_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._open.close()
        self._unchanged_since = None
        self._searcher, self._state = None, None

    def _run(
        self,
        q: wq.Query,
        *,
        filters=None,
        start=0,
        end=20,
        sort_by=None,
        facets=INDEX_FIELDS,
        vectorised=True,
    ) -> Results:
        searcher = self.searcher()
        state = self.state(searcher)
        filters = plan.active(filters)
        allowed = {field: state.facets.allowed(field, vals) for field, vals in filters.items()}
        keep = state.facets.combined(allowed)
        scored = None
        if vectorised and not descending(sort_by):
            with contextlib.suppress(Unsupported):
                scored = state.evaluate(q)
        if scored is None:
            return self._run_with_matchers(
                searcher, state, q, allowed, keep, start, end, sort_by, facets
            )
        counts = state.facets.counts(scored.ids, allowed, facets)
        if keep is not None:
            inside = keep[scored.ids]
            scored = Scored(scored.ids[inside], scored.scores[inside])
        if not len(scored) or end <= start:
            return Results([], len(scored), counts)
        page = state.page(scored, start, end, sort_by)
        return Results([self.hit(state, d, s) for d, s in page], len(scored), counts)

    def _run_with_matchers(self, searcher, state, q, allowed, keep, start, end, sort_by, facets):
        """`run_query` through Whoosh's own matchers, every hit scored (with a limit, Whoosh's
        shortcuts can miss top hits of boosted OR queries). An exclusion is applied as a mask:
        Whoosh's AndNotMatcher keeps the first hit when an excluded document precedes it."""
        positive, excluded = (q.a, q.b) if type(q) is wq.AndNot else (q, None)
        matching = np.fromiter(searcher.docs_for_query(positive), dtype=np.int64)
        masked = set(searcher.docs_for_query(excluded)) if excluded is not None else set()
        if masked:
            matching = matching[~np.isin(matching, list(masked))]
        counts = state.facets.counts(matching, allowed, facets)
        total = int(np.count_nonzero(keep[matching])) if keep is not None else len(matching)
        if not total or end <= start:
            return Results([], total, counts)
        results = searcher.search(
            positive,
            filter=MaskIdSet(keep) if keep is not None else None,
            mask=masked or None,
            limit=None,
            sortedby=sort_by,
        )
        page = [
            self.hit(state, hit.docnum, hit.score if isinstance(hit.score, float) else 0.0)
            for hit in results[start:end]
        ]
        return Results(page, total, counts)

    @staticmethod
    def hit(state: GenerationState, docnum: int, score: float) -> IndexHit:
        fields = state.arrays.stored_fields(docnum)
        return IndexHit(
            pk=int(fields[DJANGO_ID]),
            ref=fields["ref"],
            slug=fields["document"],
            n=int(fields["n"]),
            language=fields["language"],
            section=fields.get("section") or "",
            text=fields["text"],
            document_title=fields["document_title"],
            document_language=fields["document_language"],
            source_file=fields["source_file"],
            score=score or 0.0,
        )

    def expansions(self, parts) -> set[str]:
        """The index words of prefix and fuzzy parts, as the evaluation expands them (worked
        out once per query and index generation, for both)."""
        evaluator = self.state().evaluator
        words = set()
        for part in parts:
            for word in evaluator.expansions(compile_plan(part)):
                words.add(word.decode("utf-8") if isinstance(word, bytes) else word)
        return words

    def closest_words(self, field: str, word: str) -> dict[str, int]:
        """Each segment's words within two edits with the same first letter, as its own
        automaton walk finds them (Whoosh's suggest() on an index of several segments compares
        the word with every term instead); the segment keeps what was found (`reopening`), so
        after an edit only the new small segment is compared."""
        if not word:
            return {}
        reader = self.searcher().reader()
        found = set()
        for leaf, _ in segment_readers(reader):
            found.update(leaf.terms_within(field, word, 2, 1))
        found.discard(word)
        return {w: reader.frequency(field, w) for w in found}

    def held(self) -> dict[int, str]:
        reader = self.searcher().reader()
        return {
            int(fields[DJANGO_ID]): fields.get("digest") for fields in reader.all_stored_fields()
        }


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
