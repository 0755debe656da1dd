"""Searching from the reader: within one document (`/documents/<slug>/?q=…`), and a passage
opened from a hit (`/documents/<slug>/<n>/?q=…&hit=<rank>`), its words marked, with the way
back to the results and on to the next hit."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def html(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def api(client, **params):
    return client.get("/api/search/", params).json()


def matching_passages(page: str) -> list[str]:
    return re.findall(r'<div class="passage match" id="p(\d+)"', page)


def test_a_search_within_a_document_marks_and_counts_the_passages_the_search_finds(client):
    slug = SLUGS["000"]
    expected = api(client, q="Staljin", document=slug, sort="document", page_size=100)
    page = html(client, f"/documents/{slug}/", {"q": "Staljin"})
    found = matching_passages(page)
    assert found == [str(r["n"]) for r in expected["results"]] and len(found) > 2
    assert f"{len(found)} passages match" in page
    assert page.count("<mark>") >= len(found)
    # Every passage is still there; only the matches are marked.
    assert len(re.findall(r'<div class="passage[" ]', page)) > len(found)


def test_matches_link_to_the_previous_and_next_match(client):
    slug = SLUGS["000"]
    page = html(client, f"/documents/{slug}/", {"q": "Staljin"})
    first, second, third = matching_passages(page)[:3]
    block = page[page.index(f'id="p{second}"') :]
    block = block[: block.index("</div>")]
    assert f'href="#p{first}" rel="prev"' in block
    assert f'href="#p{third}" rel="next"' in block
    assert f'<a href="#p{first}">first match</a>' in page


def test_the_reader_has_a_search_form_and_says_when_nothing_matches(client):
    slug = SLUGS["002"]
    page = html(client, f"/documents/{slug}/")
    assert '<input id="in-document-q" type="search" name="q"' in page
    assert "<mark>" not in page
    page = html(client, f"/documents/{slug}/", {"q": "zzzqqq"})
    assert "0 passages match" in page and matching_passages(page) == []


def test_a_hit_links_to_its_passage_with_the_search_and_its_rank(client):
    page = html(client, "/search/", {"q": "Molotov", "language": "en", "page": 2})
    links = re.findall(r'<p class="hit-ref"><a href="([^"]+)"', page)
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert query == {"q": ["Molotov"], "language": ["en"], "page": ["2"], "hit": ["21"]}
    # Its document's link opens the reader searching for the same words, at the passage.
    document = re.search(r'<a class="hit-doc" href="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/documents/[a-z0-9-]+/\?q=Molotov#p\d+", document)


def test_a_passage_opened_from_a_hit_marks_the_words_and_leads_back_and_on(client):
    search = {"q": "Molotov", "language": "en", "page": "2", "page_size": "20"}
    results = api(client, **search)["results"]
    first, second = results[0], results[1]
    path = urlsplit(first["url"]).path
    page = html(client, path, {**search, "hit": 21})
    text = page[page.index('<blockquote class="passage-text"') :]
    text = text[: text.index("</blockquote>")]
    assert "<mark>Molotov</mark>" in text
    back = re.search(r'<a href="([^"]+)">← Back to the results', page).group(1)
    assert parse_qs(urlsplit(back.replace("&amp;", "&")).query) == {
        k: [v] for k, v in search.items()
    }
    onward = re.search(r'<a href="([^"]+)" rel="next">Next hit', page).group(1)
    onward = urlsplit(onward.replace("&amp;", "&"))
    assert onward.path == urlsplit(second["url"]).path
    assert parse_qs(onward.query)["hit"] == ["22"]


def test_the_last_hit_has_no_next_and_the_next_hit_may_be_on_the_next_page(client):
    search = {"q": "Molotov", "language": "en", "page_size": "2"}
    data = api(client, **search)
    second = urlsplit(data["results"][1]["url"]).path
    onward = re.search(
        r'<a href="([^"]+)" rel="next">Next hit', html(client, second, {**search, "hit": 2})
    ).group(1)
    assert parse_qs(urlsplit(onward.replace("&amp;", "&")).query)["page"] == ["2"]
    last = api(client, **{**search, "page_size": 100})["results"][-1]
    page = html(client, urlsplit(last["url"]).path, {**search, "hit": data["count"]})
    assert "Back to the results" in page and "Next hit" not in page


def test_a_passage_with_a_query_alone_marks_the_words_and_bad_filters_cost_nothing(client):
    page = html(client, f"/documents/{SLUGS['002']}/1/", {"q": "Molotov", "year_from": "x"})
    assert "<mark>Molotov</mark>" in page
    assert "Back to the results" in page
    plain = html(client, f"/documents/{SLUGS['002']}/1/")
    assert "<mark>" not in plain and "Back to the results" not in plain
