"""What an engine answers through the seam (`search.engine`), in the archive's terms, checked
against what the database says the index holds."""

from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured

from archive.models import Passage
from search import plan
from search.engine import engine
from search.indexing import passage_index
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def published():
    return passage_index().index_queryset()


def test_filters_keep_the_values_chosen_and_facets_count_under_the_other_filters():
    found = engine().run(plan.MatchAll(), filters={"language": ["ro"]}, end=0)
    assert found.total == published().filter(language="ro").count()
    # The language facet ignores its own filter (choosing another language is offered)...
    assert found.facets["language"] == dict(Counter(published().values_list("language", flat=True)))
    # ... and every other facet counts only Romanian passages.
    ro_docs = Counter(published().filter(language="ro").values_list("document__slug", flat=True))
    assert found.facets["document"] == dict(ro_docs)


def test_hits_come_as_stored_in_the_order_asked_for():
    slug = SLUGS["002"]
    found = engine().run(
        plan.MatchAll(), filters={"document": [slug]}, sort=("document", "position"), end=5
    )
    expected = list(published().filter(document__slug=slug).order_by("position")[:5])
    assert [(h.pk, h.ref, h.n, h.text) for h in found.hits] == [
        (p.pk, p.ref, p.n, p.text) for p in expected
    ]
    first = found.hits[0]
    assert (first.slug, first.document_title, first.language) == (
        slug,
        expected[0].document.title,
        expected[0].language,
    )
    later = engine().run(
        plan.MatchAll(), filters={"document": [slug]}, sort=("document", "position"), start=2, end=4
    )
    assert [h.pk for h in later.hits] == [p.pk for p in expected[2:4]]


def test_words_their_frequency_spelling_neighbours_and_prefix_expansions():
    molotov = engine().run(plan.Term("text", "molotov"), end=100)
    assert molotov.total == engine().doc_frequency("text", "molotov") > 3
    assert all("molotov" in hit.text.lower() for hit in molotov.hits)
    scores = [hit.score for hit in molotov.hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert "molotov" in engine().closest_words("text", "molotv")
    assert "molotov" not in engine().closest_words("text", "molotov")
    assert "molotov" in engine().expansions([plan.Prefix("text", "molot")])


def test_writes_are_seen_by_the_next_search_and_in_what_the_index_holds(private_index):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    before = engine().generation()
    held = engine().held()
    assert held == {p.pk: passage_index().full_prepare(p)["digest"] for p in published()}
    engine().apply([], [passage.pk])
    assert engine().generation() != before
    assert passage.pk not in engine().held()
    assert engine().passage_count() == len(held) - 1
    engine().apply([passage_index().full_prepare(passage)], [])
    assert engine().held() == held


def test_a_connection_without_an_engine_of_the_seam_is_refused():
    from django.conf import settings
    from haystack import connections

    connection = settings.HAYSTACK_CONNECTIONS["default"]
    saved = dict(connection)
    connection.clear()
    connection["ENGINE"] = "haystack.backends.simple_backend.SimpleEngine"
    connections.reload("default")
    try:
        with pytest.raises(ImproperlyConfigured, match="search.engine"):
            engine()
    finally:
        connection.clear()
        connection.update(saved)
        connections.reload("default")


@pytest.mark.whoosh
def test_an_index_built_before_the_word_pairs_still_finds_phrases_and_takes_writes(tmp_path):
    from whoosh.fields import Schema
    from whoosh.index import create_in

    from search.engine.whoosh.compile import PAIRS_FIELD
    from tests.conftest import use_index

    backend = engine()
    backend.setup()
    fields = dict(backend.schema.items())
    folder = tmp_path / "old"
    folder.mkdir()
    create_in(str(folder), Schema(**fields))
    current = backend.path
    use_index(folder)
    try:
        # Written as an older version wrote them: no word pairs.
        passages = list(published().filter(document__slug=SLUGS["002"]))
        engine().setup()
        writer = engine().index.writer()
        for p in passages:
            fields = engine().document(passage_index().full_prepare(p))
            writer.add_document(**{k: v for k, v in fields.items() if k != PAIRS_FIELD})
        writer.commit()
        phrase = plan.Phrase("text", ("secret", "protocol"))
        found = engine().run(phrase, end=100)
        assert found.total and all("secret protocol" in h.text.lower() for h in found.hits)
        # An edit written now holds pairs; the part written before still has none.
        engine().apply([passage_index().full_prepare(passages[0])], [])
        assert engine().run(phrase, end=100).total == found.total
    finally:
        use_index(current)
