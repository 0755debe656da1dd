"""The index follows the database: edits, imports and unpublishing show up after commit."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Document, Passage
from tests.conftest import SLUGS
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def count(client, q):
    return client.get("/api/search/", {"q": q, "expand": "0"}).json()["count"]


def test_an_admin_correction_is_searchable_once_saved(
    admin_client, client, private_index, django_capture_on_commit_callbacks
):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    assert count(client, "Zanzibarovich") == 0
    url = reverse("admin:archive_passage_change", args=[passage.pk])
    data = form_data(admin_client.get(url))
    data.update(text=passage.text + " Zanzibarovich.", revision_note="test")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert count(client, "Zanzibarovich") == 1


def test_unpublishing_a_document_removes_it_from_search(
    admin_client, client, private_index, django_capture_on_commit_callbacks
):
    before = count(client, "Litinov")
    assert before > 0
    doc = Document.objects.get(slug=SLUGS["003"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:archive_document_changelist"),
            {"action": "unpublish", "_selected_action": [doc.pk]},
        )
    assert count(client, "Litinov") == 0


def test_an_imported_file_is_searchable_and_tagged(
    client, tmp_path, private_index, django_capture_on_commit_callbacks
):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "new.txt").write_text(
        "Tratatul de la Rapallo a fost semnat în 1922 între Germania și Rusia sovietică.\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_documents", str(tmp_path / "sources"), verbosity=0)
    data = client.get("/api/search/", {"q": "Rapallo", "language": "ro"}).json()
    assert any(r["document"]["source_file"] == "new.txt" for r in data["results"])
    passage = Passage.objects.get(document__source_file="new.txt")
    assert "treaty-of-rapallo" in passage.concept_slugs()


def test_rebuild_index_builds_a_complete_index(client, private_index):
    call_command("rebuild_index", interactive=False, verbosity=0)
    data = client.get("/api/search/", {"language": ["hr", "ro", "en"]}).json()
    assert data["count"] == Passage.objects.published().count()
