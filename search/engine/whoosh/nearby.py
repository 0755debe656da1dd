"""The index words within a few edits of a word, as Whoosh finds them, compared in C (rapidfuzz).

Whoosh finds them in one of two ways, and a fuzzy query's words must be the same as its own:
- a reader of one segment walks the segment's word list with a Levenshtein automaton (a
  transposition is two edits);
- a reader of several segments compares every word with the same first letters using its
  Damerau-Levenshtein (optimal string alignment: a transposition is one edit), which gives up on
  a word once a row of its table is past the limit.
Both step through the words in Python: 20-40 ms for a fuzzy word on the seed corpus under a
stream of edits, where a C comparison of the same words takes one or two.

A segment's words never change, so what was found in it is kept with the segment (`SEGMENTS`):
after an edit only the edit's small segment is compared again.
"""

from collections import OrderedDict

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from whoosh.support.levenshtein import damerau_levenshtein

from search.engine.whoosh.postings import SEGMENTS, segment_readers

# How many words' close words each segment remembers.
KEPT = 1000


def fuzzy_words(reader, field: str, word: str, maxdist: int, prefix: int) -> list[str]:
    """The index words a fuzzy term of `word` stands for, in Whoosh's order (its
    FuzzyTerm._btexts on this reader): a few segments' matches united, in index order."""
    leaves = segment_readers(reader)
    if not leaves:
        return []
    if reader.is_atomic():
        return sorted(within_edits(reader, field, word, maxdist, prefix))
    found = set()
    for leaf, _ in leaves:
        found |= within_transposed(leaf, field, word, maxdist, prefix)
    # Index order is the order of the words' UTF-8 bytes, which is that of their code points.
    return sorted(found)


def within_edits(leaf, field: str, word: str, maxdist: int = 2, prefix: int = 1) -> frozenset:
    """The segment's words that share `word`'s first `prefix` letters and are within `maxdist`
    Levenshtein edits of it, as Whoosh's automaton finds them (its walk uses the field's
    spelling words; with a shared prefix, the distance of the rest is that of the whole)."""

    def compare(words):
        close = process.extract_iter(word, words, scorer=Levenshtein.distance, score_cutoff=maxdist)
        return frozenset(words[i] for _, _, i in close)

    if not word:
        return frozenset()
    spelling = leaf.schema[field].spelling_fieldname(field)
    return _kept(leaf, ("edits", spelling, word, maxdist, prefix), spelling, word[:prefix], compare)


def within_transposed(leaf, field: str, word: str, maxdist: int, prefix: int) -> frozenset:
    """The segment's words that share `word`'s first `prefix` letters and that Whoosh's own
    Damerau-Levenshtein puts within `maxdist` of it: compared in C first, then the few close
    ones once more with Whoosh's function itself, which gives up early on some of them."""

    def compare(words):
        close = process.extract_iter(word, words, scorer=OSA.distance, score_cutoff=maxdist)
        return frozenset(
            words[i]
            for _, _, i in close
            if damerau_levenshtein(words[i], word, limit=maxdist) <= maxdist
        )

    return _kept(leaf, ("transposed", field, word, maxdist, prefix), field, word[:prefix], compare)


def _kept(leaf, key: tuple, field: str, start: str, compare) -> frozenset:
    kept = SEGMENTS.get(leaf, "nearby", lambda _: OrderedDict())
    with SEGMENTS.lock:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    decode = leaf.schema[field].from_bytes
    found = compare([decode(b) for b in leaf.expand_prefix(field, start)])
    with SEGMENTS.lock:
        kept[key] = found
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return found
