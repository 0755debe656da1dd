"""The words of a segment within a few edits of a word, as Whoosh finds them, compared in C
(rapidfuzz).

Whoosh finds them in one of two ways, and a fuzzy query's words must be the same as its own:
- the reader of one segment walks the segment's word list with a Levenshtein automaton (a
  transposition is two edits);
- the reader of several segments compares every word with the same first letters using its
  Damerau-Levenshtein (optimal string alignment: a transposition is one edit), which gives up on
  a word once a row of its table is past the limit.
Both step through the words in Python: on the seed corpus in six segments, 7-16 ms for a fuzzy
word, where listing and comparing the same words in C takes 2.5-4.5 ms. The readers
(`reopening`) keep what was found with each segment.
"""

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from whoosh.support.levenshtein import damerau_levenshtein


def within_edits(leaf, field: str, word: str, maxdist: int, prefix: int) -> frozenset[str]:
    """The segment's words that share `word`'s first `prefix` letters and are within `maxdist`
    Levenshtein edits of it, as Whoosh's automaton finds them (its walk reads the field's
    spelling words; with a shared prefix, the distance of the rest is that of the whole)."""
    spelling = leaf.schema[field].spelling_fieldname(field)
    words = _words(leaf, spelling, word[:prefix])
    close = process.extract_iter(word, words, scorer=Levenshtein.distance, score_cutoff=maxdist)
    return frozenset(words[i] for _, _, i in close)


def within_transposed(leaf, field: str, word: str, maxdist: int, prefix: int) -> frozenset[str]:
    """The segment's words that share `word`'s first `prefix` letters and that Whoosh's own
    Damerau-Levenshtein puts within `maxdist` of it: compared in C first, then the few close
    ones once more with Whoosh's function itself, which gives up early on some of them."""
    words = _words(leaf, field, word[:prefix])
    close = process.extract_iter(word, words, scorer=OSA.distance, score_cutoff=maxdist)
    return frozenset(
        words[i]
        for _, _, i in close
        if damerau_levenshtein(words[i], word, limit=maxdist) <= maxdist
    )


def _words(leaf, field: str, start: str) -> list[str]:
    decode = leaf.schema[field].from_bytes
    return [decode(b) for b in leaf.expand_prefix(field, start)]
