"""The admin as a curator uses it: correct metadata, correct a passage, keep every revision."""

import pytest
from django.urls import reverse

from archive.models import Document, Passage
from tests.conftest import SLUGS
from tests.factories import superuser
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


def test_splitting_a_passage_reindexes_the_passages_it_moves_down(curator, private_index, client):
    from tests.helpers import index_differences

    document = Document.objects.get(slug=SLUGS["003"])
    first = next(p for p in document.passages.order_by("position") if ". " in p.text)
    url = reverse("admin:archive_passage_split", args=[first.pk])
    at = first.text.index(". ") + 1
    assert curator.post(url, {"at": str(at), "reason": "two arguments"}).status_code == 302
    assert index_differences().total == 0
    # Document order in search is the order of the text as it now stands.
    listed = client.get(
        "/api/search/",
        {"document": document.slug, "sort": "document", "page_size": 100, "expand": "0"},
    ).json()["results"]
    assert [hit["n"] for hit in listed] == list(
        document.passages.current().order_by("position").values_list("n", flat=True)
    )


def test_an_annotation_form_opened_from_a_passage_does_not_leak_to_another_curator(
    curator, client, django_user_model
):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    add = reverse("admin:annotations_annotation_add")
    opened = curator.get(add, {"passage": passage.pk}).content.decode()
    assert passage.text[:60] in opened
    other = superuser("other")
    client.force_login(other)
    fresh = client.get(add).content.decode()
    assert passage.text[:60] not in fresh
    assert "Choose the passage and save" in fresh


def test_documents_come_from_imports_and_are_unpublished_not_deleted(curator):
    doc = Document.objects.get(slug=SLUGS["003"])
    assert curator.get(reverse("admin:archive_document_add")).status_code == 403
    assert curator.get(reverse("admin:archive_document_delete", args=[doc.pk])).status_code == 403


def test_an_action_leaves_an_entry_in_the_objects_history(curator):
    doc = Document.objects.get(slug=SLUGS["003"])
    curator.post(
        reverse("admin:archive_document_changelist"),
        {"action": "unpublish", "_selected_action": [doc.pk]},
    )
    history = curator.get(reverse("admin:archive_document_history", args=[doc.pk]))
    assert "Unpublished: hidden from readers." in history.content.decode()
