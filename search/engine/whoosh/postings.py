"""Whole posting lists and per-document columns of a Whoosh index, read as numpy arrays.

Whoosh's matchers walk postings one document at a time in Python, a few microseconds each; a
query matching 80 000 passages spends most of its time there. Here a term's postings are read
block by block (each block is one pickled tuple of up to 128 postings) into arrays, so that
`evaluation` can combine and score them all at once. Document numbers are global (the searcher's),
and deleted documents are left out, as Whoosh's own reader does.
"""

import sys
import threading
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.reading import EmptyReader
from whoosh.util.numeric import byte_to_length

from search.engine.whoosh import segment_files
from search.recent import Recent

# Whoosh stores a document's field length as one byte; this table turns bytes into lengths.
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
EMPTY_IDS = np.empty(0, dtype=np.int64)
EMPTY_FLOATS = np.empty(0, dtype=np.float64)
EMPTY_BYTES = np.empty(0, dtype=np.uint8)


@dataclass
class Postings:
    """A term's documents (sorted global document numbers), its weight in each and, if asked
    for, the encoded value (positions) of each posting."""

    ids: np.ndarray
    weights: np.ndarray
    values: list | None = None

    def positions(self, docs: np.ndarray, fmt) -> list[list[int]]:
        """The term's positions in each of `docs` (which must all hold it)."""
        at = np.searchsorted(self.ids, docs).tolist()
        if type(fmt) is not Positions:
            return [fmt.decode_positions(self.values[i]) for i in at]
        found = []
        for i in at:
            # Positions.decode_positions, without its per-call overhead: a pickled list of gaps
            # after a 4-byte count.
            value = self.values[i]
            found.append(
                list(accumulate(loads(value[4:] if value[-1:] == b"." else value[4:] + b".")))
            )
        return found


class SegmentCache:
    """Arrays read from index segments, kept per segment. A Whoosh segment never changes once
    written (only its deletions do, and those are applied afresh), so after an edit, which adds
    one small segment, a new searcher reads only that one instead of the whole index again."""

    def __init__(self):
        self.entries: dict[tuple, dict] = {}
        self.lock = threading.Lock()

    @staticmethod
    def key(leaf) -> tuple:
        return (getattr(leaf._storage, "folder", id(leaf._storage)), leaf.segment().segment_id())

    def get(self, leaf, what: str, read, kept=None):
        """The `what` arrays of the leaf's segment, read with `read(leaf)` the first time (or
        from its files), and kept as `kept` makes them of what was read."""
        key = self.key(leaf)
        with self.lock:
            found = self.entries.setdefault(key, {})
        if what not in found:
            value = segment_files.load(leaf, what)
            if value is None:
                value = read(leaf)
                segment_files.save(leaf, what, value)
            found[what] = value if kept is None else kept(value)
        return found[what]

    def put(self, leaf, what: str, value) -> None:
        """Keep `value` as the leaf's segment's `what` (in place of what was kept)."""
        with self.lock:
            self.entries.setdefault(self.key(leaf), {})[what] = value

    def keep_only(self, leaves) -> None:
        """Forget segments the index no longer has (merged away, or another folder)."""
        current = {self.key(leaf) for leaf, _ in leaves}
        with self.lock:
            for key in list(self.entries):
                if key not in current:
                    del self.entries[key]
        TERMS.keep_only(current)
        STORED_FIELDS.keep_only(current)


SEGMENTS = SegmentCache()


class SegmentReads(Recent):
    """Values read from segments, kept per segment, the most recently used up to `budget`
    bytes in all (as `weight` counts a value)."""

    def __init__(self, budget: int, weight):
        super().__init__(budget=budget, weight=weight)

    def read(self, leaf, key: tuple, read):
        """`read(leaf, *key)`, remembered for the leaf's segment."""
        return self.get((SegmentCache.key(leaf), key), lambda: read(leaf, *key))

    def keep_only(self, segments: set) -> None:
        self.drop(lambda key: key[0] not in segments)


def postings_weight(found) -> int:
    if found is None:
        return 64
    values = sum(len(v) for v in found.values) if found.values else 0
    return 64 + found.ids.nbytes + found.weights.nbytes + values


def stored_weight(fields: dict) -> int:
    return sys.getsizeof(fields) + sum(sys.getsizeof(v) for v in fields.values())


