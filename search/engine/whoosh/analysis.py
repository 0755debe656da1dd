"""Whoosh analyzers for the index, built on the archive's text functions (folding, word
splitting, Snowball stems): one map from language code to analyzer, with a fallback. They
produce `archive.text.terms`, which is what the code above the engine seam uses."""

from whoosh.analysis import CompositeAnalyzer, Filter, RegexTokenizer

from archive.text import (
    SNOWBALL_ALGORITHMS,
    WORD_PATTERN,
    base_language,
    fold,
    index_forms,
    query_form,
)


class FoldingFilter(Filter):
    """Whoosh filter folding token text with `fold`, remembering the unfolded word for stemming."""

    def __call__(self, tokens):
        for t in tokens:
            t.unfolded = t.text
            t.text = fold(t.text)
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


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(WORD_PATTERN)


def folded_analyzer() -> CompositeAnalyzer:
    """Analyzer for the all-languages field: words lower-cased and folded, no stemming or stops."""
    return CompositeAnalyzer(_tokenizer(), FoldingFilter())


def stemming_analyzer(code: str) -> CompositeAnalyzer:
    """Analyzer for the stemmed field of language `code` (one of `SNOWBALL_ALGORITHMS`)."""
    return CompositeAnalyzer(
        _tokenizer(), FoldingFilter(), SnowballFilter(SNOWBALL_ALGORITHMS[code])
    )


def pairs_analyzer() -> CompositeAnalyzer:
    """Analyzer for the word-pair field: each two neighbouring folded words, as one term."""
    return CompositeAnalyzer(_tokenizer(), FoldingFilter(), PairFilter())


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
