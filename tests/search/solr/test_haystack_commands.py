"""haystack's own commands keep working on the Solr engine: `update_index` writes every
published passage, `clear_index` empties the collection."""

import pytest
from django.core.management import call_command

from search.consistency import compare
from search.engine import engine
from search.indexing import passage_index

pytestmark = [pytest.mark.solr, pytest.mark.django_db]


def test_update_index_and_clear_index_write_through_the_engine(private_index):
    call_command("clear_index", interactive=False, verbosity=0)
    assert engine().passage_count() == 0
    call_command("update_index", verbosity=0)
    assert engine().passage_count() == passage_index().index_queryset().count()
    assert compare().total == 0