def stored_of(leaf, docnum: int) -> dict:
    """A document's stored fields as its segment reader gives them, the field names shared
    by all documents (each unpickled document has its own copies otherwise)."""
    return {sys.intern(name): value for name, value in leaf.stored_fields(docnum).items()}


# Terms' postings as read from each segment: after an edit, a query's terms are read from the
# new segment only. Postings are kept narrow (`narrowed`): 16 MiB hold what 32 MiB of 64-bit
# numbers did.
TERMS = SegmentReads(16 * 2**20, postings_weight)
# The stored fields of the documents shown as hits: after an edit, a page of hits is read again
# (zlib and pickle, per document) only where the new segment has them. A passage with its
# fields takes 3-4 KB (the seed corpus): some 2 000 are kept.
STORED_FIELDS = SegmentReads(8 * 2**20, stored_weight)


def segment_readers(reader) -> list[tuple]:
    """(segment reader, number of its first document) for each segment the reader sees; none
    for an index without segments (never built, or emptied), which Whoosh reads as one
    EmptyReader."""
    if isinstance(reader, EmptyReader):
        return []
    return [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())


class IndexArrays:
    """Posting lists, field lengths and deletions of one searcher's view of the index. Lengths
    are read when the searcher is opened, from `SEGMENTS` for segments read before."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = segment_readers(reader)
        self.offsets = [offset for _, offset in self.leaves]
        self.doc_count_all = reader.doc_count_all()
        self.live = np.ones(self.doc_count_all, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                deleted = np.fromiter(leaf.deleted_docs_set or (), dtype=np.int64)
                self.live[deleted + offset] = False
        self.has_deletions = not self.live.all()
        SEGMENTS.keep_only(self.leaves)
        self._lengths: dict[str, np.ndarray] = {}
        # Read now, with the searcher, rather than by the first query that scores the field.
        for name, field in searcher.schema.items():
            if field.scorable:
                self.lengths(name, EMPTY_IDS)

    def stored_fields(self, docnum: int) -> dict:
        """A document's stored fields, kept for its segment (`STORED_FIELDS`): shared, not to be
        changed."""
        leaf, offset = self.leaves[bisect_right(self.offsets, docnum) - 1]
        return STORED_FIELDS.read(leaf, (docnum - offset,), stored_of)

    def all_docs(self) -> np.ndarray:
        return np.flatnonzero(self.live).astype(np.int64)

    def postings(self, fieldname: str, btext: bytes, *, with_values=False) -> Postings:
        """Every live document holding the term, with the term's weight there."""
        ids, weights, values = [], [], []
        for leaf, offset in self.leaves:
            found = TERMS.read(leaf, (fieldname, btext, with_values), self._segment_term)
            if found is None:
                continue
            ids.append(np.add(found.ids, offset, dtype=np.int64))
            weights.append(found.weights)
            if with_values:
                values.extend(found.values)
        if not ids:
            return Postings(EMPTY_IDS, EMPTY_FLOATS, [] if with_values else None)
        found = Postings(
            np.concatenate(ids),
            np.concatenate(weights, dtype=np.float64),
            values if with_values else None,
        )
        if self.has_deletions:
            keep = self.live[found.ids]
            kept_values = None
            if with_values:
                kept_values = [v for v, k in zip(values, keep.tolist(), strict=True) if k]
            found = Postings(found.ids[keep], found.weights[keep], kept_values)
        return found

    def _segment_term(self, leaf, fieldname, btext, with_values) -> Postings | None:
        """A term's postings in one segment (its own numbers, deleted documents included);
        None if the segment lacks the term."""
        if not with_values:
            frequent = SEGMENTS.get(
                leaf,
                f"frequent:{fieldname}",
                lambda lf: segment_files.frequent_terms(lf, fieldname),
            )
            found = frequent.postings(btext) if frequent is not None else None
            if found is not None:
                return Postings(*found, None)
        if (fieldname, btext) not in leaf:
            return None
        ids, weights, values = [], [], []
        for block_ids, block_weights, block_values in self._blocks(
            leaf, fieldname, btext, with_values=with_values
        ):
            ids.append(block_ids)
            weights.append(block_weights)
            if with_values:
                values.extend(block_values)
        return narrowed(
            Postings(
                np.concatenate(ids) if ids else EMPTY_IDS,
                np.concatenate(weights) if weights else EMPTY_FLOATS,
                values if with_values else None,
            )
        )

    def _blocks(self, leaf, fieldname, btext, *, with_values=False):
        """(ids, weights, values) of each block of a term's postings in one segment."""
        fmt = leaf.schema[fieldname].format
        matcher = leaf._terms.matcher(fieldname, btext, fmt)
        if not isinstance(matcher, W3LeafMatcher):
            yield from self._slow_blocks(matcher, with_values)
            return
        while matcher.is_active():
            # A block is one pickled (ids, weights, values) tuple; ids are delta-coded unless
            # the matcher says otherwise, weights are None (all 1), one float or a tuple.
            matcher._read_data()
            raw_ids, raw_weights, values = matcher._data
            ids = np.asarray(raw_ids, dtype=np.int64)
            if not matcher._byteids:
                ids = np.cumsum(ids)
            if raw_weights is None:
                weights = np.ones(len(ids), dtype=np.float64)
            elif isinstance(raw_weights, float):
                weights = np.full(len(ids), raw_weights, dtype=np.float64)
            else:
                weights = np.asarray(raw_weights, dtype=np.float64)
            if with_values:
                matcher._read_values()
                values = matcher._values
            yield ids, weights, values if with_values else None
            matcher._next_block()

    @staticmethod
    def _slow_blocks(matcher, with_values):
        """The same, through the public matcher interface (for any other codec)."""
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
            matcher.next()
        yield (
            np.asarray(ids, dtype=np.int64),
            np.asarray(weights, dtype=np.float64),
            values if with_values else None,
        )

    def lengths(self, fieldname: str, ids: np.ndarray) -> np.ndarray:
        """The length in the field of each of the documents `ids`, as Whoosh's scorer reads it.
        Kept as Whoosh's length bytes, a byte a document (at a million passages a float for
        every document of every scored field would take 48 MiB of each worker)."""
        if fieldname not in self._lengths:
            what = f"lengths:{fieldname}"
            parts = [
                SEGMENTS.get(leaf, what, lambda lf: _leaf_lengths(lf, fieldname))
                for leaf, _ in self.leaves
            ]
            joined = np.concatenate(parts) if parts else EMPTY_BYTES
            # What each segment keeps becomes its part of the whole: held once, not twice.
            for (leaf, offset), part in zip(self.leaves, parts, strict=True):
                SEGMENTS.put(leaf, what, joined[offset : offset + len(part)])
            self._lengths[fieldname] = joined
        return LENGTH_OF_BYTE[self._lengths[fieldname][ids]]

    def segment_postings(self, leaf, fieldname: str, btext: bytes) -> np.ndarray:
        """A term's documents in one segment (its own numbers), deleted ones included."""
        ids = [block_ids for block_ids, _, _ in self._blocks(leaf, fieldname, btext)]
        return np.concatenate(ids) if ids else EMPTY_IDS


