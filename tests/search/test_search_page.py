"""The search page keeps the reader's place: filters stay visible and removable when nothing
matches, a suggestion keeps them, and no empty list of expansions is shown."""

import re

import pytest
from django.urls import clear_script_prefix, set_script_prefix

from archive.models import Document
from search import views
from search.service import RESULTS
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def page(client, **params) -> str:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def chips(html: str) -> dict[str, str]:
    """Each removable filter's label and the address that removes it."""
    found = re.findall(r'<a href="([^"]*)" aria-label="Remove filter ([^"]*)"', html)
    return {label: href.replace("&amp;", "&") for href, label in found}


def test_at_no_results_every_filter_stays_visible_and_removable(client):
    html = page(
        client,
        q="Molotov",
        language="hr",
        document=SLUGS["004"],
        concept="vyacheslav-molotov",
        year_from=1920,
        year_to=1921,
    )
    assert "0 passages found" in html
    removable = chips(html)
    title = Document.objects.get(slug=SLUGS["004"]).title
    assert set(removable) == {"Croatian", title, "Vyacheslav Molotov", "Years 1920–1921"}
    assert "document=" not in removable[title]
    assert "language=hr" not in removable["Croatian"]
    assert "year_from" not in removable["Years 1920–1921"]
    assert "language=hr" in removable["Years 1920–1921"]


def test_a_query_finding_nothing_at_all_keeps_its_filters(client):
    removable = chips(page(client, q="zzzqqq", language="ro"))
    assert list(removable) == ["Romanian"]


def test_did_you_mean_keeps_the_filters(client):
    html = page(client, q="Molotv", language="hr", year_from=1939)
    match = re.search(r'Did you mean <a href="([^"]*)">Molotov</a>', html)
    assert match, "no suggestion"
    assert match.group(1).replace("&amp;", "&") == "?q=Molotov&language=hr&year_from=1939"


@pytest.mark.parametrize("query", ["Berlin", "Adolf Hitler"])
def test_also_searched_is_shown_only_with_something_in_it(client, query):
    html = page(client, q=query)
    shown = re.search(r'<p class="expansions">(.*?)</p>', html, re.S)
    assert shown is None or 'class="expansion"' in shown.group(1)


def test_a_page_builds_a_link_for_each_facet_row_it_lists_and_no_other(client, monkeypatch):
    from search import views

    built = []
    for name in ("toggled", "year_range_link"):
        original = getattr(views, name)
        monkeypatch.setattr(
            views, name, lambda *args, _f=original: built.append(args[1:]) or _f(*args)
        )
    response = client.get("/search/", {"q": "Molotov"})
    facets = re.search(r'<aside class="facets".*?</aside>', response.content.decode(), re.S)[0]
    shown = re.findall(r'<li><a href="\?', facets)
    every = client.get("/api/search/", {"q": "Molotov"}).json()["facets"]
    # A histogram bar links to a range only: no switch is built for it and dropped.
    assert len(built) == len(set(built)) == len(shown) < sum(map(len, every.values()))
    outcome = response.context["outcome"]
    assert all(row["toggle"].startswith("?") for rows in outcome.facets.values() for row in rows)


def test_a_long_facet_lists_its_first_rows_and_every_chosen_one_the_histogram_years_with_hits():
    limit = views.LISTED["document"]
    rows = [{"value": str(n), "count": 100 - n, "selected": n == 40} for n in range(50)]
    assert [row["value"] for row in views.listed("document", rows)] == [
        *map(str, range(limit)),
        "40",
    ]
    assert views.listed("language", rows) == rows
    years = [{"value": "1939", "count": 2}, {"value": "1940", "count": 0, "selected": True}]
    assert views.listed("year", years) == years[:1]


