"""Facet values of every passage, as arrays: counts over a set of hits and filter masks.

Each segment's (document, value) pairs are kept as its files hold them (`segment_files`):
documents grouped by value, one run per value, memory-mapped rather than copied. Only where
each run starts is kept beside them, not the value of every pair: counting a facet over the hits
adds up the hits in each run, and a filter marks the documents of its values' runs. At a million
passages the pairs are some 14 million; a copy of them in every worker took 100 MiB. In a large
segment, a value held by many of its documents is counted over a bitmap of them instead
(`SplitRuns`), which is cheaper than looking up each of its documents.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np
from whoosh.index import open_dir

from search import plan
from search.engine.whoosh import segment_files
from search.engine.whoosh.postings import SEGMENTS, IndexArrays
from search.facets import INDEX_FIELDS


@dataclass
class SegmentRuns:
    """A facet field in one segment: the values it holds, and for each the run of the
    segment's documents (its own numbers, deleted ones included) that hold it."""

    values: list[str]
    docs: np.ndarray
    starts: np.ndarray

    @classmethod
    def of_pairs(cls, pairs: tuple[list, np.ndarray, np.ndarray]) -> "SegmentRuns":
        """From the (values, documents, value numbers) pairs a segment's postings or files
        give; values held by no document are left out. The value numbers are not kept."""
        values, docs, value_of = pairs
        if not len(value_of):
            return cls([], docs, np.empty(0, dtype=np.int64))
        steps = np.diff(value_of)
        if (steps < 0).any():
            # Pairs are written grouped by value; any other order is grouped here.
            order = np.argsort(value_of, kind="stable")
            docs, value_of = docs[order], value_of[order]
            steps = np.diff(value_of)
        starts = np.concatenate([[0], np.flatnonzero(steps) + 1])
        return cls([values[i] for i in value_of[starts].tolist()], docs, starts)

    def run(self, i: int) -> np.ndarray:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.docs)
        return self.docs[self.starts[i] : end]

    def split(self, size: int) -> "SplitRuns":
        """The runs as a part of `size` documents counts them (`SplitRuns`), worked out the
        first time: a segment's runs are kept with it."""
        found = self.__dict__.get("_split")
        if found is None or found.size != size:
            found = self.__dict__["_split"] = SplitRuns.of(self, size)
        return found


# A value held by at least one in this many of a part's documents is counted over a bitmap of
# them (a bit a document) rather than by looking each of them up in the hits: at a million
# passages, counting the concepts looked up 9.8 million documents for every search, most of
# them of a few concepts tagged on a tenth of the passages or more. A bitmap takes no more
# memory than the run of 32-bit document numbers it stands for.
DENSE_SHARE = 32
# Parts smaller than this are counted by look-ups alone: small segments counted together are
# joined anew for each generation, and their bitmaps would be too.
BITMAPS_FROM = 16_384


@dataclass
class SplitRuns:
    """A part's runs as counted: the dense ones (`DENSE_SHARE`) as bitmaps of its documents (a
    bit a document, packed by `np.packbits` into 64-bit words, as `as_words` packs the hits),
    the others as runs of documents (copied together, only when some runs are dense)."""

    size: int
    dense: np.ndarray  # which runs are dense
    bits: np.ndarray  # (dense runs, words) of uint64
    sparse: np.ndarray  # which are not
    docs: np.ndarray  # their documents, run after run
    starts: np.ndarray  # where each of their runs starts in `docs`

    @classmethod
    def of(cls, runs: SegmentRuns, size: int) -> "SplitRuns":
        lengths = np.diff(np.append(runs.starts, len(runs.docs)))
        is_dense = lengths * DENSE_SHARE >= size
        dense, sparse = np.flatnonzero(is_dense), np.flatnonzero(~is_dense)
        bits = np.zeros((len(dense), words_for(size)), dtype=np.uint64)
        marked = np.zeros(len(bits[0]) * 64 if len(bits) else 0, dtype=bool)
        for row, i in enumerate(dense.tolist()):
            marked[:] = False
            marked[runs.run(i)] = True
            bits[row] = np.packbits(marked, bitorder="little").view(np.uint64)
        if not len(dense):
            return cls(size, dense, bits, sparse, runs.docs, runs.starts)
        parts = [runs.run(i) for i in sparse.tolist()]
        docs = np.concatenate(parts) if parts else runs.docs[:0]
        starts = np.cumsum([0] + [len(part) for part in parts[:-1]]).astype(np.int64)
        return cls(size, dense, bits, sparse, docs, starts)


