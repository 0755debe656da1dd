"""The read-only JSON API keeps the contract in DESIGN.md."""

import pytest

from archive.aliases import rename_document
from archive.models import Document, Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def test_documents_list_has_the_contract_fields(client):
    response = client.get("/api/documents/")
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert len(results) == Document.objects.count()
    by_slug = {r["slug"]: r for r in results}
    wiki = by_slug[SLUGS["001"]]
    assert {"slug", "title", "language", "source_file", "url", "passages"} <= set(wiki)
    assert wiki["title"] == "Relațiile sovieto-germane (1918–1941)"
    assert wiki["language"] == "ro"
    assert wiki["source_file"] == "001_5aa7d51724b71bbf.txt"
    assert wiki["url"] == f"http://testserver/documents/{SLUGS['001']}/"
    assert wiki["passages"] == Passage.objects.filter(document__slug=SLUGS["001"]).count()


def test_passage_detail_has_text_reference_document_and_annotations(client):
    data = client.get(f"/api/documents/{SLUGS['000']}/1/").json()
    passage = Passage.objects.get(document__slug=SLUGS["000"], n=1)
    assert data["ref"] == f"{SLUGS['000']}:1"
    assert data["url"] == f"http://testserver/documents/{SLUGS['000']}/1/"
    assert data["n"] == 1
    assert data["language"] == "hr"
    assert data["text"] == passage.text
    assert data["document"] == {
        "slug": SLUGS["000"],
        "title": "Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop",
        "language": "hr",
        "source_file": "000_e0ae1ab68611c2eb.txt",
    }
    assert data["annotations"] == []
    assert 1922 in data["years"]


def test_unknown_passage_is_a_json_404(client):
    response = client.get(f"/api/documents/{SLUGS['000']}/9999/")
    assert response.status_code == 404
    assert "error" in response.json()
    assert client.get("/api/documents/nope/1/").status_code == 404


def test_a_renamed_document_redirects_keeping_the_query(client):
    document = Document.objects.get(slug=SLUGS["003"])
    rename_document(document, "soviet-nazi-relations-essay")
    response = client.get(f"/api/documents/{SLUGS['003']}/2/?rev=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/documents/soviet-nazi-relations-essay/2/?rev=1"
    assert client.get(response["Location"]).json()["ref"] == "soviet-nazi-relations-essay:2"
    # An unpublished document is not found under either slug, as on the reader pages.
    document.published = False
    document.save()
    for slug in (SLUGS["003"], "soviet-nazi-relations-essay"):
        response = client.get(f"/api/documents/{slug}/2/")
        assert response.status_code == 404
        assert "error" in response.json()


def test_api_needs_no_login_and_is_read_only(client):
    assert client.get("/api/documents/").status_code == 200
    assert client.post("/api/documents/").status_code == 405