def test_a_document_row_is_marked_in_the_language_of_its_title_from_a_cached_search(client):
    languages = dict(Document.objects.values_list("slug", "language"))
    for _ in range(2):
        outcome = client.get("/search/", {"q": "Molotov"}).context["outcome"]
        rows = outcome.facets["document"]
        assert len({row["lang"] for row in rows}) > 1
        assert all(row["lang"] == languages[row["value"]] for row in rows)
    html = page(client, q="Molotov")
    title = Document.objects.get(slug=rows[0]["value"]).title
    assert f'<span class="facet-label" lang="{rows[0]["lang"]}">{title}</span>' in html
    # The API's rows say nothing of it.
    api_rows = client.get("/api/search/", {"q": "Molotov"}).json()["facets"]["document"]
    assert all(set(row) == {"value", "label", "count"} for row in api_rows)


def hit_links(html: str) -> list[tuple[str, str]]:
    """Each hit's link to its document and to its passage, in the order shown."""
    found = re.findall(
        r'<a class="hit-doc" href="([^"]*)".*?<p class="hit-ref"><a href="([^"]*)">', html, re.S
    )
    return [(doc.replace("&amp;", "&"), passage.replace("&amp;", "&")) for doc, passage in found]


def test_each_hit_links_to_its_document_at_the_passage_and_to_the_passage_with_its_rank(client):
    params = {"q": "Molotov", "language": "en", "page_size": 3, "page": 2}
    response = client.get("/search/", params)
    links = hit_links(response.content.decode())
    hits = response.context["outcome"].hits
    assert len(links) == len(hits) == 3
    for rank, ((doc, passage), hit) in enumerate(zip(links, hits, strict=True), start=4):
        assert doc == f"/documents/{hit.document['slug']}/?q=Molotov#p{hit.n}"
        assert passage == f"{hit.url}?q=Molotov&language=en&page_size=3&page=2&hit={rank}"
    # The query is quoted in the document's address; without one, the address is the document's.
    quoted = hit_links(page(client, q="Staljin ~ šta"))
    assert quoted and all("/?q=Staljin%20~%20%C5%A1ta#p" in doc for doc, _ in quoted)
    bare = hit_links(page(client, language="hr"))
    assert bare and all(doc.count("/") == 3 and "?" not in doc for doc, _ in bare)
    assert all(passage.endswith(f"?language=hr&hit={n}") for n, (_, passage) in enumerate(bare, 1))
    # Served below an address of its own (a proxy's SCRIPT_NAME, which Django's WSGI handler
    # makes the script prefix; the test client does not), the links stay inside it.
    RESULTS.clear()
    set_script_prefix("/arhiv/")
    try:
        below = client.get("/search/", {"q": "Molotov"})
    finally:
        clear_script_prefix()
        RESULTS.clear()
    inside = hit_links(below.content.decode())
    assert inside and all(doc.startswith("/arhiv/documents/") for doc, _ in inside)
    assert all("/arhiv/documents/" in passage for _, passage in inside)


def test_a_facet_row_is_marked_with_a_language_only_where_its_label_has_one(client):
    html = page(client, q="Molotov")
    for facet in ("language", "concept"):
        section = re.search(rf'<section aria-labelledby="facet-{facet}">.*?</section>', html, re.S)
        assert section, facet
        spans = re.findall(r'<span class="facet-label"([^>]*)>', section[0])
        assert spans and set(spans) == {""}, facet
    documents = re.search(r'<section aria-labelledby="facet-document">.*?</section>', html, re.S)
    assert all(
        ' lang="' in span for span in re.findall(r'<span class="facet-label"[^>]*>', documents[0])
    )


@pytest.mark.parametrize(
    "language, name", [("en", "Passage"), ("hr", "Odlomak"), ("ro", "Pasajul")]
)
def test_each_hit_names_its_passage_in_the_interface_language(client, settings, language, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/search/", {"q": "Molotov"})
    names = re.findall(r'<p class="hit-ref"><a href="[^"]*">([^<]*)</a>', response.content.decode())
    hits = response.context["outcome"].hits
    assert names and names == [f"{name} {hit.n}" for hit in hits]
