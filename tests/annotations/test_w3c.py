"""Annotations as W3C Web Annotations: the public API, export, import and the seed fixture."""

import json
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.anchoring import context
from annotations.models import Annotation, AnnotationChange
from annotations.services import delete_annotation, save_annotation
from annotations.w3c import ANNO_CONTEXT, MEDIA_TYPE, w3c_to_annotation
from archive.models import (
    Concept,
    Document,
    DocumentAlias,
    Passage,
)
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "annotations.jsonld"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture(autouse=True)
def no_annotations():
    """A clean slate inside the test's transaction, whatever else the session stored."""
    Annotation.objects.all().delete()
    AnnotationChange.objects.all().delete()


def passage(ref: str) -> Passage:
    slug, n = ref.split(":")
    return Passage.objects.get(document__slug=slug, n=int(n))


def annotate(ref: str, exact: str, *, status="published", user=None, **fields) -> Annotation:
    annotation = Annotation(passage=passage(ref), exact=exact, status=status, **fields)
    return save_annotation(annotation, user=user)


def selectors(item: dict) -> tuple[dict, dict]:
    found = {s["type"]: s for s in item["target"]["selector"]}
    return found["TextQuoteSelector"], found["TextPositionSelector"]


def source_url(item: dict) -> str:
    """The passage a target names: an object with an id as the archive exports it, or a bare
    URL as older exports (the seed fixture) wrote it."""
    source = item["target"]["source"]
    return source["id"] if isinstance(source, dict) else source


def assert_refinds_quote(client, item: dict) -> None:
    """The selectors name the quote in the passage text the JSON API serves today."""
    text = client.get("/api" + urlsplit(source_url(item)).path).json()["text"]
    quote, position = selectors(item)
    start, end = position["start"], position["end"]
    assert text[start:end] == quote["exact"]
    assert text[:start].endswith(quote["prefix"]) and text[end:].startswith(quote["suffix"])


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_one_annotation_is_a_w3c_web_annotation(client):
    note = annotate(
        f"{SLUGS['003']}:4",
        "Litinov",
        motivation="correcting",
        tags="typo, person",
        body="Misspelt: **Litvinov**.",
        link_concept=Concept.objects.get(slug="maxim-litvinov"),
    )
    response = client.get(f"/api/annotations/{note.uuid}/")
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    data = response.json()
    assert data["@context"] == ANNO_CONTEXT
    assert data["id"] == f"http://testserver/api/annotations/{note.uuid}/"
    # A correction asks for a change to the text: the model's "editing".
    assert data["type"] == "Annotation" and data["motivation"] == "editing"
    assert ISO_UTC.match(data["created"]) and ISO_UTC.match(data["modified"])
    note_body, *tags, concept = data["body"]
    assert note_body == {
        "type": "TextualBody",
        "value": "Misspelt: **Litvinov**.",
        "format": "text/markdown",
        "language": "en",
        "purpose": "editing",
    }
    assert [t["value"] for t in tags] == ["typo", "person"]
    assert {t["purpose"] for t in tags} == {"tagging"}
    assert concept == {
        "type": "SpecificResource",
        "purpose": "identifying",
        "source": "http://testserver/search/?concept=maxim-litvinov",
    }
    assert data["target"]["source"] == {
        "id": f"http://testserver/documents/{SLUGS['003']}/4/",
        "type": "Text",
        "format": "text/html",
        "language": "en",
    }
    quote, position = selectors(data)
    assert quote["exact"] == "Litinov" and position["end"] - position["start"] == 7
    assert_refinds_quote(client, data)
    assert "archive:status" not in data


def test_a_link_points_at_the_linked_passage(client):
    link = annotate(
        f"{SLUGS['002']}:1",
        "Secret Protocol",
        motivation="linking",
        link_passage=passage(f"{SLUGS['000']}:17"),
    )
    data = client.get(f"/api/annotations/{link.uuid}/").json()
    assert data["body"] == [
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": f"http://testserver/documents/{SLUGS['000']}/17/",
        }
    ]


