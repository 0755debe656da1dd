"""Reader pages: catalogue, document reader and passage permalink, as a reader sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.aliases import split_passage
from archive.models import Document, Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def test_home_gives_an_overview_of_the_corpus(client):
    page = client.get("/").content.decode()
    assert "5 sources" in page
    for title in ("Relațiile sovieto-germane (1918–1941)", "Molotov–Ribbentrop Pact"):
        assert title in page
    assert "Croatian" in page and "Romanian" in page and "English" in page


def test_catalogue_lists_every_document_with_language_passages_and_source(client):
    response = client.get("/documents/")
    page = response.content.decode()
    assert response.status_code == 200
    for doc in Document.objects.all():
        assert doc.get_absolute_url() in page
        assert f">{doc.passages.count()}<" in page
    # A title supplied by the archive is marked as such, as catalogues do.
    assert "[Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop]" in page
    assert 'lang="hr"' in page and 'lang="ro"' in page


def test_unpublished_documents_are_hidden_from_readers(client):
    Document.objects.filter(slug=SLUGS["003"]).update(published=False)
    assert SLUGS["003"] not in client.get("/documents/").content.decode()
    assert client.get(f"/documents/{SLUGS['003']}/").status_code == 404
    assert client.get(f"/documents/{SLUGS['003']}/1/").status_code == 404


def test_reader_shows_every_passage_with_number_anchor_permalink_and_sections(client):
    slug = SLUGS["001"]
    page = client.get(f"/documents/{slug}/").content.decode()
    for passage in Passage.objects.filter(document__slug=slug):
        assert f'id="p{passage.n}"' in page
        assert f'href="/documents/{slug}/{passage.n}/"' in page
    assert "<h2" in page and "Uniunea Sovietică și criza cehoslovacă din 1938" in page
    assert '<article class="reader" lang="ro">' in page
    # Provenance: where the text came from.
    assert "001_5aa7d51724b71bbf.txt" in page and "15759133" in page
    assert Document.objects.get(slug=slug).checksum in page


def test_passage_page_shows_text_context_neighbours_and_citation(client):
    slug = SLUGS["001"]
    passage = Passage.objects.get(document__slug=slug, n=5)
    page = client.get(passage.get_absolute_url()).content.decode()
    assert passage.text[:60] in page
    assert f'<link rel="canonical" href="http://testserver/documents/{slug}/5/">' in page
    assert f'href="/documents/{slug}/4/"' in page and f'href="/documents/{slug}/6/"' in page
    assert "Cite this passage" in page
    assert f"Soviet–German Relations Archive, reference {slug}:5" in page
    assert "Wikipedia (ro), revision 15759133." in page
    assert 'class="passage-text" lang="ro"' in page
    assert "Copy citation" in page


def test_passage_page_reads_what_it_shows_once(client):
    url = f"/documents/{SLUGS['001']}/2/"
    client.get(url)  # the thesaurus and the language cookie's first reads
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in done.captured_queries]
    # Document, passage with its revisions, neighbours, whether it has notes (a passage never
    # withdrawn is no alias): the revision the citation and the metadata name is read once,
    # with the passage.
    assert len(statements) == 6 and len(set(statements)) == 6


def test_a_passage_without_notes_is_shown_without_reading_notes(client):
    url = f"/documents/{SLUGS['001']}/2/"
    client.get(url)
    with CaptureQueriesContext(connection) as done:
        page = client.get(url).content.decode()
    # Only a passage that has notes pays for reading them with their links and curators.
    read = [q["sql"] for q in done.captured_queries if '"archive_annotation"."body"' in q["sql"]]
    assert read == []
    assert 'class="notes"' not in page


def test_neighbours_are_linked_in_the_order_of_the_text_after_a_split_and_a_withdrawal(client):
    slug = SLUGS["003"]
    document = Document.objects.get(slug=slug)
    third = document.passages.get(n=3)
    head, tail = split_passage(third, third.text.index(" ", len(third.text) // 2))
    document.passages.get(n=5).withdraw()
    url = tail.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as done:
        page = client.get(url).content.decode()
    # The neighbours are read for their numbers: only the passage shown is read whole.
    texts = [q for q in done.captured_queries if '"archive_passage"."text"' in q["sql"]]
    assert len(texts) == 1
    assert f'rel="prev" href="/documents/{slug}/{head.n}/">← Previous: passage {head.n}<' in page
    assert f'<a rel="next" href="/documents/{slug}/4/">Next: passage 4 →</a>' in page
    after_gap = client.get(f"/documents/{slug}/4/").content.decode()
    assert f'<a rel="next" href="/documents/{slug}/6/">Next: passage 6 →</a>' in after_gap


def test_first_passage_has_no_previous_link(client):
    page = client.get(f"/documents/{SLUGS['003']}/1/").content.decode()
    assert 'rel="prev"' not in page and 'rel="next"' in page


def test_unknown_documents_and_passages_are_404(client):
    assert client.get("/documents/no-such-document/").status_code == 404
    assert client.get(f"/documents/{SLUGS['003']}/999/").status_code == 404
    assert client.get(f"/documents/{SLUGS['003']}/0/").status_code == 404


def test_withdrawn_passage_still_answers_with_its_text_and_a_notice(client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    passage.withdraw()
    response = client.get(passage.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "This passage has been withdrawn." in page
    assert passage.text[:60] in page
    reader = client.get(f"/documents/{SLUGS['003']}/").content.decode()
    assert 'id="p2"' not in reader and "Withdrawn passages" in reader


def test_markup_in_a_passage_is_shown_as_text(client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    passage.revise("<img src=x onerror=alert(1)> text", reason="edit")
    page = client.get(passage.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_urls_are_reversible_by_name():
    assert reverse("archive:passage", kwargs={"slug": "x", "n": 3}) == "/documents/x/3/"
    assert reverse("archive:document", kwargs={"slug": "x"}) == "/documents/x/"
