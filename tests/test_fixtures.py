"""The shared fixtures hold what the database holds (tests/conftest.py)."""

import pytest

from archive.models import Passage
from search.engine import engine
from search.indexing import passage_index
from tests.conftest import BUILT_INDEXES, SLUGS

pytestmark = pytest.mark.django_db


def entries() -> dict[int, str]:
    """Each published passage's index entry, by its digest, as the database gives it now."""
    index = passage_index()
    return {p.pk: index.full_prepare(p)["digest"] for p in index.index_queryset()}


def test_a_rebuilt_index_holds_the_database_as_it_is_then_copied_or_not(private_index):
    seeded = entries()
    assert engine().held() == seeded
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    # Changed behind the index's back: only a build from the database can know.
    Passage.objects.filter(pk=passage.pk).update(text=passage.text + " Zanzibar")
    BUILT_INDEXES.rebuild()
    assert engine().held() == entries() != seeded
    Passage.objects.filter(pk=passage.pk).update(text=passage.text)
    BUILT_INDEXES.rebuild()
    assert engine().held() == seeded
