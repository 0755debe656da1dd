"""Every proper name of the seed corpus is covered by a concept, or listed as deliberately not
one (fixtures/names_not_concepts.txt); the admin shows curators the names left."""

import pytest
from django.urls import reverse

from archive.concepts.coverage import allowed_names, proper_names, uncovered
from archive.concepts.tagging import current_thesaurus
from archive.models import Passage
from archive.text import fold
from tests.factories import staff

pytestmark = pytest.mark.django_db


def seed_passages():
    return [(p.ref, p.text, p.language) for p in Passage.objects.published()]


def test_every_name_of_the_corpus_is_a_concept_or_listed_as_not_one():
    names = uncovered(seed_passages(), current_thesaurus(), allowed_names())
    assert {key: (n.written, n.refs) for key, n in names.items()} == {}


def test_the_list_of_names_not_concepts_holds_no_name_a_concept_covers():
    everything = uncovered(seed_passages(), current_thesaurus(), set())
    assert sorted(allowed_names() - set(everything)) == []


def test_names_in_each_language_are_covered_as_the_texts_inflect_them():
    names = uncovered(seed_passages(), current_thesaurus(), set())
    for written in ("Staljin", "Staljina", "Staljinom", "Moscova", "Moscovei", "Moskvi"):
        assert fold(written) not in names, written


def test_a_name_is_a_capitalised_word_not_beginning_a_sentence():
    text = "The pact was signed. Hitler met Molotov in Berlin: Ribbentrop spoke of the Pact"
    assert [w for _, w in proper_names(text)] == ["Molotov", "Berlin", "Pact"]


def test_curators_see_the_names_no_concept_covers(client):
    url = reverse("admin:archive_concept_names_without_concept")
    client.force_login(staff("looker", ["view"]))
    # Every name of the seed corpus is a concept or listed as not one: nothing left to do.
    assert "Every name is covered" in client.get(url).content.decode()
    page = client.get(url, {"listed": "1", "document": "molotov-ribbentrop-pact"}).content.decode()
    assert "Gleiwitz" in page and "molotov-ribbentrop-pact:15" in page
    assert "Staljin" not in page and "listed as not a concept" in page
    changelist = client.get(reverse("admin:archive_concept_changelist")).content.decode()
    assert url in changelist
