"""A reference — slug, number, perhaps ?rev=N — resolved once, the same for every reader."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from archive.models import Document, RevisionReason
from archive.references import cited_passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised():
    document = Document.objects.get(slug=SLUGS["003"])
    passage = document.passages.get(n=4)
    old = passage.text
    passage.revise(old.replace("Litinov", "Litvinov"), reason=RevisionReason.EDIT)
    return document, old


def test_an_earlier_revision_is_cited_with_its_own_text_and_address(revised):
    document, old = revised
    cited = cited_passage(document, 4, "1")
    assert cited.text == old and cited.number == 1
    assert [r.number for r in cited.later] == [2]
    assert cited.url(lambda path: "https://archive.example" + path).endswith("/4/?rev=1")


def test_the_current_revision_asked_by_number_is_the_current_text(revised):
    document, _ = revised
    cited = cited_passage(document, 4, "2")
    assert cited.shown is None and cited.revision_asked and cited.number == 2
    assert "Litvinov" in cited.text and "?rev" not in cited.url(str)
    assert not cited_passage(document, 4).revision_asked


@pytest.mark.parametrize("rev", ["3", "0", "x", ""])
def test_a_revision_the_passage_never_had_is_not_found(revised, rev):
    with pytest.raises(Http404):
        cited_passage(revised[0], 4, rev)


def test_a_number_the_document_never_gave_is_not_found(revised):
    document, _ = revised
    with pytest.raises(Http404):
        cited_passage(document, document.next_passage_number())


def test_the_next_number_is_one_never_used_even_after_a_merge():
    from archive.aliases import merge_passages

    document = Document.objects.get(slug=SLUGS["003"])
    top = max(document.passages.values_list("n", flat=True))
    first, second = document.passages.current().order_by("position")[:2]
    merged = merge_passages(first, second)
    assert merged.n == top + 1
    assert document.next_passage_number() == top + 2


def test_a_reference_reads_its_passage_and_revisions_and_not_its_document_again(revised):
    document, _ = revised
    with CaptureQueriesContext(connection) as done:
        cited = cited_passage(document, 4)
    assert cited.passage.document is document and cited.passage.ref == f"{SLUGS['003']}:4"
    assert [r.number for r in cited.revisions] == [1, 2]
    statements = [q["sql"] for q in done.captured_queries]
    assert len(statements) == 2
    assert not any("archive_document" in sql for sql in statements)
