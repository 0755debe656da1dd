"""The admin as a curator uses it: correct metadata, correct a passage, keep every revision."""

import pytest
from django.urls import reverse

from archive.models import Document, Passage
from tests.conftest import SLUGS
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(admin_client):
    return admin_client


def test_curator_corrects_a_documents_metadata(curator):
    doc = Document.objects.get(slug=SLUGS["003"])
    url = reverse("admin:archive_document_change", args=[doc.pk])
    data = form_data(curator.get(url))
    data.update(
        title="Soviet–Nazi Relations in the 1930s", author="Anonymous student", language="en"
    )
    response = curator.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    doc.refresh_from_db()
    assert doc.title == "Soviet–Nazi Relations in the 1930s"
    assert doc.author == "Anonymous student"
    assert doc.slug == SLUGS["003"]  # the slug is read-only once published


def test_changing_the_document_language_moves_its_passages_along(curator):
    doc = Document.objects.get(slug=SLUGS["004"])
    url = reverse("admin:archive_document_change", args=[doc.pk])
    data = form_data(curator.get(url))
    data["language"] = "de"
    assert curator.post(url, data).status_code == 302
    assert set(doc.passages.values_list("language", flat=True)) == {"de"}


def test_curator_corrects_a_passage_and_the_old_text_stays_as_a_revision(curator):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    old_text = passage.text
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(curator.get(url))
    data["text"] = old_text.replace("Litinov", "Litvinov")
    data["revision_note"] = "typo fixed: Litinov → Litvinov"
    response = curator.post(url, data, follow=True)
    assert b"Saved as revision 2 of" in response.content
    passage.refresh_from_db()
    assert "Litvinov" in passage.text and passage.n == 4
    revisions = list(passage.revisions.order_by("number"))
    assert [r.text for r in revisions] == [old_text, passage.text]
    assert revisions[1].reason == "edit" and revisions[1].editor.username == "admin"
    assert revisions[1].note == "typo fixed: Litinov → Litvinov"
    # The permalink shows the corrected text and lists both revisions.
    page = curator.get(passage.get_absolute_url()).content.decode()
    assert "Litvinov" in page and "Revision 2 (current)" in page and "?rev=1" in page


def test_saving_without_changes_adds_no_revision(curator):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    assert curator.post(url, form_data(curator.get(url))).status_code == 302
    assert passage.revisions.count() == 1


def test_an_empty_passage_text_is_refused(curator):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(curator.get(url))
    data["text"] = ""
    response = curator.post(url, data)
    assert response.status_code == 200
    assert "text" in response.context["adminform"].form.errors
    passage.refresh_from_db()
    assert passage.text


def test_passages_cannot_be_added_or_deleted(curator):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    assert curator.get(reverse("admin:archive_passage_add")).status_code == 403
    assert (
        curator.get(reverse("admin:archive_passage_delete", args=[passage.pk])).status_code == 403
    )


def test_changelists_filter_and_search(curator):
    docs = curator.get(reverse("admin:archive_document_changelist") + "?language__exact=ro")
    assert docs.context["cl"].result_count == 1
    passages = curator.get(reverse("admin:archive_passage_changelist") + "?q=Brest-Litovsk")
    assert passages.status_code == 200
    assert passages.context["cl"].result_count >= 2
    shape = curator.get(
        reverse("admin:archive_passage_changelist") + "?document__shape__exact=tokens"
    )
    assert shape.context["cl"].result_count == 20


def test_unpublish_action_hides_documents(curator):
    doc = Document.objects.get(slug=SLUGS["003"])
    curator.post(
        reverse("admin:archive_document_changelist"),
        {"action": "unpublish", "_selected_action": [doc.pk]},
    )
    doc.refresh_from_db()
    assert not doc.published


def test_admin_needs_a_staff_login(client):
    response = client.get(reverse("admin:archive_passage_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