def words_for(size: int) -> int:
    return -(-size // 64)


def as_words(mask: np.ndarray) -> np.ndarray:
    """A boolean mask as a bitmap in 64-bit words, as `SplitRuns` holds them."""
    packed = np.packbits(mask, bitorder="little")
    padded = np.zeros(words_for(len(mask)) * 8, dtype=np.uint8)
    padded[: len(packed)] = packed
    return padded.view(np.uint64)


# Segments smaller than this are counted together, as one part: under a stream of edits the
# index holds several segments of a few passages, and each part costs every search a few
# array operations per facet field.
SMALL_SEGMENT = 4096


class FieldValues:
    """One facet field of a generation: its values, and the runs of its parts (a large segment,
    or neighbouring small ones taken together) with the number of the value each run is of."""

    def __init__(self, values: list[str], parts: list[tuple[SegmentRuns, int, int]]):
        self.values = values
        self.index = {value: i for i, value in enumerate(values)}
        # (runs, first document, documents, each run's value number) of each part; a part of
        # several segments may hold several runs of a value.
        self.parts = [
            (runs, offset, size, np.array([self.index[v] for v in runs.values], dtype=np.int64))
            for runs, offset, size in joined(parts)
        ]
        # Bitmaps are made with the generation, not by its first search (once per segment).
        for runs, _, size, _ in self.parts:
            if size >= BITMAPS_FROM:
                runs.split(size)

    def mark(self, mask: np.ndarray, value: str) -> None:
        """Set the documents holding `value` in `mask`."""
        number = self.index.get(value)
        if number is None:
            return
        for runs, offset, size, numbers in self.parts:
            within = mask[offset : offset + size]
            for at in np.flatnonzero(numbers == number).tolist():
                within[runs.run(at)] = True

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        found = np.zeros(len(self.values), dtype=np.int64)

        def add(numbers, in_runs):
            found[:] += np.bincount(numbers, weights=in_runs, minlength=len(found)).astype(np.int64)

        for runs, offset, size, numbers in self.parts:
            if not len(numbers):
                continue
            within = mask[offset : offset + size]
            split = runs.split(size) if size >= BITMAPS_FROM else None
            if split is None or not len(split.dense):
                # Every document of every run looked up in the hits.
                add(numbers, np.add.reduceat(within[runs.docs], runs.starts, dtype=np.int64))
                continue
            hits = as_words(within)
            add(numbers[split.dense], np.bitwise_count(split.bits & hits).sum(axis=1))
            if len(split.sparse):
                in_runs = np.add.reduceat(within[split.docs], split.starts, dtype=np.int64)
                add(numbers[split.sparse], in_runs)
        held = np.flatnonzero(found)
        values = self.values
        return {values[i]: n for i, n in zip(held.tolist(), found[held].tolist(), strict=True)}


def joined(parts: list[tuple[SegmentRuns, int, int]]) -> list[tuple[SegmentRuns, int, int]]:
    """The parts with each stretch of neighbouring small segments as one part (documents
    numbered from its first segment's first)."""
    out: list[tuple[SegmentRuns, int, int]] = []
    stretch: list[tuple[SegmentRuns, int, int]] = []

    def close_stretch():
        if len(stretch) == 1:
            out.append(stretch[0])
        elif stretch:
            first = stretch[0][1]
            docs = [runs.docs.astype(np.int64) + (offset - first) for runs, offset, _ in stretch]
            lengths = np.cumsum([0] + [len(runs.docs) for runs, _, _ in stretch[:-1]])
            starts = [runs.starts + at for (runs, _, _), at in zip(stretch, lengths, strict=True)]
            values = [value for runs, _, _ in stretch for value in runs.values]
            size = stretch[-1][1] + stretch[-1][2] - first
            together = SegmentRuns(values, np.concatenate(docs), np.concatenate(starts))
            out.append((together, first, size))
        stretch.clear()

    for part in parts:
        if part[2] < SMALL_SEGMENT:
            stretch.append(part)
        else:
            close_stretch()
            out.append(part)
    close_stretch()
    return out


def segment_values(arrays: IndexArrays, field: str, leaf) -> tuple[list, np.ndarray, np.ndarray]:
    """A facet field in one segment: its values, and the (document, value number) pairs
    (the segment's own document numbers, deleted ones included)."""
    values, docs = [], []
    for btext in leaf.lexicon(field):
        values.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
        docs.append(arrays.segment_postings(leaf, field, btext).astype(np.int32))
    sizes = [len(d) for d in docs]
    value_of = np.repeat(np.arange(len(values), dtype=np.int32), sizes)
    return values, (np.concatenate(docs) if docs else np.empty(0, np.int32)), value_of


class FacetArrays:
    """The facet fields of one index generation, put together from each segment's."""

    def __init__(self, searcher, arrays: IndexArrays):
        self.size = arrays.doc_count_all
        # Runs hold deleted documents too: a filter's mask leaves them out.
        self.live = arrays.live if arrays.has_deletions else None
        self.fields: dict[str, FieldValues] = {}
        for field in INDEX_FIELDS:
            if field not in searcher.schema:
                continue
            read = partial(segment_values, arrays, field)
            parts = [
                (
                    SEGMENTS.get(leaf, f"facet:{field}", read, kept=SegmentRuns.of_pairs),
                    offset,
                    leaf.doc_count_all(),
                )
                for leaf, offset in arrays.leaves
            ]
            values = sorted(set().union(*(runs.values for runs, _, _ in parts)))
            self.fields[field] = FieldValues(values, parts)

    def mask(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[ids] = True
        return mask

    def allowed(self, field: str, values) -> np.ndarray:
        """Documents holding any of `values` in `field`, or for a `plan.Range` any value in it
        (none if the field is unknown)."""
        mask = np.zeros(self.size, dtype=bool)
        known = self.fields.get(field)
        if known is not None:
            if isinstance(values, plan.Range):
                values = [value for value in known.values if value in values]
            for value in values:
                known.mark(mask, value)
            if self.live is not None:
                mask &= self.live
        return mask

    @staticmethod
    def combined(allowed: dict[str, np.ndarray], leave_out: str | None = None):
        """Documents every filter (but `leave_out`'s) allows; None if nothing filters."""
        masks = [m for field, m in allowed.items() if field != leave_out]
        if not masks:
            return None
        return np.logical_and.reduce(masks) if len(masks) > 1 else masks[0]

    def counts(self, matching: np.ndarray, allowed: dict, facets) -> dict[str, dict[str, int]]:
        """Per facet field, value → matching documents holding it, under every filter but the
        field's own (so a reader sees what choosing another value would give)."""
        if not facets:
            return {}
        hits = self.mask(matching)
        counts = {}
        for field in facets:
            values = self.fields.get(field)
            if values is None:
                counts[field] = {}
                continue
            others = self.combined(allowed, leave_out=field)
            counts[field] = values.counts(hits if others is None else hits & others)
        return counts


def keep_segment_files(folder) -> None:
    """Read a new index's facet arrays once, which keeps them beside its segments
    (`segment_files`): no web worker then reads them from the postings."""
    index = open_dir(str(folder))
    if not any(segment_files.worth_keeping(s.doc_count_all()) for s in index._segments()):
        return
    with index.searcher() as searcher:
        FacetArrays(searcher, IndexArrays(searcher))
    # This process's next searcher is of the swapped-in folder; it reads the files too.
    SEGMENTS.keep_only([])
