"""Notes in the passage's own admin page: listed and edited in place, through the same checks
and audit trail as the annotation form, and following the text a curator corrects."""

import pytest
from django.urls import reverse

from annotations.models import AnchorStatus, Annotation, AnnotationChange
from annotations.services import save_annotation
from archive.models import Passage
from tests.conftest import SLUGS
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def essay(n):
    return Passage.objects.get(document__slug=SLUGS["003"], n=n)


def test_the_passage_page_offers_its_notes_and_the_annotation_form(admin_client):
    passage = essay(4)
    save_annotation(Annotation(passage=passage, exact="Litinov", body="Misspelt."), user=None)
    page = admin_client.get(reverse("admin:archive_passage_change", args=[passage.pk]))
    html = page.content.decode()
    assert "Misspelt." in html and "annotations/admin_annotate.js" in html
    add = reverse("admin:annotations_annotation_add") + f"?passage={passage.pk}"
    assert f'href="{add}&amp;next=' in html


def test_a_note_edited_and_one_added_on_the_passage_page_are_checked_and_audited(admin_client):
    passage = essay(4)
    note = save_annotation(Annotation(passage=passage, exact="Litinov", body="First"), user=None)
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(admin_client.get(url))
    data["annotations-0-body"] = "Misspelt: Litvinov."
    data.update(
        {
            "annotations-TOTAL_FORMS": 2,
            "annotations-1-exact": "Molotov",
            "annotations-1-motivation": "identifying",
            "annotations-1-body": "Vyacheslav Molotov.",
            "annotations-1-body_language": "en",
            "annotations-1-status": "draft",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    note.refresh_from_db()
    assert note.body == "Misspelt: Litvinov." and note.version == 2
    added = passage.annotations.get(exact="Molotov")
    assert passage.text[added.start : added.end] == "Molotov" and added.creator.username == "admin"
    actions = AnnotationChange.objects.filter(annotation__passage=passage)
    assert sorted(actions.values_list("action", flat=True)) == ["changed", "created", "created"]


def test_a_quote_typed_on_the_passage_page_that_is_not_in_the_text_is_refused(admin_client):
    passage = essay(4)
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(admin_client.get(url))
    data.update(
        {
            "annotations-TOTAL_FORMS": 1,
            "annotations-0-exact": "Churchill",
            "annotations-0-motivation": "commenting",
            "annotations-0-body_language": "en",
            "annotations-0-status": "draft",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "does not occur" in response.content.decode()
    assert not passage.annotations.exists()


def test_a_curators_correction_of_the_text_moves_the_notes_on_it(admin_client):
    passage = essay(4)
    note = save_annotation(Annotation(passage=passage, exact="a mutual security pact"), user=None)
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(admin_client.get(url))
    data["text"] = passage.text.replace("Litinov had", "Litinov, who had")
    assert admin_client.post(url, data).status_code == 302
    note.refresh_from_db()
    passage.refresh_from_db()
    assert note.anchor_status == AnchorStatus.MOVED
    assert passage.text[note.start : note.end] == "a mutual security pact"
    assert AnnotationChange.objects.filter(annotation=note, action="reanchored").exists()


def test_the_notes_former_admin_addresses_lead_to_their_new_ones(admin_client):
    response = admin_client.get("/admin/archive/annotation/?status__exact=draft")
    assert response.status_code == 302
    assert response["Location"] == "/admin/annotations/annotation/?status__exact=draft"
    assert admin_client.get(response["Location"]).status_code == 200
