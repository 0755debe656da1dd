"""The archive's own error pages: in its layout, with a way back; the API keeps answering JSON."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path

from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def raises(error):
    def view(request):
        raise error

    return view


# A URLconf with the archive's pages and views that fail, as Django's own tests of handler500 do.
urlpatterns = [
    path("boom/", raises(RuntimeError("the database is gone"))),
    path("forbidden/", raises(PermissionDenied)),
    path("bad/", raises(SuspiciousOperation("a bad request"))),
    path("", include("config.urls")),
]


def assert_way_back(page: str):
    assert 'href="/"' in page and 'href="/search/"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/documents/no-such-document/",
        f"/documents/{SLUGS['003']}/999/",
        "/search/?q=Molotov&page=99",
    ],
)
def test_a_missing_page_is_the_archives_own_404_with_a_way_back(client, settings, url):
    settings.DEBUG = False
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page  # in the layout, with its search box
    assert_way_back(page)


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_is_a_page_of_the_archive_without_the_failing_parts(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Server error</h1>" in page
    assert "the database is gone" not in page
    assert_way_back(page)


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/forbidden/", 403, "Access refused"),
        ("/bad/", 400, "Bad request"),
    ],
)
def test_refused_and_bad_requests_have_their_own_pages(client, settings, url, status, title):
    settings.DEBUG = False
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert_way_back(page)


def test_the_api_still_answers_its_errors_in_json(client, settings):
    settings.DEBUG = False
    response = client.get(f"/api/documents/{SLUGS['003']}/999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("language", "title"), [("hr", "Stranica nije pronađena"), ("ro", "Pagina nu a fost găsită")]
)
def test_the_404_speaks_the_readers_language(client, settings, language, title):
    settings.DEBUG = False
    response = client.get("/documents/no-such-document/", HTTP_ACCEPT_LANGUAGE=language)
    assert f"<h1>{title}</h1>" in response.content.decode()