def narrowed(postings: Postings) -> Postings:
    """A segment's postings as `TERMS` keeps them: its document numbers as 32-bit integers, and
    the weights as 32-bit floats where each is one exactly (term counts are), so that they come
    back as the same 64-bit floats for scoring."""
    weights = postings.weights.astype(np.float32)
    if not np.array_equal(weights, postings.weights):
        weights = postings.weights
    return Postings(postings.ids.astype(np.int32), weights, postings.values)


def length_bytes(perdoc, fieldname: str, count: int) -> np.ndarray | None:
    """Each document's length byte for a field, from a segment's per-document reader (Whoosh's
    lengths column, read in one piece); None if the field keeps no lengths."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    try:
        raw = column._dbfile.get(column._basepos, column._count)
        data = np.frombuffer(bytes(raw), dtype=np.uint8)
    except AttributeError:
        data = np.fromiter((column[i] for i in range(count)), dtype=np.uint8, count=count)
    if len(data) < count:
        data = np.concatenate([data, np.zeros(count - len(data), dtype=np.uint8)])
    return data[:count]


def _leaf_lengths(leaf, fieldname) -> np.ndarray:
    count = leaf.doc_count_all()
    found = length_bytes(leaf._perdoc, fieldname, count)
    return np.zeros(count, dtype=np.uint8) if found is None else found