def test_drafts_reviews_and_orphans_stay_out_of_the_public_api(client):
    shown = annotate(f"{SLUGS['003']}:5", "Balkins", body="Balkans.")
    draft = annotate(f"{SLUGS['003']}:5", "Baltic", status="draft", body="Draft.")
    review = annotate(f"{SLUGS['003']}:4", "Molotov", status="review")
    orphan = annotate(f"{SLUGS['003']}:4", "Stalin")
    Annotation.objects.filter(pk=orphan.pk).update(anchor_status="orphaned")
    data = client.get("/api/annotations/").json()
    assert data["type"] == "AnnotationCollection" and data["@context"] == ANNO_CONTEXT
    assert data["total"] == 1
    assert [i["id"] for i in data["first"]["items"]] == [
        f"http://testserver/api/annotations/{shown.uuid}/"
    ]
    for hidden in (draft, review, orphan):
        response = client.get(f"/api/annotations/{hidden.uuid}/")
        assert response.status_code == 404 and "error" in response.json()
    assert client.get("/api/annotations/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_annotations_on_an_unpublished_document_are_hidden(client):
    note = annotate(f"{SLUGS['003']}:5", "Balkins")
    note.passage.document.__class__.objects.filter(slug=SLUGS["003"]).update(published=False)
    assert client.get("/api/annotations/").json()["total"] == 0
    assert client.get(f"/api/annotations/{note.uuid}/").status_code == 404


def test_every_listed_selector_refinds_its_quote(client):
    annotate(f"{SLUGS['000']}:1", "o ožujku 1926.", motivation="correcting")
    annotate(f"{SLUGS['001']}:5", "Molotov-Ribentrop", body_language="ro", body="Ribbentrop.")
    annotate(f"{SLUGS['003']}:4", "Litinov", start=332, end=339)  # the third of three
    data = client.get("/api/annotations/").json()
    assert data["total"] == 3
    for item in data["first"]["items"]:
        assert "@context" not in item
        assert_refinds_quote(client, item)
    third = [i for i in data["first"]["items"] if selectors(i)[0]["exact"] == "Litinov"]
    assert selectors(third[0])[1]["start"] == 332


def test_filters_by_document_and_by_passage(client):
    annotate(f"{SLUGS['003']}:4", "Litinov")
    annotate(f"{SLUGS['003']}:5", "Balkins")
    annotate(f"{SLUGS['000']}:2", "Maxim Litvinov")
    by_document = client.get(f"/api/annotations/?document={SLUGS['003']}").json()
    assert by_document["total"] == 2
    assert by_document["id"] == f"http://testserver/api/annotations/?document={SLUGS['003']}"
    by_passage = client.get(f"/api/annotations/?passage={SLUGS['003']}:5").json()
    assert [selectors(i)[0]["exact"] for i in by_passage["first"]["items"]] == ["Balkins"]
    DocumentAlias.objects.create(
        old_slug="hr-essay-old", document=passage(f"{SLUGS['000']}:2").document
    )
    assert client.get("/api/annotations/?passage=hr-essay-old:2").json()["total"] == 1
    assert client.get("/api/annotations/?document=no-such-document").status_code == 404
    assert client.get("/api/annotations/?passage=no-colon").status_code == 400
    assert client.get(f"/api/annotations/?passage={SLUGS['003']}:1").json() == {
        "@context": ANNO_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Notes on the passages of the Soviet–German Relations Archive",
        "total": 0,
        "id": f"http://testserver/api/annotations/?passage={SLUGS['003']}%3A1",
    }


def test_paging_follows_the_web_annotation_protocol(client):
    for word in ("Litinov", "Jewish", "Molotov", "Stalin", "Berlin"):
        annotate(f"{SLUGS['003']}:4", word)
    data = client.get("/api/annotations/?page_size=2").json()
    assert data["total"] == 5
    assert data["last"] == "http://testserver/api/annotations/?page_size=2&page=3"
    first = data["first"]
    assert first["type"] == "AnnotationPage" and first["startIndex"] == 0
    assert len(first["items"]) == 2
    seen = [i["id"] for i in first["items"]]
    page = client.get(first["next"].removeprefix("http://testserver")).json()
    while True:
        assert page["type"] == "AnnotationPage" and page["@context"] == ANNO_CONTEXT
        assert page["partOf"]["total"] == 5 and page["startIndex"] == len(seen)
        seen += [i["id"] for i in page["items"]]
        if "next" not in page:
            break
        page = client.get(page["next"].removeprefix("http://testserver")).json()
    assert len(seen) == len(set(seen)) == 5
    assert page["prev"].endswith("page=2")
    assert client.get("/api/annotations/?page=4&page_size=2").status_code == 404
    assert client.get("/api/annotations/?page_size=101").status_code == 400
    assert client.get("/api/annotations/?page=0").status_code == 400
    assert client.post("/api/annotations/").status_code == 405


def test_export_delete_import_round_trip_keeps_everything(tmp_path):
    ana = get_user_model().objects.create_user("ana", first_name="Ana", last_name="Horvat")
    annotate(
        f"{SLUGS['003']}:4",
        "Litinov",
        start=100,
        end=107,
        motivation="correcting",
        tags="typo, person",
        body="*Litvinov*",
        user=ana,
        link_concept=Concept.objects.get(slug="maxim-litvinov"),
    )
    annotate(
        f"{SLUGS['000']}:17",
        "Dodatni tajni protokol",
        status="draft",
        user=ana,
        motivation="linking",
        body="Isti protokol.",
        body_language="hr",
        link_passage=passage(f"{SLUGS['002']}:1"),
    )
    annotate(
        f"{SLUGS['001']}:4",
        "Pactul Molotov – Ribbentrop",
        status="review",
        motivation="tagging",
        tags="naming",
        creator_name="Ioana Popa",
        creator_type="Person",
        creator_iri="https://orcid.org/0000-0002-1825-0097",
    )
    fields = (
        "uuid",
        "passage_id",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
        "body",
        "body_language",
        "motivation",
        "tags",
        "status",
        "link_passage_id",
        "link_concept_id",
        "creator_id",
        "creator_name",
        "creator_type",
        "creator_iri",
        "created_at",
        "modified_at",
    )
    before = list(Annotation.objects.order_by("uuid").values(*fields))
    backup = tmp_path / "backup.jsonld"
    run("export_annotations", str(backup), "--all-statuses")
    data = json.loads(backup.read_text(encoding="utf-8"))
    assert data["total"] == 3
    assert {i["archive:status"] for i in data["first"]["items"]} == {"published", "draft", "review"}
    assert {i["creator"]["name"] for i in data["first"]["items"]} == {"Ana Horvat", "Ioana Popa"}
    for annotation in Annotation.objects.all():
        delete_annotation(annotation, user=None)
    assert "Imported 3, skipped 0, failed 0" in run("import_annotations", str(backup))
    assert list(Annotation.objects.order_by("uuid").values(*fields)) == before


def test_the_public_export_leaves_drafts_out(client, tmp_path):
    annotate(f"{SLUGS['003']}:5", "Balkins")
    annotate(f"{SLUGS['003']}:5", "Baltic", status="draft")
    out = tmp_path / "public.jsonld"
    run(
        "export_annotations",
        str(out),
        "--document",
        SLUGS["003"],
        "--base-url",
        "https://archive.example/",
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"] == 1 and data["@context"] == ANNO_CONTEXT
    assert data["id"] == f"https://archive.example/api/annotations/?document={SLUGS['003']}"
    assert data["first"]["items"][0]["target"]["source"]["id"].startswith(
        "https://archive.example/"
    )
    assert_refinds_quote(client, data["first"]["items"][0])


def test_duplicates_are_refused_and_never_overwritten():
    run("import_annotations", str(FIXTURE))
    edited = Annotation.objects.get(exact="Balkins")
    edited.body = "A curator's later wording."
    save_annotation(edited, user=None)
    with pytest.raises(CommandError, match=r"10 of 10 annotations failed"):
        run("import_annotations", str(FIXTURE))
    assert Annotation.objects.count() == 10
    assert Annotation.objects.get(exact="Balkins").body == "A curator's later wording."


def test_skip_existing_makes_seeding_idempotent_and_respects_deletions():
    assert "Imported 10, skipped 0" in run("import_annotations", str(FIXTURE), "--skip-existing")
    output = run("import_annotations", str(FIXTURE), "--skip-existing")
    assert "Imported 0, skipped 10, failed 0" in output and "already here" in output
    delete_annotation(Annotation.objects.get(exact="Balkins"), user=None)
    output = run("import_annotations", str(FIXTURE), "--skip-existing")
    assert "deleted here by a curator" in output
    assert Annotation.objects.count() == 9


def test_a_broken_item_is_reported_by_position_while_good_ones_import(tmp_path):
    items = json.loads(FIXTURE.read_text(encoding="utf-8"))["first"]["items"][:4]
    selectors(items[1])[0]["exact"] = "words nowhere in the passage"
    items[2]["target"]["source"] = "http://127.0.0.1:8000/documents/no-such-document/1/"
    path = tmp_path / "mixed.jsonld"
    path.write_text(json.dumps(items), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match=r"2 of 4 annotations failed: items 2, 3"):
        call_command("import_annotations", str(path), stdout=out)
    report = out.getvalue()
    assert re.search(r"\[2/4\].*FAILED — the quote 'words nowhere in the passage'", report)
    assert re.search(r"\[3/4\].*FAILED — target no-such-document:1 is not a passage", report)
    assert Annotation.objects.count() == 2


def test_the_fixture_imports_cleanly_onto_the_seed_corpus(client):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    items = data["first"]["items"]
    assert data["type"] == "AnnotationCollection" and data["total"] == len(items) >= 6
    for item in items:
        assert_refinds_quote(client, item)
        assert item["creator"]["name"] == "Archive curators"
        assert urlsplit(source_url(item)).netloc == "127.0.0.1:8000"
    run("import_annotations", str(FIXTURE))
    stored = {str(a.uuid): a for a in Annotation.objects.select_related("passage")}
    assert len(stored) == len(items)
    for item in items:
        annotation = stored[UUID.search(item["id"])[0]]
        quote, position = selectors(item)
        assert annotation.anchor_status == "exact" and annotation.status == "published"
        assert (annotation.start, annotation.end) == (position["start"], position["end"])
        text = annotation.passage.text
        assert context(text, annotation.start, annotation.end) == (quote["prefix"], quote["suffix"])
    assert client.get("/api/annotations/").json()["total"] == len(items)
    motivations = {a.motivation for a in stored.values()}
    assert {"correcting", "identifying", "linking", "commenting"} <= motivations
    assert {a.body_language for a in stored.values()} == {"en", "hr", "ro"}


def test_dry_run_stores_nothing():
    output = run("import_annotations", str(FIXTURE), "--dry-run")
    assert "Would import 10" in output and "Dry run: nothing was stored." in output
    assert not Annotation.objects.exists() and not AnnotationChange.objects.exists()


def test_import_reads_other_tools_whatever_the_host():
    DocumentAlias.objects.create(
        old_slug="essay-1930s", document=passage(f"{SLUGS['003']}:4").document
    )
    foreign = {
        "@context": ANNO_CONTEXT,
        "id": "https://hypothes.is/a/abc123",
        "type": "Annotation",
        "motivation": "highlighting",
        "body": [
            {"type": "TextualBody", "value": "Third mention."},
            {"type": "TextualBody", "purpose": "tagging", "value": "name"},
        ],
        "target": [
            {
                "source": "https://mirror.example/archive/documents/essay-1930s/4/",
                "selector": [
                    {"type": "RangeSelector"},
                    {
                        "type": "TextQuoteSelector",
                        "exact": "Litinov",
                        "prefix": "until Stalin replaced ",
                        "suffix": " with Molotov",
                    },
                ],
            }
        ],
    }
    annotation, warnings = w3c_to_annotation(foreign)
    assert annotation.passage == passage(f"{SLUGS['003']}:4")
    assert (annotation.start, annotation.end) == (332, 339)  # placed by its context
    assert annotation.motivation == "commenting" and annotation.tags == "name"
    assert annotation.body == "Third mention."
    again, _ = w3c_to_annotation(foreign)
    assert again.uuid == annotation.uuid  # so a second import is refused as a duplicate
    assert any("highlighting" in w for w in warnings) and any("hypothes.is" in w for w in warnings)
    urn = {**foreign, "id": "urn:uuid:6bac1667-8e64-4541-8120-e56fa58265d3"}
    assert str(w3c_to_annotation(urn)[0].uuid) == "6bac1667-8e64-4541-8120-e56fa58265d3"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"type": "Note"}, "not a W3C Annotation"),
        ({"target": "http://x/documents/a/1/"}, "no selector"),
        ({"target": {"source": "http://x/elsewhere/", "selector": []}}, "no selector"),
        (
            {
                "target": {
                    "source": "http://x/page",
                    "selector": {"type": "TextQuoteSelector", "exact": "a"},
                }
            },
            "not a passage URL",
        ),
        ({"motivation": "admiring"}, "unknown motivation 'admiring'"),
        ({"body": {"type": "TextualBody", "value": "Bonjour", "language": "fr"}}, "language"),
        ({"body": {"type": "TextualBody", "purpose": "tagging", "value": "a, b"}}, "comma"),
        ({"created": "yesterday"}, "not an ISO 8601"),
        ({"id": "urn:uuid:not-a-uuid"}, "no valid UUID"),
        ({"archive:status": "secret"}, "unknown status"),
    ],
)
def test_unusable_annotations_raise_clear_errors(change, message):
    good = json.loads(FIXTURE.read_text(encoding="utf-8"))["first"]["items"][0]
    with pytest.raises(ValueError, match=message):
        w3c_to_annotation({**good, **change})


