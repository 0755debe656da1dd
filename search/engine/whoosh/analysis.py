"""Whoosh analyzers for the index, built on the archive's text functions (folding, word
splitting, Snowball stems): one map from language code to analyzer, with a fallback. They
produce `archive.text.terms`, which is what the code above the engine seam uses."""

import threading
from functools import partial
from itertools import chain

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from archive.text import (
    SNOWBALL_ALGORITHMS,
    base_language,
    fold_word,
    index_forms,
    query_form,
    split_words,
    words_at,
)


class FoldingFilter(Filter):
    """Whoosh filter folding token text with `fold`, remembering the unfolded word for stemming
    (the analyzers of indexes built before `FoldedWordsTokenizer` name it)."""

    def __call__(self, tokens):
        for t in tokens:
            t.unfolded = t.text
            t.text = fold_word(t.text)
            yield t


class SnowballFilter(Filter):
    """Whoosh filter stemming tokens with a Snowball algorithm into folded stems.

    At index time both stems of `index_forms` are emitted at the token's position; at query time
    the single `query_form`, so queries typed with or without diacritics meet one of them.
    """

    is_morph = True

    def __init__(self, algorithm: str):
        self.algorithm = algorithm

    def __call__(self, tokens):
        algorithm = self.algorithm
        for t in tokens:
            word = getattr(t, "unfolded", t.text)
            # Anything but a query (Whoosh indexes with mode "index", callers may pass "")
            # gets every form: an extra term costs less than a missed match.
            if t.mode == "query":
                t.text = query_form(algorithm, word)
                yield t
            else:
                for form in index_forms(algorithm, word):
                    t.text = form
                    yield t


class PairFilter(Filter):
    """Whoosh filter turning folded words into the pairs of neighbours they form ("secret
    protocol"): the word-pair field, where a phrase is a few term lookups, not positions."""

    def __call__(self, tokens):
        previous = None
        for t in tokens:
            word = t.text
            if previous is not None:
                t.text = pair_term(previous, word)
                yield t
            previous = word


def pair_term(first: str, second: str) -> str:
    """The word-pair field's term for two folded words standing together."""
    return f"{first} {second}"


class FoldedWordsTokenizer(Tokenizer):
    """Whoosh tokenizer of the words of a text (`archive.text.WORD_PATTERN`), folded, each
    remembering its unfolded form for stemming: what the regular-expression tokenizer and
    `FoldingFilter` give. The words of the last text each thread read are kept, since a
    passage's text is analysed for three fields in a row (folded, word pairs, stemmed)."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.unfolded = value
            t.text = fold_word(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (word, folded, start, end) in enumerate(words_of(value)):
            t.text, t.unfolded, t.boost, t.stopped = folded, word, 1.0, False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


_last = threading.local()


def words_of(text: str) -> list[tuple[str, str, int, int]]:
    """(word as written, folded, start, end) of each word of the text; the last text's kept
    (an empty one, such as a passage's stemmed fields of other languages, leaves it)."""
    if not text:
        return []
    if getattr(_last, "text", None) != text:
        _last.words = [(word, fold_word(word), start, end) for start, end, word in words_at(text)]
        _last.text = text
    return _last.words


def index_terms_of(analyzer):
    """For an analyzer made here, a function giving the terms it gives a text at indexing, in
    the order of its tokens, without Whoosh's token objects (a build indexes millions of words);
    None for any other analyzer."""
    items = getattr(analyzer, "items", ())
    if not items or type(items[0]) is not FoldedWordsTokenizer:
        return None
    if len(items) == 1:
        return folded_words
    if len(items) == 2 and type(items[1]) is PairFilter:
        return word_pairs
    if len(items) == 2 and type(items[1]) is SnowballFilter:
        return partial(stemmed_words, items[1].algorithm)
    return None


def positions_in_order(analyzer) -> bool:
    """Whether the analyzer's tokens stand at positions 0, 1, 2, … in the order its
    `index_terms_of` gives them (the word split alone: filters move or share positions)."""
    items = getattr(analyzer, "items", ())
    return len(items) == 1 and type(items[0]) is FoldedWordsTokenizer


def split_and_folded(text: str) -> tuple[list[str], list[str]]:
    """A text's words as written and folded, as `FoldedWordsTokenizer` cuts them, without
    their offsets; the last text's kept, like `words_of`."""
    if not text:
        return [], []
    if getattr(_last, "split_text", None) != text:
        words = split_words(text)
        _last.split = words, list(map(fold_word, words))
        _last.split_text = text
    return _last.split


def folded_words(text: str) -> list[str]:
    """The folded words of a text, as `FoldedWordsTokenizer` gives them."""
    return split_and_folded(text)[1]


def word_pairs(text: str) -> list[str]:
    """The word-pair terms of a text, as `PairFilter` gives them."""
    folded = split_and_folded(text)[1]
    return list(map(pair_term, folded, folded[1:]))


def stemmed_words(algorithm: str, text: str) -> list[str]:
    """The index forms of a text's words, as `SnowballFilter` gives them at indexing."""
    forms = partial(index_forms, algorithm)
    return list(chain.from_iterable(map(forms, split_and_folded(text)[0])))


def folded_analyzer() -> CompositeAnalyzer:
    """Analyzer for the all-languages field: words lower-cased and folded, no stemming or stops."""
    return CompositeAnalyzer(FoldedWordsTokenizer())


def stemming_analyzer(code: str) -> CompositeAnalyzer:
    """Analyzer for the stemmed field of language `code` (one of `SNOWBALL_ALGORITHMS`)."""
    return CompositeAnalyzer(FoldedWordsTokenizer(), SnowballFilter(SNOWBALL_ALGORITHMS[code]))


def pairs_analyzer() -> CompositeAnalyzer:
    """Analyzer for the word-pair field: each two neighbouring folded words, as one term."""
    return CompositeAnalyzer(FoldedWordsTokenizer(), PairFilter())


FOLDED_ANALYZER = folded_analyzer()
PAIRS_ANALYZER = pairs_analyzer()
LANGUAGE_ANALYZERS: dict[str, CompositeAnalyzer] = {
    code: stemming_analyzer(code) for code in SNOWBALL_ALGORITHMS
}


def analyzer_for(code: str) -> CompositeAnalyzer:
    """Analyzer for language `code` ("ro", "hr-HR"); the folded analyzer if we do not stem it."""
    return LANGUAGE_ANALYZERS.get(base_language(code), FOLDED_ANALYZER)


def analyze(text: str, code: str, mode: str = "query") -> list[str]:
    """Terms of `text` as the analyzer for `code` produces them in `mode` ("query" or "index")."""
    return [t.text for t in analyzer_for(code)(text, mode=mode)]
