"""A curator works from the public pages: edit and annotate links for those allowed, back to the
passage after saving a note, and notes signed with a name, never a login."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.links import annotate_url
from annotations.models import Annotation
from annotations.services import save_annotation
from archive.models import Passage
from tests.conftest import SLUGS
from tests.factories import staff, superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def passage():
    return Passage.objects.get(document__slug=SLUGS["003"], n=4)


def new_note(passage) -> dict:
    start = passage.text.index("Litinov")
    return {
        "passage": passage.pk,
        "exact": "Litinov",
        "start": start,
        "end": start + len("Litinov"),
        "motivation": "commenting",
        "body": "Misspelt: Litvinov.",
        "body_language": "en",
        "status": "published",
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }


@pytest.mark.parametrize("back", ["public", "admin"])
def test_saving_a_note_opened_from_a_passage_leads_back_to_it(admin_client, passage, back):
    page = (
        passage.get_absolute_url()
        if back == "public"
        else reverse("admin:archive_passage_change", args=[passage.pk])
    )
    response = admin_client.post(annotate_url(passage, page), new_note(passage))
    assert response.status_code == 302, response.context["errors"]
    assert response["Location"] == page
    assert passage.annotations.filter(exact="Litinov").exists()


def test_a_return_address_off_the_site_is_ignored(admin_client, passage):
    url = annotate_url(passage, "https://evil.example/")
    response = admin_client.post(url, new_note(passage))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:annotations_annotation_changelist")


def test_staff_see_edit_and_annotate_links_as_their_permissions_allow(client, passage):
    edit = reverse("admin:archive_passage_change", args=[passage.pk])
    annotate = reverse("admin:annotations_annotation_add")
    page = client.get(passage.get_absolute_url()).content.decode()
    assert edit not in page and annotate not in page  # readers see neither

    client.force_login(staff("viewer", ["view"]))
    page = client.get(passage.get_absolute_url()).content.decode()
    assert edit not in page and annotate not in page

    client.force_login(superuser())
    page = client.get(passage.get_absolute_url()).content.decode()
    assert f'href="{edit}"' in page
    assert f'href="{annotate}?passage={passage.pk}&amp;next=' in page
    reader = client.get(passage.document.get_absolute_url()).content.decode()
    assert reverse("admin:archive_document_change", args=[passage.document.pk]) in reader


def test_notes_are_signed_with_the_curators_name_never_the_login(client, passage):
    named = superuser("mhorvat", first_name="Marija", last_name="Horvat")
    unnamed = superuser("jd_admin")
    for user, word in ((named, "Litinov"), (unnamed, "Molotov")):
        note = Annotation(passage=passage, exact=word, body="A note.", status="published")
        save_annotation(note, user=user)
    page = client.get(passage.get_absolute_url()).content.decode()
    assert "Marija Horvat" in page and "mhorvat" not in page
    assert "Archive curator," in page and "jd_admin" not in page


def test_the_seed_notes_import_without_a_warning():
    out = StringIO()
    call_command("import_annotations", "fixtures/annotations.jsonld", stdout=out)
    assert "warning" not in out.getvalue()
    assert "Imported 10" in out.getvalue()
