"""The interface language: Accept-Language on a first visit, the language cookie after, and the
switcher that sets it; addresses never carry a language."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PASSAGE = "/documents/molotov-ribbentrop-pact/3/"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("language", ["en", "hr", "ro"])
def test_first_visit_follows_accept_language(client, language):
    response = client.get("/documents/", HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert response.status_code == 200
    assert html_lang(response) == language


def test_an_unknown_browser_language_gets_english(client):
    assert html_lang(client.get("/documents/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "en"


def test_the_cookie_wins_over_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ro"
    assert html_lang(client.get("/documents/", HTTP_ACCEPT_LANGUAGE="hr")) == "ro"


def test_switching_sets_the_cookie_and_returns_to_the_same_address(client):
    response = client.post(
        "/i18n/setlang/", {"language": "hr", "next": "/search/?q=pakt&language=hr"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=pakt&language=hr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hr"
    assert html_lang(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")) == "hr"


def test_no_address_carries_a_language(client):
    """A permanent address answers the same in every language, and no prefixed one exists."""
    for language in ["en", "hr", "ro"]:
        assert client.get(PASSAGE, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
        assert client.get(f"/{language}{PASSAGE}").status_code == 404


def test_every_page_has_the_switcher_back_to_itself(client):
    address = "/search/?q=pakt&page=1"
    page = client.get(address, HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    form = re.search(
        r'<form class="language-switcher" action="/i18n/setlang/" method="post">'
        r"(.*?)</form>",
        page,
        re.S,
    ).group(1)
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{address.replace("&", "&amp;")}"' in form
    assert '<label for="interface-language">' in form
    assert '<button type="submit">' in form
    names = re.findall(r'<option value="(\w+)" lang="\1"[^>]*>([^<]+)</option>', form)
    assert names == [("en", "English"), ("hr", "Hrvatski"), ("ro", "Română")]
    assert re.search(r'<option value="ro" lang="ro" selected>', form)
