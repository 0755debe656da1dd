"""A search plan becomes the Whoosh query of the same shape, boosts and scoring options included
(the evaluation and Whoosh's matchers score that shape; tests/search/test_evaluation.py)."""

from whoosh import query as wq

from search.engine.whoosh.compile import PairPhrase, compile_plan
from search.query import build_query, parse_query


def whoosh_query(text: str) -> wq.Query:
    return compile_plan(build_query(parse_query(text)).query)


def same(a: wq.Query, b: wq.Query) -> bool:
    # repr shows what __eq__ may leave out (constant scoring of prefixes and fuzzy words).
    return a == b and repr(a) == repr(b)


def test_prefixes_and_fuzzy_words_score_each_word_they_stand_for():
    assert same(whoosh_query("Sov*"), wq.Prefix("text", "sov", constantscore=False))
    assert same(
        whoosh_query("Ribentrop~ Mol~"),
        wq.And(
            [
                wq.FuzzyTerm("text", "ribentrop", maxdist=2, prefixlength=1, constantscore=False),
                wq.FuzzyTerm("text", "mol", maxdist=1, prefixlength=1, constantscore=False),
            ]
        ),
    )


def test_a_phrase_is_boosted_on_the_text_above_the_notes():
    expected = wq.Or(
        [
            PairPhrase("text", ["secret", "protocol"], boost=2.0),
            wq.Phrase("notes", ["secret", "protocol"], boost=0.4),
        ]
    )
    assert same(whoosh_query('"secret protocol"'), expected)


def test_a_phrase_of_the_text_is_its_word_pairs():
    phrase = PairPhrase("text", ["spheres", "of", "influence"], boost=2.0)
    expected = wq.And([wq.Term("pairs", "spheres of"), wq.Term("pairs", "of influence")], boost=2.0)
    assert same(phrase.pairs(), expected)
    assert same(
        PairPhrase("text", ["secret", "protocol"]).pairs(), wq.Term("pairs", "secret protocol")
    )


def test_exclusions_are_an_and_not_of_everything_excluded():
    expected = wq.AndNot(
        wq.Prefix("text", "sov", constantscore=False), wq.Or([wq.Term("notes", "typo")])
    )
    assert same(whoosh_query("Sov* -note:typo"), expected)
