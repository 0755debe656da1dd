"""Facet values of every passage, as arrays: counts over a set of hits and filter masks.

For each facet field, every (document, value) pair of the index is kept in two parallel arrays
sorted by value, read once per index generation. Counting a facet over the hits is then one
`bincount` over the pairs whose document is a hit, and a filter is a boolean mask of the
documents holding any of the chosen values.
"""

import numpy as np

from search.postings import IndexArrays

# Fields whose values are counted for facets and used as filters.
FACET_FIELDS = ("language", "document", "years", "concepts", "annotated", "note_tags")


class FieldValues:
    """One facet field: its values, and for each (document, value) pair the two numbers."""

    def __init__(self, values: list[str], docs: list[np.ndarray], size: int):
        self.values = values
        self.index = {value: i for i, value in enumerate(values)}
        sizes = np.array([len(d) for d in docs], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)])
        self.docs = np.concatenate(docs).astype(np.int32) if docs else np.empty(0, np.int32)
        self.value_of = np.repeat(np.arange(len(values), dtype=np.int32), sizes)
        # A field with one value per document (language, document) is counted from each
        # document's value number instead of from all (document, value) pairs.
        self.single = None
        if len(np.unique(self.docs)) == len(self.docs):
            self.single = np.full(size, -1, dtype=np.int32)
            self.single[self.docs] = self.value_of

    def docs_with(self, value: str) -> np.ndarray:
        i = self.index.get(value)
        if i is None:
            return self.docs[:0]
        return self.docs[self.starts[i] : self.starts[i + 1]]

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        if self.single is not None:
            held = self.single[mask]
            found = np.bincount(held[held >= 0], minlength=len(self.values))
        else:
            found = np.bincount(self.value_of[mask[self.docs]], minlength=len(self.values))
        return {self.values[i]: int(found[i]) for i in np.flatnonzero(found)}


class FacetArrays:
    """The facet fields of one index generation."""

    def __init__(self, searcher, arrays: IndexArrays):
        self.size = arrays.doc_count_all
        reader = searcher.reader()
        self.fields: dict[str, FieldValues] = {}
        for field in FACET_FIELDS:
            if field not in reader.schema:
                continue
            values, docs = [], []
            for btext in reader.lexicon(field):
                ids = arrays.postings(field, btext).ids
                if len(ids):
                    values.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
                    docs.append(ids)
            self.fields[field] = FieldValues(values, docs, self.size)

    def mask(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[ids] = True
        return mask

    def allowed(self, field: str, values) -> np.ndarray:
        """Documents holding any of `values` in `field` (none if the field is unknown)."""
        mask = np.zeros(self.size, dtype=bool)
        known = self.fields.get(field)
        if known is not None:
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
