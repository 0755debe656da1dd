"""Evaluating a Whoosh query over whole posting lists at once: every matching passage and its
score, as arrays.

The query objects are Whoosh's own (built by `search.query`) and the scores are Whoosh's BM25F,
combined as its matchers combine them (sums over OR and AND, boosts as factors, phrases scored
as the sum of their words), so results and their order are those Whoosh would give; only the
work is done per posting list rather than per document. A query of a kind not handled here
raises `Unsupported`, and the caller runs it through Whoosh's matchers instead.
"""

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from search.engine.whoosh.compile import PairPhrase, has_pairs
from search.engine.whoosh.postings import EMPTY_FLOATS, EMPTY_IDS, IndexArrays
from search.recent import Recent


class Unsupported(Exception):
    """A query this evaluator does not handle (Whoosh's matchers do)."""


@dataclass
class Scored:
    """Matching documents (sorted global numbers) and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self):
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.scores.nbytes

    def boosted(self, boost: float) -> "Scored":
        return self if boost == 1.0 else Scored(self.ids, self.scores * boost)


NOTHING = Scored(EMPTY_IDS, EMPTY_FLOATS)


def nbytes(scored: Scored) -> int:
    """What kept matches and scores weigh (`search.recent.Recent`)."""
    return scored.nbytes


# A term's matches and scores are kept for the generation, up to this many bytes in all: the
# queries readers ask share words (a name alone, with another, under a filter, excluded), and
# each word is looked for in five fields of every segment.
TERMS_SCORED_BYTES = 16 * 2**20


def union(a: Scored, b: Scored, size: int) -> Scored:
    """Documents in either, scores added where both match (Whoosh's UnionMatcher). Dense
    arrays over all document numbers: cheaper than merging sorted lists at this size."""
    if not len(a):
        return b
    if not len(b):
        return a
    present = np.zeros(size, dtype=bool)
    present[a.ids] = True
    present[b.ids] = True
    scores = np.zeros(size, dtype=np.float64)
    scores[a.ids] = a.scores
    scores[b.ids] += b.scores
    ids = np.flatnonzero(present)
    return Scored(ids, scores[ids])


def intersection(a: Scored, b: Scored, size: int) -> Scored:
    """Documents in both, scores added (Whoosh's IntersectionMatcher)."""
    if len(b) < len(a):
        a, b = b, a
    scores_b = np.full(size, np.nan, dtype=np.float64)
    scores_b[b.ids] = b.scores
    found = scores_b[a.ids]
    keep = ~np.isnan(found)
    return Scored(a.ids[keep], a.scores[keep] + found[keep])


def members(ids: np.ndarray, of: np.ndarray, size: int) -> np.ndarray:
    """For each of `ids`, whether it is among `of`."""
    mask = np.zeros(size, dtype=bool)
    mask[of] = True
    return mask[ids]


def binary_tree(combine, parts: list[Scored], size: int) -> Scored:
    """Combine as Whoosh's make_binary_tree pairs matchers, so sums are added in its order."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return combine(
        binary_tree(combine, parts[:half], size), binary_tree(combine, parts[half:], size), size
    )


class Evaluator:
    """Evaluates queries against one searcher (one index generation)."""

    def __init__(self, searcher, arrays: IndexArrays | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.arrays = arrays or IndexArrays(searcher)
        self.size = self.arrays.doc_count_all
        self._expanded: dict[tuple, list] = {}
        self._terms = Recent(budget=TERMS_SCORED_BYTES, weight=nbytes)

    def evaluate(self, q: wq.Query) -> Scored:
        # Exact types: a subclass may match differently (Whoosh's own path takes it).
        if type(q) is wq.Term:
            return self.term(q.fieldname, q.text).boosted(q.boost)
        if type(q) is wq.Phrase:
            return self.phrase(q)
        if isinstance(q, PairPhrase):
            return self.evaluate(q.pairs()) if has_pairs(self.searcher) else self.phrase(q)
        if type(q) in (wq.And, wq.Or):
            return self.compound(q)
        if type(q) is wq.AndNot:
            found = self.evaluate(q.a)
            excluded = self.evaluate(q.b)
            keep = ~members(found.ids, excluded.ids, self.size)
            return Scored(found.ids[keep], found.scores[keep])
        if isinstance(q, wq.AndMaybe):
            return self.maybe(self.evaluate(q.a), self.evaluate(q.b))
        if type(q) in (wq.Prefix, wq.FuzzyTerm):
            return self.multiterm(q)
        if type(q) is wq.Every and q.fieldname in (None, "", "*"):
            ids = self.arrays.all_docs()
            return Scored(ids, np.full(len(ids), float(q.boost)))
        if q is wq.NullQuery:
            return NOTHING
        raise Unsupported(type(q).__name__)

    def maybe(self, found: Scored, optional: Scored) -> Scored:
        """`found`, with the scores of `optional` added where it matches too (Whoosh's
        AndMaybeMatcher)."""
        if not len(found) or not len(optional):
            return found
        extra = np.zeros(self.size, dtype=np.float64)
        extra[optional.ids] = optional.scores
        return Scored(found.ids, found.scores + extra[found.ids])

    def compound(self, q) -> Scored:
        subs = q.subqueries
        if not subs:
            return NOTHING
        if len(subs) == 1:
            # Whoosh passes a lone subquery's matcher through, without the compound's boost.
            return self.evaluate(subs[0])
        parts = [self.evaluate(s) for s in subs]
        if isinstance(q, wq.And):
            if any(not len(p) for p in parts):
                return NOTHING
            parts.sort(key=len)
            found = parts[0]
            for part in parts[1:]:
                found = intersection(found, part, self.size)
        else:
            found = binary_tree(union, parts, self.size)
        return found.boosted(q.boost)

    def multiterm(self, q) -> Scored:
        """Prefix and fuzzy terms: an OR of the index words they expand to (Whoosh's
        MultiTerm.matcher, where a single expansion is scored as a plain term)."""
        words = self.expansions(q)
        if not words:
            return NOTHING
        if len(words) == 1:
            return self.term(q.field(), words[0])
        return self.compound(wq.Or([wq.Term(q.field(), w) for w in words], boost=q.boost))

    def expansions(self, q) -> list:
        """The index words a prefix or fuzzy term stands for, worked out once per index
        generation (highlighting asks again for the same query)."""
        key = (
            type(q).__name__,
            q.field(),
            q.text,
            getattr(q, "maxdist", 0),
            getattr(q, "prefixlength", 0),
        )
        if key not in self._expanded:
            if len(self._expanded) > 1_000:
                self._expanded.clear()
            self._expanded[key] = [w for w in q._btexts(self.reader) if w]
        return self._expanded[key]

    def _term_postings(self, fieldname, text, *, with_values=False):
        if fieldname not in self.schema:
            return None, None
        try:
            btext = self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None, None
        if (fieldname, btext) not in self.reader:
            return None, None
        return btext, self.arrays.postings(fieldname, btext, with_values=with_values)

    def term(self, fieldname: str, text) -> Scored:
        """The term's matches and scores (shared: not to be changed)."""
        return self._terms.get((fieldname, text), lambda: self._term_scored(fieldname, text))

    def _term_scored(self, fieldname: str, text) -> Scored:
        btext, postings = self._term_postings(fieldname, text)
        if postings is None or not len(postings.ids):
            return NOTHING
        return Scored(postings.ids, self.score(fieldname, btext, postings))

    def score(self, fieldname, btext, postings) -> np.ndarray:
        searcher, weighting = self.searcher, self.searcher.weighting
        if not searcher.schema[fieldname].scorable:
            return postings.weights.copy()  # Whoosh's WeightScorer
        if type(weighting) is not BM25F:
            raise Unsupported(type(weighting).__name__)
        # BM25FScorer's statistics, without the rest of its set-up: a look-up of the term in
        # every segment for its best score, which Whoosh's matchers use and this does not.
        idf = searcher.idf(fieldname, btext)
        avgfl = searcher.avg_field_length(fieldname) or 1
        B, K1 = weighting._field_B.get(fieldname, weighting.B), weighting.K1
        tf = postings.weights
        fl = self.arrays.lengths(fieldname, postings.ids)
        # Whoosh's bm25(), operation for operation, so the floats come out the same.
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def phrase(self, q: wq.Phrase) -> Scored:
        """Documents where the words stand next to each other, in order; scored as the sum of
        the words' scores (Whoosh's SpanNear2 over an intersection of the terms)."""
        if q.slop != 1 or not q.words:
            raise Unsupported("phrase with slop")
        fieldname = q.fieldname
        if fieldname not in self.schema or not self.schema[fieldname].format.supports("positions"):
            return NOTHING
        fmt = self.schema[fieldname].format
        terms = []
        for word in q.words:
            btext, postings = self._term_postings(fieldname, word, with_values=True)
            if postings is None:
                return NOTHING
            terms.append((postings, Scored(postings.ids, self.score(fieldname, btext, postings))))
        # Summed in Whoosh's order (a binary tree of intersections).
        candidates = binary_tree(intersection, [scored for _, scored in terms], self.size)
        if not len(candidates):
            return NOTHING
        # Positions are decoded only for the candidates, rarest word first, dropping documents
        # as soon as a word is missing at the next position.
        order = sorted(range(len(terms)), key=lambda i: len(terms[i][1]))
        alive = candidates.ids
        starts: dict[int, set[int]] | None = None
        for i in order:
            found = terms[i][0].positions(alive, fmt)
            shifted = {
                doc: {p - i for p in poses}
                for doc, poses in zip(alive.tolist(), found, strict=True)
            }
            if starts is None:
                starts = shifted
            else:
                starts = {
                    doc: common for doc, s in starts.items() if (common := s & shifted.get(doc, ()))
                }
            alive = np.fromiter(sorted(starts), dtype=np.int64, count=len(starts))
            if not len(alive):
                return NOTHING
        keep = members(candidates.ids, alive, self.size)
        return Scored(candidates.ids[keep], candidates.scores[keep]).boosted(q.boost)
