"""The small things on every page: the icon, the home page's one search box and its language
links, the catalogue's source names."""

import re

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.django_db


def test_favicon_answers_and_every_page_links_it(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
    assert '<link rel="icon" href="/static/archive/favicon.svg"' in client.get("/").content.decode()


def test_home_has_one_search_box(client):
    page = client.get("/").content.decode()
    assert page.count('role="search"') == 1


def test_home_languages_link_to_their_passages(client):
    page = client.get("/").content.decode()
    for code in ("hr", "ro", "en"):
        assert f'href="/search/?language={code}"' in page
    count = client.get("/search/?language=ro").content.decode()
    assert re.search(r"\d+ passages found", count)


def test_catalogue_names_sources_as_a_reader_would_not_by_file_name(client):
    page = client.get("/documents/").content.decode()
    assert "Wikipedia (ro)" in page and "TheInfoList" in page
    for name in SEED.values():
        assert name not in page
    # The API keeps the file name: scripts rely on it.
    api = client.get("/api/documents/").json()["results"]
    assert {d["source_file"] for d in api} == set(SEED.values())
