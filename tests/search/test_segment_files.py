"""A segment's facet arrays, kept in files beside it by a rebuild: later openings read them
from there, and the counts stay what the postings give."""

import numpy as np
import pytest
from haystack import connections
from whoosh import query as wq

from archive.models import Passage
from search import plan
from search.engine import engine
from search.engine.whoosh import segment_files
from search.engine.whoosh.postings import SEGMENTS
from search.facets import INDEX_FIELDS
from tests.conftest import SLUGS, rebuild_index

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


@pytest.fixture
def kept_from_any_size(monkeypatch):
    # The seed corpus is smaller than what is worth a file at its real size.
    monkeypatch.setattr(segment_files, "SAVE_FROM_DOCS", 0)


def facet_files(index):
    return sorted(p.name for p in index.resolve().iterdir() if ".facet_" in p.name)


def everything():
    """A search as a new web worker's first: nothing read from the index yet."""
    SEGMENTS.keep_only([])
    connections["default"].get_backend().forget_searcher()
    return engine().run(plan.Term("text", "molotov"), end=5)


def test_a_rebuild_keeps_the_facet_arrays_and_they_give_the_same_counts(
    private_index, kept_from_any_size, monkeypatch
):
    from_postings = everything().facets
    rebuild_index()
    files = facet_files(private_index)
    assert any(name.endswith("_document_values.npy") for name in files)
    read = []
    monkeypatch.setattr(
        "search.engine.whoosh.facets.segment_values", lambda *a: read.append(a) or 1 / 0
    )
    found = everything()
    assert found.facets == from_postings and found.facets["language"]
    assert read == []


def test_a_broken_file_is_read_again_from_the_postings(private_index, kept_from_any_size, caplog):
    rebuild_index()
    expected = everything().facets
    broken = next(p for p in private_index.resolve().iterdir() if p.name.endswith("_docs.npy"))
    broken.write_bytes(b"not an array")
    assert everything().facets == expected
    assert "again from its postings" in caplog.text
    # ...and kept whole again for the next opening.
    caplog.clear()
    assert everything().facets == expected
    assert caplog.text == ""


def test_a_small_segment_is_read_from_its_postings_without_files(private_index):
    rebuild_index()
    assert facet_files(private_index) == []
    assert everything().facets["language"]


def whoosh_docs(searcher, field: str, value: str) -> set[int]:
    """The live documents holding a facet value, as Whoosh's own matchers find them."""
    return set(searcher.docs_for_query(wq.Term(field, value)))


@pytest.mark.parametrize("bitmaps", [False, True], ids=["runs", "bitmaps"])
def test_counts_and_filters_over_the_kept_runs_are_those_of_whooshs_postings(
    private_index, kept_from_any_size, monkeypatch, bitmaps
):
    from search.engine.whoosh import facets as facet_arrays

    # Counted over bitmaps: the values of one passage in 32 or more (most of the seed corpus's
    # concepts, its languages and years); the rest by looking up their passages.
    monkeypatch.setattr(facet_arrays, "BITMAPS_FROM", 0 if bitmaps else 10**9)
    rebuild_index()
    # An edit: a second segment, read from its postings, and a deleted document in the first.
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    passage.text += " Molotov"
    index = connections["default"].get_unified_index().get_index(Passage)
    engine().apply([index.full_prepare(passage)], [])
    everything()
    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    facets = backend.state(searcher).facets
    assert searcher.reader().has_deletions() and not searcher.reader().is_atomic()
    hits = set(searcher.docs_for_query(wq.Term("text", "molotov")))
    matching = np.array(sorted(hits), dtype=np.int64)
    if bitmaps:
        split = [
            runs.split(size) for field in facets.fields.values() for runs, _, size, _ in field.parts
        ]
        assert any(len(s.dense) for s in split) and any(
            len(s.dense) and len(s.sparse) for s in split
        )
    for field in INDEX_FIELDS:
        counts = facets.counts(matching, {}, (field,))[field]
        held = {value: whoosh_docs(searcher, field, value) for value in facets.fields[field].values}
        assert counts == {v: len(docs & hits) for v, docs in held.items() if docs & hits}, field
        for value, docs in held.items():
            assert set(np.flatnonzero(facets.allowed(field, [value])).tolist()) == docs, value


@pytest.fixture
def frequent_from_twenty(monkeypatch):
    # The seed corpus has no term as frequent as those worth it at a million passages.
    monkeypatch.setattr(segment_files, "FREQUENT_FROM", 20)


def test_a_rebuild_keeps_frequent_terms_as_arrays_and_searches_find_the_same(
    private_index, frequent_from_twenty, monkeypatch
):
    from search.engine.whoosh.postings import IndexArrays
    from tests.search.test_evaluation import all_differences

    rebuild_index()
    assert any(".frequent_text_docs" in p.name for p in private_index.resolve().iterdir())
    read = []
    original = IndexArrays._blocks
    monkeypatch.setattr(
        IndexArrays,
        "_blocks",
        lambda self, leaf, field, btext, **kw: (
            read.append((field, btext)) or original(self, leaf, field, btext, **kw)
        ),
    )
    found = everything()
    assert found.total > 20 and ("text", b"molotov") not in read
    # A concept, as a thesaurus expansion searches it: a keyword field's term.
    assert any(".frequent_concepts_docs" in p.name for p in private_index.resolve().iterdir())
    read.clear()  # the facet values, read from their postings by the first search
    concept = engine().run(plan.Term("concepts", "vyacheslav-molotov"), end=5)
    assert concept.total > 20 and ("concepts", b"vyacheslav-molotov") not in read
    # Every bench query, with filters, expanded or not, as Whoosh's own matchers find it.
    assert all_differences(filter_sets=[{}, {"language": ["en", "hr"], "years": ["1939"]}]) == {}


def test_broken_frequent_terms_are_read_from_their_blocks(
    private_index, frequent_from_twenty, caplog
):
    rebuild_index()
    expected = everything()
    folder = private_index.resolve()
    short = next(p for p in folder.iterdir() if "frequent_text_docs" in p.name)
    short.write_bytes(short.read_bytes()[:-4])
    broken = next(p for p in folder.iterdir() if "frequent_text_starts" in p.name)
    for damage in (short, broken):
        if damage is broken:
            broken.write_bytes(b"not an array")
        caplog.clear()
        again = everything()
        assert (again.total, again.hits, again.facets) == (
            expected.total,
            expected.hits,
            expected.facets,
        )
        assert "from their blocks" in caplog.text
