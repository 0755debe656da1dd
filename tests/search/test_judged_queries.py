"""Queries as historians type them, against the seed corpus: what each must find."""

import re

import pytest

from archive.text import fold
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

STRIPPED = SLUGS["004"]  # lower-cased, stop words and hyphens stripped


def search(client, q, **params):
    response = client.get("/api/search/", {"q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()


def documents(data) -> set[str]:
    return {r["document"]["slug"] for r in data["results"]}


def languages(data) -> set[str]:
    return {r["language"] for r in data["results"]}


def mentions(text: str, stem: str) -> bool:
    return bool(re.search(rf"\b{stem}", fold(text)))


@pytest.mark.parametrize(
    "q", ["the secret protocol", "spheres of influence", "the axis talks", "the Soviet Union"]
)
def test_stop_words_are_not_required_outside_quotes(client, q):
    assert STRIPPED in documents(search(client, q, expand="0"))


def test_stop_words_inside_quotes_belong_to_the_phrase(client):
    assert STRIPPED not in documents(search(client, '"spheres of influence"', expand="0"))


def test_a_query_of_stop_words_alone_still_needs_them(client):
    data = search(client, "the", expand="0")
    assert data["count"] and all(mentions(r["text"], "the\\b") for r in data["results"])


def test_the_treaty_of_non_aggression_finds_the_pact_in_every_language(client):
    data = search(client, "the treaty of non-aggression")
    assert languages(data) == {"en", "hr", "ro"}
    assert SLUGS["002"] in documents(data)


def test_hyphenated_query_finds_the_joined_form(client):
    data = search(client, "Soviet-Finnish war", expand="0")
    assert any("sovietfinnish war" in r["text"] for r in data["results"])
    assert any(re.search(r"Soviet[-–]Finnish", r["text"]) for r in data["results"])


def test_joined_query_finds_the_hyphenated_form(client):
    data = search(client, "germansoviet", expand="0")
    assert any(re.search(r"German[-–]Soviet", r["text"]) for r in data["results"])
    assert any("germansoviet" in r["text"] for r in data["results"])


def test_separate_words_find_the_joined_form(client):
    data = search(client, "soviet finnish", expand="0")
    assert any("sovietfinnish" in r["text"] for r in data["results"])


def test_molotov_ribbentrop_finds_the_pact_in_every_language(client):
    data = search(client, "Molotov-Ribbentrop")
    assert languages(data) == {"en", "hr", "ro"}


def test_excluded_name_excludes_its_croatian_spelling(client):
    data = search(client, "Hitler NOT Stalin")
    assert data["count"]
    assert not [r["ref"] for r in data["results"] if mentions(r["text"], "stal(j)?in(?!ist)")]
    stalin = {r["ref"] for r in search(client, "Stalin")["results"]}
    assert not stalin & {r["ref"] for r in data["results"]}


def test_excluded_name_excludes_its_inflected_forms(client):
    data = search(client, "Stalin -Hitler")
    assert data["count"]
    assert not [r["ref"] for r in data["results"] if mentions(r["text"], "hitler")]


@pytest.mark.parametrize(
    ("q", "forms"),
    [
        ("Stalin", {"hr": "staljin", "ro": "stalin"}),
        ("Moscow", {"hr": "moskv", "ro": "moscov"}),
        ("Staljinom", {"en": "stalin", "ro": "stalin"}),
        ("Moscovei", {"en": "moscow", "hr": "moskv"}),
    ],
)
def test_names_are_found_as_each_language_writes_them(client, q, forms):
    data = search(client, q)
    for language, stem in forms.items():
        found = [r for r in data["results"] if r["language"] == language]
        assert found and any(mentions(r["text"], stem) for r in found), language
