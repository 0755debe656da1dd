"""The JSON API's answers, field by field, on the seed corpus: what scripts rely on (DESIGN.md)."""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from annotations.models import Annotation
from annotations.w3c import ANNO_CONTEXT, MEDIA_TYPE
from api.plain import as_json
from api.schemas import SearchResponse
from archive.aliases import merge_passages
from archive.models import Document, Passage
from bench.queries import QUERIES
from search.forms import SearchForm
from search.service import search_passages
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

FIXTURE = "fixtures/annotations.jsonld"
DOCUMENT_REF = {"slug", "title", "language", "source_file"}
DOCUMENT = DOCUMENT_REF | {"url", "passages", "source_url", "source_revision", "checksum"}
PASSAGE = {
    "ref", "url", "n", "language", "section", "text", "word_count", "years", "withdrawn",
    "revision", "document", "replaced_by", "annotations",
}  # fmt: skip
PASSAGE_NOTE = {
    "id", "motivation", "exact", "prefix", "suffix", "start", "end", "body", "body_html",
    "language", "tags", "anchor", "modified",
}  # fmt: skip
SEARCH = {
    "query", "count", "page", "page_size", "suggestion", "notices", "expansions", "results",
    "facets",
}  # fmt: skip
HIT = {
    "ref", "url", "n", "language", "section", "text", "highlight", "snippet", "note", "score",
    "document",
}  # fmt: skip
FACETS = {"language", "document", "year", "concept", "annotated", "note_tag"}


@pytest.fixture
def notes(db):
    """The seed annotations (make setup imports them too)."""
    call_command("import_annotations", FIXTURE, verbosity=0)
    return Annotation.objects.readable()


def json_of(response, status=200, content_type="application/json"):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == content_type
    return response.json()


def test_documents_list_every_published_document_with_its_fields(client):
    data = json_of(client.get(reverse("api:documents")))
    assert set(data) == {"results"}
    assert {d["slug"] for d in data["results"]} == set(
        Document.objects.published().values_list("slug", flat=True)
    )
    for item in data["results"]:
        assert set(item) == DOCUMENT
    pact = next(d for d in data["results"] if d["slug"] == SLUGS["002"])
    document = Document.objects.get(slug=SLUGS["002"])
    assert pact == {
        "slug": SLUGS["002"],
        "title": document.title,
        "language": "en",
        "source_file": "002_46bac4e4e58ff968.txt",
        "url": f"http://testserver/documents/{SLUGS['002']}/",
        "passages": document.passages.current().count(),
        "source_url": document.source_url,
        "source_revision": document.source_revision,
        "checksum": document.checksum,
    }
    assert len(pact["checksum"]) == 64


def test_a_passage_has_its_fields_and_its_published_notes(client, notes):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    data = json_of(client.get(reverse("api:passage", kwargs={"slug": SLUGS["003"], "n": 4})))
    assert set(data) == PASSAGE
    assert set(data["document"]) == DOCUMENT_REF
    assert data["ref"] == f"{SLUGS['003']}:4" and data["n"] == 4
    assert data["url"] == f"http://testserver/documents/{SLUGS['003']}/4/"
    assert data["text"] == passage.text and data["word_count"] == passage.word_count
    assert data["years"] == passage.years and data["language"] == "en"
    assert (data["withdrawn"], data["revision"], data["replaced_by"]) == (False, 1, [])
    shown = notes.filter(passage=passage).exclude(anchor_status="orphaned")
    assert {a["id"] for a in data["annotations"]} == {str(a.uuid) for a in shown}
    for note in data["annotations"]:
        assert set(note) == PASSAGE_NOTE
        assert data["text"][note["start"] : note["end"]] == note["exact"]
        assert note["anchor"] in ("exact", "moved")
    typo = next(a for a in data["annotations"] if "typo" in a["tags"])
    assert typo["tags"] == ["typo", "person"] and typo["language"] == "en"
    assert typo["body_html"].startswith("<p>") and typo["modified"].endswith("+00:00")


def test_a_merged_passage_is_withdrawn_and_names_where_it_went(client):
    first, second = Passage.objects.filter(document__slug=SLUGS["004"]).order_by("position")[:2]
    merged = merge_passages(first, second, reason="one argument")
    data = json_of(client.get(f"/api/documents/{SLUGS['004']}/{first.n}/"))
    assert data["withdrawn"] is True and data["replaced_by"] == [merged.ref]
    assert data["text"] == first.text


def test_missing_passages_and_documents_answer_404_with_an_error(client):
    Document.objects.filter(slug=SLUGS["001"]).update(published=False)
    for path in (
        f"/api/documents/{SLUGS['000']}/9999/",
        "/api/documents/no-such-document/1/",
        f"/api/documents/{SLUGS['001']}/1/",
    ):
        data = json_of(client.get(path), 404)
        assert set(data) == {"error"} and isinstance(data["error"], str)


def test_search_answers_with_its_fields(client):
    data = json_of(client.get("/api/search/", {"q": "Molotov", "page_size": 3}))
    assert set(data) == SEARCH
    assert data["query"] == "Molotov" and data["count"] > 3
    assert (data["page"], data["page_size"]) == (1, 3) and len(data["results"]) == 3
    for hit in data["results"]:
        assert set(hit) == HIT and set(hit["document"]) == DOCUMENT_REF
        passage = Passage.objects.get(document__slug=hit["document"]["slug"], n=hit["n"])
        assert hit["text"] == passage.text and hit["ref"] == passage.ref
        assert hit["url"] == f"http://testserver{passage.get_absolute_url()}"
        assert "<mark>" in hit["highlight"] and isinstance(hit["score"], float)
    assert set(data["facets"]) == FACETS
    for rows in data["facets"].values():
        for row in rows:
            assert set(row) == {"value", "label", "count"}
    assert [row["value"] for row in data["facets"]["year"]] == [str(y) for y in range(1914, 1946)]


