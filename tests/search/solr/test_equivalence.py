"""Solr finds what Whoosh finds: for the benchmark's queries on the seed corpus, with thesaurus
expansion and without, under several filters (year ranges too), the same passages and facet
counts, and mostly the same first ten (scores differ: Lucene's BM25 is not Whoosh's BM25F, and
Solr's idf is per shard)."""

import pytest
from django.conf import settings
from haystack import connections

from archive.concepts.tagging import current_thesaurus
from bench.queries import QUERIES
from search import plan
from search.engine import engine
from search.indexing import passage_index, prepared_batches
from search.query import build_query, parse_query
from tests.conftest import SLUGS

pytestmark = [pytest.mark.solr, pytest.mark.django_db]

MORE = [
    "Molotov Ribbentrop -Hitler",
    '"of the"',
    '"sovjetski savez" OR Moskva',
    "note:Litvinov",
    "Litvinov~",
    "Sov*",
    "1939",
    '"Ribbentrop Molotov"',
    "Balkans OR Balkins OR Balkan",
]
FILTERS = [
    {},
    {"language": ["ro"]},
    {"language": ["en", "hr"], "years": ["1939"]},
    {"document": [SLUGS["002"]]},
    {"years": plan.Range(1938, 1940)},
    {"years": plan.Range(None, 1925), "language": ["hr"]},
]
# Of the first ten hits of every search, the share both engines list (over all searches).
FIRST_TEN_OVERLAP = 0.9


@pytest.fixture(scope="module")
def whoosh(tmp_path_factory, django_db_setup, django_db_blocker):
    """A Whoosh index of the same passages, beside the Solr collection searches use."""
    settings.HAYSTACK_CONNECTIONS["whoosh"] = {
        "ENGINE": "search.engine.whoosh.backend.ArchiveWhooshEngine",
        "PATH": str(tmp_path_factory.mktemp("reference") / "index"),
    }
    connections.reload("whoosh")
    backend = connections["whoosh"].get_backend()
    with django_db_blocker.unblock():
        ids = list(passage_index().index_queryset().values_list("pk", flat=True))
        backend.rebuild(prepared_batches(ids, 1000), total=len(ids), processes=1)
    yield backend
    del settings.HAYSTACK_CONNECTIONS["whoosh"]


def searches():
    thesaurus = current_thesaurus()
    texts = [(spec.q, spec.index_filters) for spec in QUERIES] + [(q, {}) for q in MORE]
    for text, filters in texts:
        for extra in FILTERS:
            for expand in (thesaurus, None):
                compiled = build_query(parse_query(text), thesaurus=expand)
                if compiled.query is not None:
                    yield f"{text} {extra} {bool(expand)}", compiled.query, {**filters, **extra}


def test_same_passages_and_facet_counts_as_whoosh_and_mostly_the_same_first_ten(whoosh):
    solr = engine()
    differences, shared, listed = {}, 0, 0
    for label, query, filters in searches():
        mine = solr.run(query, filters=filters, end=10_000)
        theirs = whoosh.run(query, filters=filters, end=10_000)
        if {h.pk for h in mine.hits} != {h.pk for h in theirs.hits}:
            differences[label] = f"{mine.total} passages found ≠ Whoosh's {theirs.total}"
        elif mine.facets != theirs.facets:
            differences[label] = "facet counts differ"
        first, reference = {h.pk for h in mine.hits[:10]}, {h.pk for h in theirs.hits[:10]}
        shared += len(first & reference)
        listed += len(reference)
    assert differences == {}
    assert shared >= FIRST_TEN_OVERLAP * listed, f"{shared} of {listed} of the first ten"


def test_document_order_is_the_same_as_whoosh(whoosh):
    query = build_query(parse_query("Molotov")).query
    for filters in FILTERS:
        mine = engine().run(query, filters=filters, sort=("document", "position"), end=50)
        theirs = whoosh.run(query, filters=filters, sort=("document", "position"), end=50)
        assert [h.pk for h in mine.hits] == [h.pk for h in theirs.hits]