def test_a_link_to_an_unpublished_passage_is_left_out_of_public_output_not_the_backup(client):
    link = annotate(
        f"{SLUGS['002']}:1",
        "Secret Protocol",
        motivation="linking",
        body="The Croatian translation.",
        link_passage=passage(f"{SLUGS['000']}:17"),
    )
    Document.objects.filter(slug=SLUGS["000"]).update(published=False)
    one = client.get(f"/api/annotations/{link.uuid}/").json()
    assert [b.get("value") for b in one["body"]] == ["The Croatian translation."]
    public = [
        client.get(f"/api/annotations/{link.uuid}/").content.decode(),
        client.get("/api/annotations/").content.decode(),
        client.get("/api/annotations/", {"page": 1}).content.decode(),
        run("export_annotations", "-"),
    ]
    for output in public:
        assert "The Croatian translation." in output and SLUGS["000"] not in output
    # A curator's backup keeps the link, so that importing it restores the annotation whole.
    backup = json.loads(run("export_annotations", "-", "--all-statuses"))
    [item] = backup["first"]["items"]
    assert {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": f"http://127.0.0.1:8000/documents/{SLUGS['000']}/17/",
    } in item["body"]


# The Web Annotation vocabulary (https://www.w3.org/TR/annotation-vocab/#motivation): the only
# motivations and purposes a JSON-LD processor expands to oa: IRIs with the model's context.
W3C_MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}
AGENT_CLASSES = {"Person", "Organization", "Software"}