def test_a_search_answer_is_its_schemas_json_with_letters_as_they_are(client, rf):
    response = client.get("/api/search/", {"q": "Uniunea Sovietică"})
    json_of(response)
    assert "Sovietică".encode() in response.content and b"\\u0103" not in response.content
    # Written from the schema's fields alone, each answer is the schema's own serialisation.
    request = rf.get("/api/search/")
    asked = [{"q": spec.q, **extra} for spec in QUERIES for extra in ({}, {"language": "hr"})]
    asked += [{}, {"year": "1939"}, {"q": "Ribbentropp"}, {"q": "nothingqz"}]
    asked += [{"q": "the", "page": 2}, {"q": "Molotov", "sort": "document"}]
    for params in asked:
        form = SearchForm(QueryDict(urlencode(params)))
        assert form.is_valid()
        outcome = search_passages(form, request.build_absolute_uri)
        expected = SearchResponse.model_validate(outcome).model_dump_json().encode()
        assert as_json(SearchResponse, outcome) == expected, params
        assert client.get("/api/search/", params).content == expected


def test_search_lists_thesaurus_expansions_and_notices(client):
    data = json_of(client.get("/api/search/", {"q": 'Lithuania "unclosed'}))
    [expansion] = data["expansions"]
    assert set(expansion) == {"matched", "concept", "labels"}
    assert expansion["concept"] == "lithuania" and "Litva" in expansion["labels"]
    assert data["notices"] and all(isinstance(n, str) for n in data["notices"])
    assert json_of(client.get("/api/search/", {"q": "Molotv"}))["suggestion"] == "Molotov"


def test_search_labels_facets_in_the_readers_language(client):
    data = json_of(client.get("/api/search/", {"q": "pakt"}, HTTP_ACCEPT_LANGUAGE="hr"))
    labels = {row["value"]: row["label"] for row in data["facets"]["language"]}
    assert labels["hr"] == "Hrvatski"
    titles = {row["value"]: row["label"] for row in data["facets"]["document"]}
    assert titles[SLUGS["000"]] == Document.objects.get(slug=SLUGS["000"]).title


def test_bad_search_parameters_answer_400_naming_each_parameter(client):
    response = client.get("/api/search/", {"q": "x", "page": "x", "sort": "y", "year": "1200"})
    data = json_of(response, 400)
    assert data["error"] == "invalid parameters"
    assert set(data["details"]) == {"page", "sort", "year"}
    assert all(isinstance(m, str) for messages in data["details"].values() for m in messages)
    assert "1200" in data["details"]["year"][0]
    croatian = client.get("/api/search/", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="hr")
    assert json_of(croatian, 400)["details"] == {"page": ["Unesite cijeli broj."]}


def test_a_search_page_past_the_end_answers_404(client):
    data = json_of(client.get("/api/search/", {"q": "Molotov", "page": 999}), 404)
    assert data == {"error": "page out of range"}


def test_annotations_are_a_w3c_collection_of_pages(client, notes):
    total = notes.exclude(anchor_status="orphaned").count()
    data = json_of(client.get(reverse("api:annotations"), {"page_size": 3}), 200, MEDIA_TYPE)
    assert set(data) == {"@context", "id", "type", "label", "total", "first", "last"}
    assert data["@context"] == ANNO_CONTEXT and data["type"] == "AnnotationCollection"
    assert data["total"] == total
    assert set(data["first"]) == {"id", "type", "startIndex", "items", "next"}
    page = json_of(client.get("/api/annotations/", {"page": 2, "page_size": 3}), 200, MEDIA_TYPE)
    assert set(page) == {"@context", "id", "type", "startIndex", "items", "partOf", "next", "prev"}
    assert page["partOf"] == {
        "id": "http://testserver/api/annotations/?page_size=3",
        "type": "AnnotationCollection",
        "label": data["label"],
        "total": total,
    }
    item = page["items"][0]
    assert {"id", "type", "motivation", "created", "modified", "target"} <= set(item)
    one = json_of(client.get(item["id"].removeprefix("http://testserver")), 200, MEDIA_TYPE)
    assert one == {"@context": ANNO_CONTEXT, **item}
    url = reverse("api:annotation", kwargs={"uuid": one["id"].split("/")[-2]})
    assert one["id"] == f"http://testserver{url}"


def test_bad_annotation_parameters_answer_400_in_the_search_apis_shape(client, notes):
    # Ninja checks these; its own answer would be a 422.
    for params in ({"page_size": 101}, {"page": 0}, {"page": "²"}, {"passage": "no-colon"}):
        data = json_of(client.get("/api/annotations/", params), 400)
        assert data["error"] == "invalid parameters", params
        [(name, [reason])] = data["details"].items()
        assert name in params and reason, params


def test_missing_annotations_answer_404_with_an_error(client, notes):
    for params in ({"document": "no-such-document"}, {"page": 99}):
        data = json_of(client.get("/api/annotations/", params), 404)
        assert set(data) == {"error"} and isinstance(data["error"], str), params
    unknown = client.get("/api/annotations/00000000-0000-4000-8000-000000000000/")
    assert set(json_of(unknown, 404)) == {"error"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/",
        f"/api/documents/{SLUGS['000']}/1/",
        "/api/search/?q=Molotov",
        "/api/annotations/",
        "/api/openapi.json",
    ],
)
def test_the_api_is_read_only(client, path):
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == client.get(path)["Content-Type"]
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD"
        assert json_of(response, 405) == {"error": "method not allowed"}
