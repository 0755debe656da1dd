"""Solr's analysis of the archive's fields, asked of a real SolrCloud (bin/with-solr), is the
Python one (archive.text) on every distinct word of the seed corpus, language by language: the
folded field as `fold`, each stemmed field as `index_forms` at indexing and `query_form` for a
query. A difference is listed word by word.

Lucene 9's Snowball English predates Snowball 3.0, which the Python stemmer follows; the schema's
English field makes up the difference ("international", "organization", "university", "added",
"paste", "evening" are among the seed corpus's words it would stem otherwise)."""

from collections import defaultdict
from functools import cache

import pytest

from archive.models import Passage
from archive.text import SNOWBALL_ALGORITHMS, fold, index_forms, query_form, split_words, words_at
from search.engine.solr import admin
from search.search_indexes import STEMMED_FIELDS

BATCH = 2000


@cache
def seed_words() -> dict[str, list[str]]:
    """Each language's distinct words in the seed corpus's published passages, as written."""
    words = defaultdict(set)
    for passage in Passage.objects.published():
        words[passage.language].update(split_words(passage.text))
    return {code: sorted(w) for code, w in words.items()}


@pytest.fixture
def corpus_words(db) -> dict[str, list[str]]:
    return seed_words()


def solr_terms(urls, collection, field, words, query=False) -> dict[str, set[str] | None]:
    """Each word's terms as Solr analyses `field`, the words sent a batch at a time; None for a
    word Solr does not cut where Python does."""
    found = {}
    for i in range(0, len(words), BATCH):
        batch = words[i : i + BATCH]
        text = " ".join(batch)
        starts = {start: word for start, _, word in words_at(text)}
        by_start = defaultdict(set)
        for token in admin.field_analysis(urls, collection, field, text, query=query):
            by_start[token["start"]].add(token["text"])
        for start, word in starts.items():
            found.setdefault(word, by_start.get(start))
        assert len(starts) == len(batch), "a word of the corpus is not one word to split_words"
    return found


def differences(
    python: dict[str, set[str]], solr: dict[str, set[str] | None], code=""
) -> list[str]:
    return [
        f"{word!r}: Python {sorted(terms)}, Solr {sorted(solr[word] or [])}"
        for word, terms in python.items()
        if solr[word] != terms
    ]


def test_seed_corpus_has_the_stemmed_languages(corpus_words):
    assert set(STEMMED_FIELDS) <= set(corpus_words)


def test_folded_field_is_fold_on_every_word(solr_urls, solr_collection, corpus_words):
    words = sorted({w for ws in corpus_words.values() for w in ws})
    python = {w: {fold(w)} for w in words}
    for field in ("text", "notes"):
        for query in (False, True):
            found = solr_terms(solr_urls, solr_collection, field, words, query=query)
            listed = differences(python, found)
            assert not listed, f"{field} ({'query' if query else 'index'}):\n" + "\n".join(listed)


@pytest.mark.parametrize("code", sorted(STEMMED_FIELDS))
def test_stemmed_field_indexes_both_stems_of_every_word(
    code, solr_urls, solr_collection, corpus_words
):
    algorithm = SNOWBALL_ALGORITHMS[code]
    words = corpus_words[code]
    python = {w: set(index_forms(algorithm, w)) for w in words}
    found = solr_terms(solr_urls, solr_collection, STEMMED_FIELDS[code], words)
    listed = differences(python, found)
    assert not listed, "\n".join(listed)


@pytest.mark.parametrize("code", sorted(STEMMED_FIELDS))
def test_stemmed_field_searches_the_query_form_of_every_word(
    code, solr_urls, solr_collection, corpus_words
):
    algorithm = SNOWBALL_ALGORITHMS[code]
    words = corpus_words[code]
    python = {w: {query_form(algorithm, w)} for w in words}
    found = solr_terms(solr_urls, solr_collection, STEMMED_FIELDS[code], words, query=True)
    listed = differences(python, found)
    assert not listed, "\n".join(listed)
