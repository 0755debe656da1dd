"""What readers see of the notes: one rule (`AnnotationQuerySet.readable`) for the passage page,
the reader's note badges, the API, the index and the note-tag filter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import AnchorStatus, Annotation, AnnotationStatus
from annotations.services import save_annotation
from archive.models import Document, Passage, RevisionReason
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def passage(key, n):
    return Passage.objects.select_related("document").get(document__slug=SLUGS[key], n=n)


def annotate(p, exact, *, status=AnnotationStatus.PUBLISHED, **fields):
    return save_annotation(Annotation(passage=p, exact=exact, status=status, **fields), user=None)


def orphan(note):
    """Revise the note's passage so that its quote is gone (re-anchoring orphans it)."""
    p = note.passage
    p.revise(p.text.replace(note.exact, "…"), reason=RevisionReason.EDIT)
    note.refresh_from_db()
    assert note.anchor_status == AnchorStatus.ORPHANED
    return note


def badge(p) -> str:
    return f'href="{p.get_absolute_url()}#notes-heading"'


def test_an_orphaned_note_gives_its_passage_no_badge_in_the_reader(client):
    lost = orphan(annotate(passage("003", 4), "temporarily cleansed of Jews", body="Gone."))
    kept = annotate(passage("003", 3), "trade agreements", body="Still here.")
    reader = client.get(f"/documents/{SLUGS['003']}/").content.decode()
    assert badge(kept.passage) in reader
    assert badge(lost.passage) not in reader
    assert "Gone." not in client.get(lost.passage.get_absolute_url()).content.decode()


def test_an_orphaned_notes_tag_is_not_offered_as_a_note_tag_filter(client):
    orphan(annotate(passage("003", 4), "temporarily cleansed of Jews", tags="lost-quote"))
    annotate(passage("003", 3), "trade agreements", tags="trade")
    kept = client.get("/api/search/", {"q": "Molotov", "note_tag": "trade"})
    assert kept.status_code == 200
    lost = client.get("/api/search/", {"q": "Molotov", "note_tag": "lost-quote"})
    assert lost.status_code == 400
    assert "lost-quote" in " ".join(lost.json()["details"]["note_tag"])


def test_the_rule_reads_the_same_in_the_database_and_for_notes_in_memory():
    current, withdrawn, hidden = passage("003", 4), passage("002", 1), passage("000", 17)
    for p in (current, withdrawn, hidden):
        for status in AnnotationStatus.values:
            for anchor_status in AnchorStatus.values:
                note = annotate(p, p.text[:12], status=status)
                Annotation.objects.filter(pk=note.pk).update(anchor_status=anchor_status)
    withdrawn.withdraw()  # still readable at its URL, and so are its notes
    Document.objects.filter(pk=hidden.document_id).update(published=False)
    in_memory = {a for a in Annotation.objects.select_related("passage__document") if a.readable}
    assert set(Annotation.objects.readable()) == in_memory
    assert sorted((a.passage_id, a.anchor_status) for a in in_memory) == sorted(
        (p.pk, anchor)
        for p in (current, withdrawn)
        for anchor in (AnchorStatus.EXACT, AnchorStatus.MOVED)
    )


def test_the_reader_counts_notes_without_a_query_per_passage(client):
    queries = {}
    for key in ("002", "003"):
        for n in (1, 2, 3):
            p = passage(key, n)
            annotate(p, p.text[:12])
            annotate(p, p.text[:12], status=AnnotationStatus.DRAFT)
        with CaptureQueriesContext(connection) as queries[key]:
            page = client.get(f"/documents/{SLUGS[key]}/").content.decode()
        assert page.count('class="note-badge"') == 3
    sizes = {key: Passage.objects.filter(document__slug=SLUGS[key]).count() for key in queries}
    assert sizes["002"] != sizes["003"]
    assert len(queries["002"]) == len(queries["003"])
