"""Annotations: checked selections, safe notes, drafts hidden, re-anchoring, curators' edits."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from annotations.models import Annotation, AnnotationChange
from annotations.rendering import render_body
from annotations.services import save_annotation
from archive.ingest.importer import import_paths
from archive.models import Concept, Document, Passage
from tests.conftest import SEED, SLUGS, seed_text
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def essay(n):
    return Passage.objects.get(document__slug=SLUGS["003"], n=n)


def concept(slug):
    return Concept.objects.get(slug=slug)


def annotate(passage, exact, *, status="published", body="A note.", user=None, **extra):
    return save_annotation(
        Annotation(passage=passage, exact=exact, body=body, status=status, **extra), user=user
    )


def test_a_selection_is_placed_and_given_its_context():
    passage = essay(4)
    note = annotate(passage, "Litinov")
    assert passage.text[note.start : note.end] == "Litinov"
    assert note.prefix.endswith("Soviet Union, ") and note.suffix.startswith(", was")
    assert note.revision == passage.revisions.last()
    assert note.original_exact == "Litinov"


def test_offsets_pick_the_intended_repeat_of_a_quote():
    passage = essay(4)
    second = passage.text.index("Litinov", passage.text.index("Litinov") + 1)
    note = annotate(passage, "Litinov", start=second, end=second + 7)
    assert note.start == second


def test_a_quote_that_is_not_in_the_passage_is_refused():
    with pytest.raises(ValidationError, match="does not occur"):
        annotate(essay(4), "Litvinov")


def test_note_bodies_are_sanitised_and_keep_language_marks():
    html = render_body(
        '**Maxim Litvinov** <span lang="ru">Литвинов</span> '
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"
    )
    assert "<strong>Maxim Litvinov</strong>" in html
    assert '<span lang="ru">Литвинов</span>' in html
    assert "<script" not in html and "javascript:" not in html and "<img" not in html


def test_published_notes_show_on_the_passage_page_and_drafts_do_not(client):
    passage = essay(4)
    annotate(
        passage,
        "Litinov",
        body="Maxim **Litvinov**, People's Commissar.",
        motivation="correcting",
        tags="typo, person",
    )
    annotate(passage, "Molotov", body="Secret draft note", status="draft")
    page = client.get(passage.get_absolute_url()).content.decode()
    assert '<mark class="annotated"' in page and "<strong>Litvinov</strong>" in page
    assert "Secret draft note" not in page
    assert "Correction" in page and ">typo<" in page
    reader = client.get(f"/documents/{SLUGS['003']}/").content.decode()
    assert "1 note" in reader


def test_notes_identifying_concepts_name_them_in_the_interface_language(
    client, django_assert_max_num_queries
):
    passage = essay(4)
    annotate(passage, "Litinov", motivation="identifying", link_concept=concept("maxim-litvinov"))
    annotate(passage, "Molotov", motivation="identifying", link_concept=concept("anschluss"))
    client.cookies["django_language"] = "hr"
    client.get(passage.get_absolute_url())
    # Document, passage and revisions, neighbours, whether it has notes, the notes, and the
    # labels of every concept they identify: one query, however many concepts.
    with django_assert_max_num_queries(8):
        page = client.get(passage.get_absolute_url()).content.decode()
    for slug in ("maxim-litvinov", "anschluss"):
        name = concept(slug).label("hr")
        assert f'<a href="/search/?concept={slug}">{name}</a>' in page


def test_drafts_are_hidden_from_the_api_and_search(
    client, private_index, django_capture_on_commit_callbacks
):
    passage = essay(3)
    with django_capture_on_commit_callbacks(execute=True):
        annotate(passage, "trade agreements", body="Xylophonist draft", status="draft")
        annotate(passage, "Molotov-Ribbentrop Pact", body="Quetzalcoatl published", tags="pact")
    api = client.get(f"/api/documents/{SLUGS['003']}/3/").json()
    bodies = " ".join(str(a) for a in api["annotations"])
    assert "Quetzalcoatl" in bodies and "Xylophonist" not in bodies
    search = client.get("/api/search/", {"q": "Quetzalcoatl"}).json()
    assert [r["ref"] for r in search["results"]] == [passage.ref]
    assert client.get("/api/search/", {"q": "Xylophonist"}).json()["count"] == 0
    noted = client.get("/api/search/", {"q": "note:Quetzalcoatl"}).json()
    assert noted["count"] == 1
    facets = client.get("/api/search/", {"q": "pact"}).json()["facets"]
    assert {"value": "yes", "label": "With curators’ notes", "count": 1} in facets["annotated"]
    assert {"value": "pact", "label": "pact", "count": 1} in facets["note_tag"]


def test_a_link_to_a_passage_readers_cannot_open_is_left_out_and_the_note_stays(client):
    hidden = Passage.objects.get(document__slug=SLUGS["000"], n=17)
    shown = Passage.objects.get(document__slug=SLUGS["002"], n=1)
    annotate(
        essay(4),
        "Litinov",
        body="Compare the Zagreb copy.",
        motivation="linking",
        link_passage=hidden,
    )
    annotate(essay(4), "Molotov", body="The pact itself.", motivation="linking", link_passage=shown)
    Document.objects.filter(slug=SLUGS["000"]).update(published=False)
    shown.withdraw()  # still readable at its URL, so still linked
    page = client.get(essay(4).get_absolute_url()).content.decode()
    assert "Compare the Zagreb copy." in page and "The pact itself." in page
    assert SLUGS["000"] not in page
    assert f'<a href="{shown.get_absolute_url()}">{shown.ref}</a>' in page
    api = client.get(f"/api/documents/{SLUGS['003']}/4/").content.decode()
    assert "Compare the Zagreb copy." in api and SLUGS["000"] not in api


def reimport_essay(tmp_path, catalogue, change):
    path = tmp_path / SEED["003"]
    path.write_text(change(seed_text("003")), encoding="utf-8")
    [result] = import_paths([path], catalogue)
    assert result.status == "revised"


def test_reanchoring_a_moved_quote(tmp_path, catalogue):
    note = annotate(essay(4), "a mutual security pact")
    reimport_essay(tmp_path, catalogue, lambda t: t.replace("Litinov had", "Litinov, who had"))
    note.refresh_from_db()
    passage = essay(4)
    assert note.anchor_status == "moved" and note.anchor_score == 1.0
    assert passage.text[note.start : note.end] == "a mutual security pact"
    assert AnnotationChange.objects.filter(annotation=note, action="reanchored").exists()


def test_reanchoring_a_corrected_quote_fuzzily(tmp_path, catalogue):
    note = annotate(essay(4), "the current foreign minister of the Soviet Union, Litinov")
    reimport_essay(tmp_path, catalogue, lambda t: t.replace("Union, Litinov", "Union, Litvinov"))
    note.refresh_from_db()
    assert note.anchor_status == "moved" and 0.8 < note.anchor_score < 1
    assert note.exact == "the current foreign minister of the Soviet Union, Litvinov"
    assert note.original_exact.endswith("Litinov")


def test_a_deleted_quote_orphans_the_annotation_and_keeps_it(tmp_path, catalogue, client):
    note = annotate(essay(4), "temporarily cleansed of Jews")
    reimport_essay(
        tmp_path,
        catalogue,
        lambda t: t.replace(
            ", and ordered that the foreign ministry be temporarily cleansed of Jews", ""
        ),
    )
    note.refresh_from_db()
    assert note.anchor_status == "orphaned" and note.exact == "temporarily cleansed of Jews"
    assert "temporarily cleansed" not in client.get(essay(4).get_absolute_url()).content.decode()
    assert note in Annotation.objects.orphaned()


def test_a_short_quote_needs_a_near_exact_match(tmp_path, catalogue):
    note = annotate(essay(4), "Litinov")
    reimport_essay(tmp_path, catalogue, lambda t: t.replace("Litinov", "Litvinov"))
    note.refresh_from_db()
    assert note.anchor_status == "orphaned"


def test_curator_annotates_in_the_admin_and_the_audit_trail_records_it(admin_client):
    passage = essay(4)
    add = reverse("admin:annotations_annotation_add") + f"?passage={passage.pk}"
    page = admin_client.get(add).content.decode()
    assert 'class="annotate-source"' in page and "Litinov had Jewish ancestry" in page
    response = admin_client.post(
        add,
        {
            "passage": passage.pk,
            "exact": "Litinov",
            "start": "",
            "end": "",
            "motivation": "correcting",
            "body": "Litvinov",
            "body_language": "en",
            "tags": "typo",
            "status": "published",
            "seen_version": "",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = Annotation.objects.get(passage=passage)
    assert note.creator.username == "admin" and note.start == passage.text.index("Litinov")
    assert AnnotationChange.objects.get(annotation=note).action == "created"


def test_admin_refuses_a_quote_not_in_the_text(admin_client):
    passage = essay(4)
    response = admin_client.post(
        reverse("admin:annotations_annotation_add"),
        {
            "passage": passage.pk,
            "exact": "Churchill",
            "motivation": "commenting",
            "body_language": "en",
            "status": "draft",
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "does not occur" in str(response.context["adminform"].form.errors)


def test_two_curators_editing_the_same_annotation_do_not_overwrite_silently(admin_client):
    note = annotate(essay(4), "Litinov", body="First")
    url = reverse("admin:annotations_annotation_change", args=[note.pk])
    stale = form_data(admin_client.get(url))
    fresh = form_data(admin_client.get(url))
    fresh["body"] = "Second curator's note"
    assert admin_client.post(url, fresh).status_code == 302
    stale["body"] = "First curator's late change"
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else changed this annotation" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Second curator's note"


def test_only_staff_with_annotation_permissions_can_write(client):
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:annotations_annotation_add")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="add_annotation"))
    assert client.get(reverse("admin:annotations_annotation_add")).status_code == 200


def test_bulk_publish_and_the_orphan_queue(admin_client):
    note = annotate(essay(4), "Litinov", status="draft")
    admin_client.post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": "publish", "_selected_action": [note.pk]},
    )
    note.refresh_from_db()
    assert note.status == "published"
    queue = admin_client.get(reverse("admin:annotations_annotation_changelist") + "?queue=orphaned")
    assert queue.status_code == 200 and queue.context["cl"].result_count == 0
