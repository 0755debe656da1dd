"""The index's codec: terms of one passage kept in the term table survive Whoosh's merging of
segments, which the index worker's small commits set off."""

import pytest
from haystack import connections
from whoosh import query as wq

from archive.models import Passage
from search.engine import engine

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


def test_edits_merged_into_one_segment_stay_searchable(private_index):
    be = engine()
    passages = list(Passage.objects.published().order_by("pk")[:12])
    unified = connections["default"].get_unified_index().get_index(Passage)
    words = []
    for n, passage in enumerate(passages):
        # A word of one passage: its posting is inlined, and merging must carry it over.
        word = f"mergeword{chr(97 + n)}qz"
        passage.text += " " + word
        words.append(word)
        be.apply([unified.full_prepare(passage)], [])
    be.reopen_if_swapped()
    searcher = be.index.searcher()
    try:
        assert len(be.index._segments()) < len(passages)  # Whoosh did merge
        for word in words:
            assert searcher.search(wq.Term("text", word)).scored_length() == 1, word
    finally:
        searcher.close()
