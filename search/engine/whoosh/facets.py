"""Facet values of every passage, as arrays: counts over a set of hits and filter masks.

For each facet field, every (document, value) pair of the index is kept in two parallel arrays,
put together per index generation from each segment's (read once per segment). Counting a facet
over the hits is then one `bincount` over the pairs whose document is a hit, and a filter is a
boolean mask of the documents holding any of the chosen values.
"""

from functools import partial

import numpy as np
from whoosh.index import open_dir

from search import plan
from search.engine.whoosh import segment_files
from search.engine.whoosh.postings import SEGMENTS, IndexArrays
from search.facets import INDEX_FIELDS


class FieldValues:
    """One facet field: its values, and every (document, value number) pair as two arrays."""

    def __init__(self, values: list[str], docs: np.ndarray, value_of: np.ndarray, size: int):
        self.values = values
        self.index = {value: i for i, value in enumerate(values)}
        self.docs = docs
        self.value_of = value_of
        # A field with one value per document (language, document) is counted from each
        # document's value number instead of from all (document, value) pairs.
        self.single = None
        if not len(docs) or np.bincount(docs, minlength=size).max() <= 1:
            self.single = np.full(size, -1, dtype=np.int32)
            self.single[docs] = value_of

    def docs_with(self, value: str) -> np.ndarray:
        i = self.index.get(value)
        if i is None:
            return self.docs[:0]
        return self.docs[self.value_of == i]

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        if self.single is not None:
            held = self.single[mask]
            found = np.bincount(held[held >= 0], minlength=len(self.values))
        else:
            found = np.bincount(self.value_of[mask[self.docs]], minlength=len(self.values))
        return {self.values[i]: int(found[i]) for i in np.flatnonzero(found)}


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
        self.fields: dict[str, FieldValues] = {}
        for field in INDEX_FIELDS:
            if field not in searcher.schema:
                continue
            parts = [
                (
                    SEGMENTS.get(leaf, f"facet:{field}", partial(segment_values, arrays, field)),
                    offset,
                )
                for leaf, offset in arrays.leaves
            ]
            values = sorted(set().union(*(seg_values for (seg_values, _, _), _ in parts)))
            number = {value: i for i, value in enumerate(values)}
            # Filled in place: at a million passages the concept pairs alone are tens of MB,
            # and a list of parts to concatenate would hold them twice.
            total = sum(len(seg_docs) for (_, seg_docs, _), _ in parts)
            docs_all = np.empty(total, dtype=np.int32)
            value_of_all = np.empty(total, dtype=np.int32)
            at = 0
            for (seg_values, seg_docs, seg_value_of), offset in parts:
                end = at + len(seg_docs)
                np.add(seg_docs, np.int32(offset), out=docs_all[at:end])
                if len(seg_values):
                    renumber = np.array([number[v] for v in seg_values], dtype=np.int32)
                    np.take(renumber, seg_value_of, out=value_of_all[at:end])
                at = end
            if arrays.has_deletions:
                live = arrays.live[docs_all]
                docs_all, value_of_all = docs_all[live], value_of_all[live]
            self.fields[field] = FieldValues(values, docs_all, value_of_all, self.size)

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
                mask[known.docs_with(value)] = True
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
