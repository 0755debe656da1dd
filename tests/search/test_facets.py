"""The facet table: each facet's address name, index field, form field and toggle links agree."""

from urllib.parse import urlencode

import pytest

from annotations.models import Annotation
from annotations.services import save_annotation
from archive.models import Passage
from search.facets import FACETS, INDEX_FIELDS, NAMES
from search.forms import SearchForm
from search.indexing import passage_index
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(private_index, django_capture_on_commit_callbacks):
    """A curator's published note, tagged, on a passage naming Molotov (every facet has a
    value to choose then)."""
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=3)
    with django_capture_on_commit_callbacks(execute=True):
        save_annotation(
            Annotation(
                passage=passage,
                exact="Molotov-Ribbentrop Pact",
                body="On the pact.",
                status="published",
                tags="pact",
            ),
            user=None,
        )


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_every_facet_is_declared_in_the_index_with_its_kind():
    fields = passage_index().fields
    for facet in FACETS:
        assert fields[facet.field].is_multivalued == facet.multivalued, facet.name


def test_the_form_reads_every_facet_under_its_address_name_in_the_tables_order():
    form = SearchForm({"year": ["1939"], "annotated": "yes", "language": ["ro"]})
    assert form.is_valid(), form.errors
    assert [name for name in form.fields if name in NAMES] == list(NAMES)
    filters = form.filters()
    assert list(filters) == [facet.field for facet in FACETS]
    assert (filters["years"], filters["annotated"], filters["language"]) == (
        ["1939"],
        ["yes"],
        ["ro"],
    )


def test_choosing_a_facet_value_finds_as_many_passages_as_its_count_said(client, noted):
    data = api(client, q="Molotov", expand="0")
    assert list(data["facets"]) == list(NAMES)
    for name in NAMES:
        rows = [row for row in data["facets"][name] if row["count"]]
        assert rows, name
        row = rows[0]
        narrowed = api(client, q="Molotov", expand="0", **{name: row["value"]})
        assert narrowed["count"] == row["count"], name


def test_facet_links_switch_the_value_under_its_address_name(client, noted):
    outcome = client.get("/search/", {"q": "Molotov"}).context["outcome"]
    for name in NAMES:
        row = next(row for row in outcome.facets[name] if row["count"])
        # The histogram's bars set the year range (tests/search/test_year_range.py).
        chosen = {"year_from": row["value"], "year_to": row["value"]} if name == "year" else {}
        expected = chosen or {name: row["value"]}
        assert row["toggle"] == "?" + urlencode({"q": "Molotov", **expected}), name


@pytest.mark.whoosh
def test_small_segments_counted_together_give_each_segments_own_counts_and_filters(
    private_index, monkeypatch
):
    from search.engine import engine
    from search.engine.whoosh import facets
    from search.engine.whoosh.postings import IndexArrays
    from search.indexing import reindex_passages

    # Edits one at a time leave small segments beside the first, and deleted entries in it.
    for pk in Passage.objects.published().values_list("pk", flat=True)[:5]:
        reindex_passages([pk], merge=False)
    searcher = engine().searcher()
    arrays = IndexArrays(searcher)
    assert len(arrays.leaves) >= 4
    together = facets.FacetArrays(searcher, arrays)
    monkeypatch.setattr(facets, "SMALL_SEGMENT", 0)
    apart = facets.FacetArrays(searcher, arrays)
    assert len(together.fields["language"].parts) < len(apart.fields["language"].parts)
    hits = arrays.all_docs()[::2]
    assert together.counts(hits, {}, INDEX_FIELDS) == apart.counts(hits, {}, INDEX_FIELDS)
    for field in INDEX_FIELDS:
        for value in apart.fields[field].values:
            assert (together.allowed(field, [value]) == apart.allowed(field, [value])).all()