def test_the_export_meets_the_models_shoulds(client):
    named = get_user_model().objects.create_user("m.kos", first_name="Marija", last_name="Kos")
    unnamed = get_user_model().objects.create_user("curator7")
    annotate(f"{SLUGS['003']}:4", "Litinov", motivation="correcting", body="Litvinov.", user=named)
    annotate(f"{SLUGS['003']}:5", "Balkins", motivation="describing", body="Balkans.", user=unnamed)
    annotate(f"{SLUGS['001']}:4", "Pactul", motivation="commenting", body="Numele pactului.")
    annotate(
        f"{SLUGS['000']}:1",
        "Sovjetski Savez",
        motivation="identifying",
        body="SSSR.",
        creator_name="Ivo Babić",
        creator_type="Person",
    )
    data = client.get("/api/annotations/").json()
    # The collection is labelled.
    assert data["label"] == "Notes on the passages of the Soviet–German Relations Archive"
    items = data["first"]["items"]
    assert len(items) == 4
    for item in items:
        # Motivations and purposes are terms of the model (a correction is "editing").
        assert item["motivation"] in W3C_MOTIVATIONS
        assert {body["purpose"] for body in item["body"]} <= W3C_MOTIVATIONS
        # Every note names its creator with an IRI, a class of agent and a name, never a login.
        creator = item["creator"]
        assert creator.keys() == {"id", "type", "name"}
        assert re.match(r"^(urn:uuid:[0-9a-f-]{36}|https?://)", creator["id"])
        assert creator["type"] in AGENT_CLASSES and creator["name"]
        assert creator["name"] not in {"m.kos", "curator7"} and "nickname" not in creator
        # The target's source says what it is: an HTML page in the passage's language.
        source = item["target"]["source"]
        assert source["format"] == "text/html"
        assert source["language"] == passage(f"{source['id'].split('/')[-3]}:1").language
    by_quote = {selectors(item)[0]["exact"]: item for item in items}
    assert by_quote["Litinov"]["motivation"] == "editing"
    assert by_quote["Litinov"]["creator"]["name"] == "Marija Kos"
    assert by_quote["Balkins"]["creator"]["name"] == "Archive curator"
    assert by_quote["Pactul"]["creator"]["type"] == "Organization"
    assert by_quote["Pactul"]["creator"]["name"] == "Archive curators"
    assert by_quote["Sovjetski Savez"]["creator"]["name"] == "Ivo Babić"
    # One agent, one IRI: the same account's notes share it, another account's differ.
    again = annotate(f"{SLUGS['003']}:4", "Molotov", body="Again.", user=named)
    mine = client.get(f"/api/annotations/{again.uuid}/").json()["creator"]["id"]
    assert mine == by_quote["Litinov"]["creator"]["id"] != by_quote["Balkins"]["creator"]["id"]
    # The page shows the same names, never the login.
    page = client.get(f"/documents/{SLUGS['003']}/5/").content.decode()
    assert "Archive curator" in page and "curator7" not in page


