"""The admin as a curator's workbench: searches that fold accents, help that reads, a concept's
passages."""

import re

import pytest
from django.urls import reverse

from archive.models import Concept, Passage
from archive.text import fold, folding_pattern
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def changelist_count(client, url: str, q: str) -> int:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.context["cl"].result_count


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("influenta", "influență"),
        ("sfera de influenta", "sferă de influență"),
        ("Uniunea Sovietica", "Uniunea Sovietică"),
    ],
)
def test_passage_search_folds_accents_as_the_public_search_does(admin_client, typed, written):
    url = reverse("admin:archive_passage_changelist")
    found = changelist_count(admin_client, url, typed)
    # Django's rule (every word in one of the searched fields), with fold's idea of equal.
    expected = sum(
        all(any(fold(word) in fold(field) for field in fields) for word in written.split())
        for fields in Passage.objects.values_list(
            "text", "section", "document__title", "document__slug"
        )
    )
    assert found == expected > 0
    assert changelist_count(admin_client, url, written) == found


def test_folding_pattern_matches_what_fold_makes_equal():
    for text in ("Relațiile", "RELAŢIILE", "relatiile", "Relaţiile", "pînă", "Molotov–Ribbentrop"):
        assert re.search(folding_pattern(fold(text)), text)
    assert not re.search(folding_pattern("relatie"), "relaxie")


def test_document_search_folds_dashes_and_accents_too(admin_client):
    url = reverse("admin:archive_document_changelist")
    # The title is written "Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop", an en dash.
    assert changelist_count(admin_client, url, "pakt molotov-ribbentrop odnosi njemacki") == 1


def test_passage_number_help_shows_how_a_passage_is_cited(admin_client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    page = admin_client.get(reverse("admin:archive_passage_change", args=[passage.pk]))
    text = page.content.decode()
    assert "cited as document-slug:number" in text
    assert "cited as :." not in re.sub(r"<[^>]+>", "", text)


def test_a_concepts_page_lists_and_links_its_passages(admin_client):
    concept = Concept.objects.get(slug="molotov-ribbentrop-pact")
    tagged = Passage.objects.filter(concept_tags__concept=concept, concept_tags__rejected=False)
    assert tagged.exists()
    page = admin_client.get(reverse("admin:archive_concept_change", args=[concept.pk]))
    text = page.content.decode()
    for passage in tagged:
        assert reverse("admin:archive_passage_change", args=[passage.pk]) in text
        assert passage.ref in text
