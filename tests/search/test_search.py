"""Search against a real index of the seed corpus (Whoosh, or Solr under bin/with-solr): per
language, facets, highlighting."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

from archive.models import Document, Passage
from search.engine import engine
from search.service import KEPT_ROWS, RESULTS
from tests.conftest import SLUGS, use_index

pytestmark = pytest.mark.django_db


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def refs(data):
    return [r["ref"] for r in data["results"]]


def languages(data):
    return {r["language"] for r in data["results"]}


def test_croatian_stemmed_forms_match(client):
    data = api(client, q="pregovor", expand="0", page_size=100)
    texts = " ".join(r["text"] for r in data["results"])
    assert data["count"] >= 3
    assert "pregovora" in texts or "pregovore" in texts or "pregovori" in texts
    assert languages(data) == {"hr"}


def test_romanian_stemmed_forms_match(client):
    data = api(client, q="negociere", expand="0", page_size=100)
    assert data["count"] >= 3
    assert any("negocierile" in r["text"].lower() for r in data["results"])


def test_english_stemmed_forms_match(client):
    data = api(client, q="negotiation", expand="0", page_size=100)
    assert any("negotiations" in r["text"] for r in data["results"])


def test_query_without_diacritics_finds_text_with_them(client):
    data = api(client, q="Tratatul de la Brest-Litovsk", expand="0")
    assert f"{SLUGS['001']}:2" in refs(data)
    accented = api(client, q="sfere de influență", expand="0")
    plain = api(client, q="sfere de influenta", expand="0")
    assert accented["count"] == plain["count"] > 0


def test_cedilla_and_comma_letters_are_the_same(client):
    comma = api(client, q="Uniunea Sovietică și Germania", expand="0")
    cedilla = api(client, q="Uniunea Sovietică şi Germania", expand="0")
    assert refs(comma) == refs(cedilla) and comma["count"] > 0


def test_old_romanian_spelling_meets_the_new(client):
    old = api(client, q="întîi", expand="0")
    new = api(client, q="întâi", expand="0")
    assert old["count"] == new["count"] > 0


def test_croatian_without_diacritics(client):
    assert (
        api(client, q="Staljin", expand="0")["count"]
        == api(client, q="staljin", expand="0")["count"]
        > 0
    )
    assert api(client, q="njemacki", expand="0")["count"] > 0


def test_phrase_matches_exactly(client):
    data = api(client, q='"spheres of influence"', expand="0", page_size=100)
    assert data["count"] >= 2
    for result in data["results"]:
        assert "spheres of influence" in result["text"].lower()
    assert (
        "<mark>spheres</mark> <mark>of</mark> <mark>influence</mark>"
        in data["results"][0]["highlight"].lower()
    )


def test_exclusion_removes_passages(client):
    both = api(client, q="Molotov", expand="0")["count"]
    without = api(client, q="Molotov -Hitler", expand="0", page_size=100)
    assert 0 < without["count"] < both
    assert not any("hitler" in r["text"].lower() for r in without["results"])
    # The first passage with both words comes after one with Hitler (Whoosh's own AndNot
    # matcher kept it).
    for expand in ("0", "1"):
        found = api(client, q="Molotov Ribbentrop -Hitler", expand=expand, page_size=100)
        assert found["count"] > 0
        assert not any("hitler" in r["text"].lower() for r in found["results"])


def test_or_widens_and_words_narrow(client):
    a = api(client, q="Litvinov", expand="0")["count"]
    b = api(client, q="Rapallo", expand="0")["count"]
    either = api(client, q="Litvinov OR Rapallo", expand="0")["count"]
    both = api(client, q="Litvinov Rapallo", expand="0")["count"]
    assert max(a, b) <= either <= a + b
    assert both <= min(a, b)


def test_prefix_and_fuzzy(client):
    assert api(client, q="Ribbent*", expand="0")["count"] > 5
    fuzzy = api(client, q="Ribentropp~", expand="0")
    assert fuzzy["count"] > 5
    assert "<mark>" in fuzzy["results"][0]["highlight"]


def test_misspelt_word_gets_a_suggestion_that_finds_more(client):
    data = api(client, q="Ribbentropp", expand="0")
    assert data["suggestion"] == "Ribbentrop"
    assert api(client, q=data["suggestion"], expand="0")["count"] > data["count"]


def test_thesaurus_finds_a_place_in_all_three_languages(client):
    data = api(client, q="Lithuania", page_size=100)
    assert languages(data) == {"en", "hr", "ro"}
    added = {label for e in data["expansions"] for label in e["labels"]}
    assert {"Litva", "Lituania"} <= added
    narrow = api(client, q="Lithuania", expand="0", page_size=100)
    assert languages(narrow) == {"en"}


@pytest.mark.parametrize("query", ["Poland", "Finland", "Molotov", "spheres of influence"])
def test_thesaurus_crosses_languages(client, query):
    assert languages(api(client, q=query, page_size=100)) == {"en", "hr", "ro"}


def test_highlight_marks_stemmed_and_folded_matches_and_escapes(client):
    data = api(client, q="pregovori", expand="0", page_size=100)
    assert all("<mark>" in r["highlight"] for r in data["results"])
    data = api(client, q="relatiile", expand="0")
    assert "<mark>Relațiile</mark>" in data["results"][0]["highlight"] or any(
        "<mark>relațiile</mark>" in r["highlight"].lower() for r in data["results"]
    )


def test_facets_count_and_combine(client):
    data = api(client, q="Molotov", expand="0")
    facets = data["facets"]
    by_lang = {f["value"]: f["count"] for f in facets["language"]}
    assert sum(by_lang.values()) == data["count"]
    assert set(by_lang) == {"hr", "ro", "en"}
    assert {f["label"] for f in facets["language"]} == {"Croatian", "Romanian", "English"}
    narrowed = api(client, q="Molotov", expand="0", language="hr")
    assert narrowed["count"] == by_lang["hr"]
    # The language facet still shows the other languages' counts while one is selected.
    assert {f["value"]: f["count"] for f in narrowed["facets"]["language"]} == by_lang
    docs = {f["value"]: f["count"] for f in narrowed["facets"]["document"]}
    assert set(docs) == {SLUGS["000"]}
    two = api(client, q="Molotov", expand="0", language=["hr", "ro"])
    assert two["count"] == by_lang["hr"] + by_lang["ro"]


def test_year_facet_filters_by_year_mentioned(client):
    data = api(client, q="Molotov", expand="0", year="1939", page_size=100)
    assert data["count"] > 0
    assert all("1939" in r["text"] for r in data["results"])
    years = {f["value"]: f["count"] for f in data["facets"]["year"]}
    assert years["1939"] == data["count"]


def test_concept_facet_and_filter(client):
    data = api(client, q="pact", page_size=100)
    concepts = {f["value"] for f in data["facets"]["concept"]}
    assert "lithuania" in concepts
    only = api(client, q="pact", concept="lithuania", page_size=100)
    assert 0 < only["count"] < data["count"]


def test_browsing_by_facet_without_words(client):
    data = api(client, language="ro", page_size=10)
    assert data["count"] > 40 and languages(data) == {"ro"}


def test_document_order_sort(client):
    data = api(
        client, q="Molotov", expand="0", document=SLUGS["001"], sort="document", page_size=100
    )
    ns = [r["n"] for r in data["results"]]
    assert ns == sorted(ns)


def test_api_contract(client):
    data = api(client, q="Molotov", page=2, page_size=5)
    assert set(data) >= {"query", "count", "page", "page_size", "suggestion", "results", "facets"}
    assert data["page"] == 2 and data["page_size"] == 5 and len(data["results"]) == 5
    result = data["results"][0]
    assert set(result) >= {
        "ref",
        "url",
        "n",
        "language",
        "section",
        "text",
        "highlight",
        "score",
        "document",
    }
    assert set(result["document"]) >= {"slug", "title", "language", "source_file"}
    assert result["url"].startswith("http://testserver/documents/")
    for rows in data["facets"].values():
        for row in rows:
            assert set(row) == {"value", "label", "count"}


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 101},
        {"page_size": 0},
        {"page": "x"},
        {"language": "xx"},
        {"sort": "random"},
        {"document": "no-such-document"},
        {"concept": "no-such-concept"},
        {"year": "1200"},
        {"year": "19x9"},
        {"note_tag": "no-such-tag"},
    ],
)
def test_api_rejects_bad_parameters_with_400(client, params):
    response = client.get("/api/search/", {"q": "Molotov", **params})
    assert response.status_code == 400
    body = response.json()
    assert "error" in body
    # The reason names the parameter and, for a value it does not know, the value.
    ((name, value),) = params.items()
    assert name in body["details"]
    if name in ("document", "concept", "year", "note_tag"):
        assert str(value) in " ".join(body["details"][name])


def test_page_beyond_the_last_is_404(client, monkeypatch):
    assert client.get("/api/search/", {"q": "Molotov", "page": 999}).status_code == 404
    # Deep pages are refused before the index is touched.
    monkeypatch.setattr("search.service.engine", lambda: pytest.fail("index touched"))
    assert client.get("/api/search/", {"q": "Molotov", "page": 10**6}).status_code == 404
    assert client.get("/search/", {"q": "Molotov", "page": 999}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "OR",
        "-",
        "*",
        "Molotov OR",
        "NOT",
        "((Molotov",
        "x" * 10_000,
        "a~~~",
        '""',
        "<script>alert(1)</script>",
        "title:Molotov",
        "Molotov^3",
        "?",
        "\x00",
    ],
)
def test_hostile_queries_never_fail(client, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200
    page = client.get("/search/", {"q": query})
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


def test_search_page_says_when_a_query_was_read_as_plain_words(client):
    page = client.get("/search/", {"q": '"spheres of influence'}).content.decode()
    assert "not closed" in page


def test_markup_in_the_query_is_shown_escaped(client):
    page = client.get("/search/", {"q": "<b>Molotov</b>"}).content.decode()
    assert "<b>Molotov</b>" not in page
    assert "&lt;b&gt;Molotov&lt;/b&gt;" in page


@override_settings(DEBUG=False)
def test_search_page_shows_results_facets_and_links(client):
    page = client.get("/search/", {"q": "Lithuania"}).content.decode()
    assert "passages found" in page
    assert "Also searched:" in page and "Litva" in page
    assert "search only what I typed" in page
    assert 'class="facets"' in page and "Year mentioned" in page
    assert f'href="http://testserver/documents/{SLUGS["002"]}/' in page


def test_a_repeated_search_is_answered_from_the_cache_until_the_index_changes(
    client, private_index, django_capture_on_commit_callbacks, monkeypatch
):
    from archive.models import Passage
    from archive.signals import announce_passages_changed

    calls = []
    backend = type(engine())
    real_run = backend.run
    monkeypatch.setattr(
        backend,
        "run",
        lambda self, *a, **k: calls.append(1) or real_run(self, *a, **k),
    )
    first = api(client, q="Litinov", expand="0")
    runs = len(calls)
    assert api(client, q="Litinov", expand="0") == first
    assert len(calls) == runs  # nothing ran again
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    with django_capture_on_commit_callbacks(execute=True):
        passage.revise(passage.text + " Litinov.", reason="edit")
        announce_passages_changed([passage.pk])
    again = api(client, q="Litinov", expand="0")
    assert len(calls) > runs and again["count"] == first["count"] + 1


@pytest.fixture
def empty_cache():
    """No outcome cached before the test, and none it made (under patched settings) after;
    no facet rows kept."""
    RESULTS.clear()
    KEPT_ROWS.clear()
    yield
    RESULTS.clear()
    KEPT_ROWS.clear()


def test_long_facets_list_the_values_with_most_hits_and_the_chosen_ones(
    client, monkeypatch, empty_cache
):
    from search import service

    everything = api(client, q="Molotov", expand="0")["facets"]["document"]
    assert len(everything) > 2
    least = everything[-1]["value"]
    monkeypatch.setattr(service, "FACET_ROWS", 2)
    RESULTS.clear()
    KEPT_ROWS.clear()
    top = api(client, q="Molotov", expand="0")["facets"]["document"]
    assert top == everything[:2]
    chosen = api(client, q="Molotov", expand="0", document=least)["facets"]["document"]
    assert [row["value"] for row in chosen][-1] == least and len(chosen) == 3


def test_the_document_facet_names_each_document_by_its_title_as_listed_now(
    client, monkeypatch, empty_cache
):
    from search import service

    titles = dict(Document.objects.values_list("slug", "title"))
    rows = api(client, q="Molotov", expand="0")["facets"]["document"]
    assert len(rows) > 2
    assert [row["label"] for row in rows] == [titles[row["value"]] for row in rows]
    # A row first listed by a later search is named too, from the same generation's titles.
    monkeypatch.setattr(service, "FACET_ROWS", 1)
    RESULTS.clear()
    KEPT_ROWS.clear()
    service.document_titles.cache_clear()
    first = api(client, q="Molotov", expand="0")["facets"]["document"]
    assert len(first) == 1
    chosen = api(client, q="Molotov", expand="0", document=rows[-1]["value"])
    assert chosen["facets"]["document"][-1]["label"] == titles[rows[-1]["value"]]


@pytest.fixture
def unbuilt_index(tmp_path, session_index):
    """A data folder whose index no rebuild has filled yet (its folder not even made)."""
    use_index(tmp_path / "whoosh" / "index")
    yield
    use_index(session_index)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Molotov"},
        {"q": "Molotv"},  # looks for a suggestion
        {"q": "Molo* -Hitler"},
        {"q": '"spheres of influence"'},
        {"language": "hr"},
        {"q": "Molotov", "sort": "document"},
    ],
)
def test_before_the_index_is_built_searches_find_nothing_and_say_why(client, unbuilt_index, params):
    data = api(client, **params)
    assert data["count"] == 0 and data["results"] == [] and data["suggestion"] is None
    assert "The search index is not built yet" in " ".join(data["notices"])
    page = client.get("/search/", params)
    assert page.status_code == 200
    assert "The search index is not built yet" in page.content.decode()


def test_an_empty_archive_with_an_empty_index_just_finds_nothing(client, unbuilt_index):
    Document.objects.all().delete()
    data = api(client, q="Molotov")
    assert data["count"] == 0 and data["notices"] == []


def test_check_index_reports_every_passage_missing_from_an_unbuilt_index(unbuilt_index):
    out = StringIO()
    with pytest.raises(CommandError, match="differences; run with --repair"):
        call_command("check_index", stdout=out)
    assert f"missing: {Passage.objects.published().count()} " in out.getvalue()


LANGUAGE_NAMES = {  # Django's own translations of the language names
    "en": {"hr": "Croatian", "ro": "Romanian", "en": "English"},
    "hr": {"hr": "Hrvatski", "ro": "Rumunjski", "en": "Engleski"},
    "ro": {"hr": "Croată", "ro": "Română", "en": "Engleză"},
}


def facet_labels(page: str, facet: str) -> set[str]:
    section = re.search(rf'aria-labelledby="facet-{facet}">(.*?)</section>', page, re.S)[1]
    return set(re.findall(r'<span class="facet-label">([^<]*)</span>', section))


def test_facet_labels_are_in_each_readers_language_though_the_search_is_cached(client, empty_cache):
    # The first reader's search is cached; the next ones must not get that reader's labels.
    for language in ("hr", "en", "ro", "hr"):
        data = client.get(
            "/api/search/", {"q": "Molotov", "expand": "0"}, HTTP_ACCEPT_LANGUAGE=language
        ).json()
        labels = {row["value"]: row["label"] for row in data["facets"]["language"]}
        assert labels == LANGUAGE_NAMES[language]
        page = client.get(
            "/search/", {"q": "Molotov", "expand": "0"}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert facet_labels(page, "language") == set(LANGUAGE_NAMES[language].values())


def test_a_repeated_search_is_labelled_once_for_each_readers_language(
    client, empty_cache, monkeypatch
):
    from search import service

    calls = []
    real = service.labelled
    monkeypatch.setattr(service, "labelled", lambda *a: calls.append(1) or real(*a))
    answers = {
        language: [
            client.get("/api/search/", {"q": "Molotov"}, HTTP_ACCEPT_LANGUAGE=language).content
            for _ in range(3)
        ]
        for language in ("en", "hr")
    }
    assert len(calls) == 2
    assert all(len(set(seen)) == 1 for seen in answers.values())
    assert answers["en"][0] != answers["hr"][0]


def test_facet_rows_outlive_an_edit_elsewhere_and_show_a_retitled_document_at_once(
    client, empty_cache, private_index, monkeypatch
):
    from search import service
    from search.indexing import reindex_passages

    calls = []
    real = service.labelled
    monkeypatch.setattr(service, "labelled", lambda *a: calls.append(1) or real(*a))
    first = api(client, q="Reichswehr")
    elsewhere = Passage.objects.published().exclude(text__icontains="Reichswehr").first()
    reindex_passages([elsewhere.pk])  # a new index generation: the search runs again
    assert api(client, q="Reichswehr")["facets"] == first["facets"] and len(calls) == 1
    [row] = first["facets"]["document"]
    document = Document.objects.get(slug=row["value"])
    document.title = "Renamed by a curator"
    document.save()
    reindex_passages(list(document.passages.values_list("pk", flat=True)))
    [renamed] = api(client, q="Reichswehr")["facets"]["document"]
    assert renamed == {**row, "label": "Renamed by a curator"}


def test_a_search_by_filters_alone_reads_no_curators_notes(client, empty_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.models import Annotation

    notes = Annotation._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        data = api(client, language="en")
    assert data["count"] and not any(hit["note"] for hit in data["results"])
    assert not [q["sql"] for q in queries.captured_queries if notes in q["sql"]]


def test_a_search_shown_in_several_languages_takes_the_cache_place_of_one(client, empty_cache):
    from search.service import ResultCache, SearchOutcome

    def outcome(rows):
        return SearchOutcome(query="q", facets={"document": [{"value": "d"}] * rows})

    cache = ResultCache(size=2, rows=100)
    cache.put("a", outcome(10))
    for language in ("en", "hr", "ro"):
        cache.show("a", language, outcome(10))
    cache.put("b", outcome(10))
    assert cache.get("a") and cache.get("b") and cache.shown("a", "hr")
    # The readers' copies count in the rows held: past the bound, the oldest search goes.
    cache.show("b", "en", outcome(60))
    assert cache.get("a") is None and cache.shown("a", "hr") is None
    assert cache.shown("b", "en") and cache.held == 1 + 10 + 60


def test_a_concept_label_changed_in_the_thesaurus_shows_at_once_in_a_cached_search(
    client, empty_cache
):
    from archive.models import Concept

    def concept_labels(language):
        data = client.get("/api/search/", {"q": "Molotov"}, HTTP_ACCEPT_LANGUAGE=language).json()
        return {row["value"]: row["label"] for row in data["facets"]["concept"]}

    before = {language: concept_labels(language) for language in ("en", "hr")}
    concept = Concept.objects.get(slug=next(iter(before["en"])))
    label = concept.labels.get(language="en", preferred=True)
    label.text = "Renamed by a curator"
    label.save()
    concept.save()  # as the admin saves a concept with its labels
    try:
        assert concept_labels("en")[concept.slug] == "Renamed by a curator"
        assert concept_labels("hr") == before["hr"]
    finally:
        label.text = before["en"][concept.slug]
        label.save()
        concept.save()
    assert concept_labels("en") == before["en"]


def test_result_urls_follow_the_address_the_archive_is_served_under(client, empty_cache):
    # Served below /archive/ (a proxy's SCRIPT_NAME, which Django's WSGI handler makes the
    # script prefix; the test client does not), links must stay inside it.
    set_script_prefix("/archive/")
    try:
        data = api(client, q="Molotov")
    finally:
        clear_script_prefix()
    first = data["results"][0]
    assert first["url"] == (
        f"http://testserver/archive/documents/{first['document']['slug']}/{first['n']}/"
    )
    plain = api(client, q="Molotov")["results"][0]
    assert plain["url"] == f"http://testserver/documents/{plain['document']['slug']}/{plain['n']}/"
