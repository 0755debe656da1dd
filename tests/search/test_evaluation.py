"""The fast evaluation finds what Whoosh's own matchers find: the same passages, counts, facet
counts and order (equal scores may trade places), on the seed corpus and on a 10 000-passage
synthetic corpus built as `make bench` builds it."""

import numpy as np
import pytest
from whoosh import query as wq

from archive.concepts.tagging import current_thesaurus
from bench.queries import QUERIES
from search.engine import engine
from search.engine.whoosh.equivalence import compare, compare_query
from search.engine.whoosh.postings import Postings, narrowed
from tests.conftest import SLUGS, rebuild_index, use_index

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

MORE = [
    "Molotov Ribbentrop -Hitler",
    '"of the"',
    '"sovjetski savez" OR Moskva',
    "note:Litvinov",
    "Litvinov~",
    "Sov*",
    "1939",
    "NOT Molotov",
    '"Ribbentrop Molotov"',
    "Balkans OR Balkins OR Balkan",
    # Stop words ranked but not required; joined and split forms; exclusions of concepts.
    "the secret protocol",
    "spheres of influence in the Baltic",
    "germansoviet",
    "Soviet-Finnish war",
    "soviet finnish",
    "Hitler NOT Stalin",
    "Stalin -Hitler",
]
FILTERS = [
    {},
    {"language": ["ro"]},
    {"language": ["en", "hr"], "years": ["1939"]},
    {"document": [SLUGS["002"]]},
    {"annotated": ["yes"]},
]


def specs():
    for spec in QUERIES:
        yield spec.q, spec.index_filters
    for text in MORE:
        yield text, {}


def all_differences(*, filter_sets=FILTERS) -> dict:
    thesaurus = current_thesaurus()
    found = {}
    for text, filters in specs():
        for extra in filter_sets:
            combined = {**filters, **extra}
            for expand in (thesaurus, None):
                problems = compare_query(text, combined, thesaurus=expand)
                if problems:
                    found[(text, str(combined), bool(expand))] = problems
    return found


def test_same_results_on_the_seed_corpus():
    assert all_differences() == {}


def test_same_document_order_and_filters_without_words():
    for filters in FILTERS[1:]:
        assert compare(wq.Every(), filters, sort_by=["document", "position"]) == []
        assert compare(wq.Every(), filters) == []
    for text in ("Molotov", '"secret protocol"', "pakt"):
        assert compare_query(text, {}, sort_by=["document", "position"]) == []


def test_same_results_after_edits_leave_deleted_entries(private_index):
    from archive.models import Passage
    from search.indexing import reindex_passages

    # Reindexing adds a segment and marks the old entries deleted: both must be left out.
    ids = list(Passage.objects.published().values_list("pk", flat=True)[:40])
    reindex_passages(ids)
    assert len(list(engine().searcher().reader().leaf_readers())) > 1
    assert all_differences(filter_sets=FILTERS[:2]) == {}
    for filters in FILTERS[:3]:
        assert compare(wq.Every(), filters, sort_by=["document", "position"]) == []
        assert compare_query("Molotov", filters, sort_by=["document", "position"]) == []


@pytest.fixture(scope="module")
def synthetic_10k(django_db_setup, django_db_blocker, session_index, tmp_path_factory):
    from archive.models import Document
    from bench import corpus

    with django_db_blocker.unblock():
        generated = corpus.build_synthetic_corpus(10_000)
        corpus.tag_synthetic(generated.first_pk)
        use_index(tmp_path_factory.mktemp("synthetic") / "index")
        rebuild_index()
        yield generated
        Document.objects.filter(slug__contains="-syn-").delete()
    use_index(session_index)


@pytest.mark.slow
def test_same_results_on_a_10k_synthetic_corpus(synthetic_10k):
    assert all_differences(filter_sets=FILTERS[:3]) == {}


def test_queries_it_does_not_handle_go_through_whoosh():
    from search.engine.whoosh.evaluation import Unsupported

    q = wq.Wildcard("text", "molot?v")
    with pytest.raises(Unsupported):
        engine().state().evaluator.evaluate(q)
    found = engine().run_query(q, start=0, end=5)
    assert found.total > 0 and all("olotov" in r.text for r in found.hits)


def test_postings_kept_narrow_give_back_the_very_weights_read():
    # Term counts fit 32-bit floats; a weight that does not (a boosted field's 0.1) stays whole.
    for weights in ([1.0, 7.0, 3.0], [0.1, 2.0, 1.0]):
        read = Postings(np.array([0, 9, 70_000]), np.array(weights))
        kept = narrowed(read)
        assert kept.ids.tolist() == read.ids.tolist()
        assert kept.weights.astype(np.float64).tobytes() == read.weights.tobytes()


def test_a_query_asked_again_is_evaluated_once_and_kept_matches_keep_to_their_budget(
    monkeypatch,
):
    from haystack import connections

    connections["default"].get_backend().forget_searcher()
    evaluator = engine().state().evaluator
    evaluated = []
    original = evaluator.evaluate
    monkeypatch.setattr(evaluator, "evaluate", lambda q: evaluated.append(q) or original(q))
    molotov, treaty = wq.Term("text", "molotov"), wq.Term("text", "treaty")
    # Each language's best hits, as a search asks for them: the query is evaluated once.
    for language in ("en", "hr", "ro"):
        engine().run_query(molotov, filters={"language": [language]})
    assert evaluated == [molotov]
    # Over the budget, only the latest query's matches are kept.
    monkeypatch.setattr(engine().state()._evaluated, "budget", 0)
    for q in (treaty, treaty, molotov):
        engine().run_query(q)
    assert evaluated == [molotov, treaty, molotov]


def test_a_word_shared_by_queries_is_scored_once_and_kept_scores_keep_to_their_budget(
    monkeypatch,
):
    from haystack import connections

    from search.engine.whoosh import evaluation

    connections["default"].get_backend().forget_searcher()
    state = engine().state()
    read = []
    original = state.arrays.postings
    monkeypatch.setattr(
        state.arrays, "postings", lambda f, t, **kw: read.append((f, t)) or original(f, t, **kw)
    )
    molotov = wq.Term("text", "molotov")
    alone = state.evaluator.evaluate(molotov)
    paired = state.evaluator.evaluate(wq.And([molotov, wq.Term("text", "ribbentrop")]))
    assert read == [("text", b"molotov"), ("text", b"ribbentrop")]
    assert set(paired.ids) <= set(alone.ids)
    # The scores are those of a fresh evaluation, kept or not.
    monkeypatch.setattr(state.evaluator._terms, "budget", 0)
    again = state.evaluator.evaluate(wq.Term("text", "treaty"))
    fresh = evaluation.Evaluator(state.searcher, state.arrays).evaluate(wq.Term("text", "treaty"))
    assert again.ids.tolist() == fresh.ids.tolist()
    assert again.scores.tolist() == fresh.scores.tolist()
    assert list(state.evaluator._terms) == [("text", "treaty")]