def test_an_import_keeps_a_creator_who_has_no_account_here(client):
    foreign = {
        "@context": ANNO_CONTEXT,
        "id": "https://hypothes.is/a/xyz789",
        "type": "Annotation",
        "motivation": "editing",
        "creator": {"id": "https://orcid.org/0000-0002-1825-0097", "type": "Person", "name": "Ana"},
        "body": {"type": "TextualBody", "value": "Read Litvinov.", "purpose": "editing"},
        "target": {
            "source": f"https://mirror.example/documents/{SLUGS['003']}/4/",
            "selector": {"type": "TextQuoteSelector", "exact": "Litinov"},
        },
    }
    annotation, warnings = w3c_to_annotation(foreign)
    assert annotation.motivation == "correcting" and not any("editing" in w for w in warnings)
    assert annotation.creator is None
    assert (annotation.creator_name, annotation.creator_type, annotation.creator_iri) == (
        "Ana",
        "Person",
        "https://orcid.org/0000-0002-1825-0097",
    )
    annotation.status = "published"
    save_annotation(annotation, user=get_user_model().objects.create_user("importer"))
    exported = client.get(f"/api/annotations/{annotation.uuid}/").json()
    assert exported["creator"] == foreign["creator"]
    assert exported["motivation"] == "editing"
    page = client.get(f"/documents/{SLUGS['003']}/4/").content.decode()
    assert "Ana," in page and "importer" not in page
