"""What a search keeps from one index generation to the next: only what an edit cannot
change, and every edit is still found."""

import time

import pytest
from haystack import connections
from whoosh.reading import SegmentReader

from archive.models import Passage
from search import plan
from search.engine import engine
from tests.conftest import SLUGS

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


def edit(passage, words: str) -> None:
    passage.text += " " + words
    entry = connections["default"].get_unified_index().get_index(Passage).full_prepare(passage)
    engine().apply([entry], [])


@pytest.fixture
def walks(monkeypatch):
    """The segments whose word lists a search read, by number of documents."""
    walked = []
    original = SegmentReader.expand_prefix

    def counting(self, *args, **kwargs):
        walked.append(self.doc_count_all())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SegmentReader, "expand_prefix", counting)
    return walked


def test_close_words_of_an_unchanged_segment_are_not_looked_up_again(private_index, walks):
    assert "molotov" in engine().closest_words("text", "molotv")
    assert len(walks) == 1
    walked = len(walks)
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, "Molotva")
    close = engine().closest_words("text", "molotv")
    # The edit's word is offered; only the edit's new segment was walked for it.
    assert {"molotov", "molotva"} <= set(close)
    assert walks[walked:] == [1]


def test_close_words_are_those_of_whooshs_two_edit_automaton(private_index):
    from whoosh.codec.base import Automata

    edit(Passage.objects.get(document__slug=SLUGS["003"], n=1), "Ribentropq Šćđž")
    reader = engine().searcher().reader()
    for word in ["ribentrop", "molotv", "pakt", "sovjetsk", "loadeditabcqz", "šćđ", "i", "x"]:
        walked = set()
        for leaf, _ in reader.leaf_readers():
            automaton = Automata.levenshtein_dfa(word, 2, 1)
            walked |= set(Automata.find_matches(automaton, leaf.cursor("text")))
        walked.discard(word)
        assert set(engine().closest_words("text", word)) == walked, word
    assert {"ribbentrop", "ribentropq"} <= set(engine().closest_words("text", "ribentrop"))


def test_fuzzy_words_are_those_whoosh_expands_on_one_segment_and_on_several(private_index):
    """A fuzzy word stands for the same words, in the same order, as Whoosh's own expansion:
    its automaton on a segment (a transposition is two edits), its Damerau-Levenshtein on an
    index of several segments (a transposition is one)."""
    from whoosh.reading import IndexReader, SegmentReader

    edit(Passage.objects.get(document__slug=SLUGS["003"], n=1), "Ribentropq Molotvo Šćđž")
    reader = engine().searcher().reader()
    segment = next(leaf for leaf, _ in reader.leaf_readers() if leaf.doc_count_all() > 1)
    asked = [
        ("molotvo", 1),
        ("moltoov", 2),
        ("ribentrop", 2),
        ("staljn", 1),
        ("pkat", 1),
        ("sovjetsk", 2),
        ("šćđ", 2),
        ("i", 1),
        ("x", 2),
    ]
    for one, whooshs in ((segment, SegmentReader.terms_within), (reader, IndexReader.terms_within)):
        for word, maxdist in asked:
            expected = list(whooshs(one, "text", word, maxdist, 1))
            assert list(one.terms_within("text", word, maxdist, 1)) == expected, (word, one)
    # "molotvo" is one transposition from "molotov": one edit only for Damerau-Levenshtein.
    assert "molotov" not in segment.terms_within("text", "molotvo", 1, 1)
    assert {"molotov", "molotvo"} <= set(reader.terms_within("text", "molotvo", 1, 1))


def test_texts_found_again_after_an_edit_are_not_marked_again(private_index, client, monkeypatch):
    from search import service

    first = client.get("/api/search/", {"q": "Molotov pakt"}).json()
    unrelated = Passage.objects.exclude(text__icontains="molotov").first()
    edit(unrelated, "Nevažno")
    calls = []
    original = service.found
    monkeypatch.setattr(service, "found", lambda *args: calls.append(args) or original(*args))
    again = client.get("/api/search/", {"q": "Molotov pakt"}).json()
    assert [(h["ref"], h["highlight"], h["snippet"]) for h in again["results"]] == [
        (h["ref"], h["highlight"], h["snippet"]) for h in first["results"]
    ]
    assert "<mark>" in again["results"][0]["highlight"]
    assert calls == []


def test_edits_are_merged_a_tier_at_a_time_and_stay_found(private_index):
    from search.engine.whoosh.merging import PER_TIER

    def sizes():
        return sorted(s.doc_count_all() for s in engine().index.refresh()._segments())

    before = sizes()
    passages = list(Passage.objects.order_by("pk")[: PER_TIER + 1])
    for n, passage in enumerate(passages):
        edit(passage, f"Tierword{chr(97 + n)}qz")
        if n == PER_TIER - 1:
            # A tier not yet full: every edit's segment stays as it was written.
            assert sizes() == sorted([1] * PER_TIER + before)
    # The next commit merges the full tier into its own segment; the built index is untouched.
    assert sizes() == sorted([PER_TIER + 1, *before])
    for n in range(PER_TIER + 1):
        found = engine().run(plan.Term("text", f"tierword{chr(97 + n)}qz"), end=5)
        assert found.total == 1


def test_a_term_is_read_again_only_from_the_segment_an_edit_added(private_index, monkeypatch):
    from search.engine.whoosh.postings import IndexArrays

    read = []
    original = IndexArrays._blocks

    def counting(self, leaf, *args, **kwargs):
        read.append(leaf.doc_count_all())
        return original(self, leaf, *args, **kwargs)

    monkeypatch.setattr(IndexArrays, "_blocks", counting)
    before = engine().run(plan.Term("text", "molotov"), end=100)
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, "Molotov")
    read.clear()
    after = engine().run(plan.Term("text", "molotov"), end=100)
    # The new segment's own postings (of the term and of its facet values), none of the others.
    assert set(read) == {1}
    assert passage.pk in {hit.pk for hit in after.hits}
    assert after.total == before.total + (passage.pk not in {hit.pk for hit in before.hits})


def test_the_worker_merges_only_once_no_edit_waits(private_index, monkeypatch):
    from whoosh.writing import SegmentWriter

    from search import indexing
    from search.engine.whoosh.merging import PER_TIER
    from search.models import IndexTask, TaskKind

    waiting_at_merges = []
    add_reader = SegmentWriter.add_reader

    def merging(self, reader):
        waiting_at_merges.append(IndexTask.objects.count())
        return add_reader(self, reader)

    monkeypatch.setattr(SegmentWriter, "add_reader", merging)
    monkeypatch.setattr(indexing, "BATCH", 1)  # a commit per edit, the others waiting
    passages = list(Passage.objects.order_by("pk")[: PER_TIER + 2])
    for n, passage in enumerate(passages):
        passage.text += f" Waitword{chr(97 + n)}qz"
        passage.save()
    IndexTask.objects.bulk_create(
        IndexTask(kind=TaskKind.PASSAGE, passage_id=p.pk) for p in passages
    )
    assert indexing.drain() == len(passages)
    # A full tier was merged, and only after the last edit had been committed and dequeued.
    assert waiting_at_merges and set(waiting_at_merges) == {0}
    for n in range(len(passages)):
        assert engine().run(plan.Term("text", f"waitword{chr(97 + n)}qz"), end=5).total == 1


def test_edits_that_keep_coming_are_still_merged_in_time(private_index):
    from search.engine.whoosh.merging import BACKLOG

    def segments():
        return len(engine().index.refresh()._segments())

    before = segments()
    unified = connections["default"].get_unified_index().get_index(Passage)
    passage = Passage.objects.order_by("pk").first()
    for n in range(BACKLOG + 1):
        passage.text += f" Backlogword{n}"
        engine().apply([unified.full_prepare(passage)], [], merge=False)
    # The tier of one-passage segments was merged at BACKLOG, without waiting for a pause.
    assert segments() <= before + 1 + 1
    assert engine().run(plan.Term("text", f"backlogword{BACKLOG}"), end=5).total == 1


def test_after_an_edit_only_the_new_segment_is_opened_and_deletions_hold(
    private_index, monkeypatch
):
    from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader

    passage = Passage.objects.get(document__slug=SLUGS["001"], n=2)
    assert "Radek" in passage.text
    before = engine().run(plan.Term("text", "radek"), end=50).total
    passage.text = passage.text.replace("Radek", "Reopenword")
    edit(passage, "")  # the writer opens every segment to delete the former version
    opened = []
    terms_reader = W3Codec.terms_reader

    def counting(self, storage, segment):
        opened.append(segment.doc_count_all())
        return terms_reader(self, storage, segment)

    columns = []
    column_file = W3PerDocReader._get_column_file

    def counting_columns(self, fieldname):
        columns.append(self._doccount)
        return column_file(self, fieldname)

    monkeypatch.setattr(W3Codec, "terms_reader", counting)
    monkeypatch.setattr(W3PerDocReader, "_get_column_file", counting_columns)
    # The searcher opens the edit's segment; the others' files are the last generation's.
    assert engine().run(plan.Term("text", "reopenword"), end=5).total == 1
    assert opened == [1]
    assert columns and set(columns) == {1}
    # The passage's former version, deleted from the segment shared with the last generation,
    # is not found any more.
    assert engine().run(plan.Term("text", "radek"), end=50).total == before - 1


def test_an_unchanged_index_folder_is_not_listed_and_an_edit_at_once_is_seen(
    private_index, monkeypatch
):
    import os

    from whoosh.filedb.filestore import FileStorage

    listings = []
    original = FileStorage.list

    def listing(self):
        listings.append(1)
        return original(self)

    monkeypatch.setattr(FileStorage, "list", listing)
    settled = time.time() - 5  # the folder as it is long after its last commit
    os.utime(private_index, (settled, settled))
    for _ in range(2):  # the searcher opened, then found up to date by a listing
        engine().run(plan.Term("text", "pact"), end=5)
    listings.clear()
    for _ in range(3):
        engine().run(plan.Term("text", "pact"), end=5)
    assert listings == []
    # An edit right after: the folder's mtime moved, so the new generation is searched.
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, "Mtimeword")
    assert engine().run(plan.Term("text", "mtimeword"), end=5).total == 1
    edit(passage, "Mtimeagainword")  # within the same second, and the same clock tick maybe
    assert engine().run(plan.Term("text", "mtimeagainword"), end=5).total == 1


class Sized:
    def __init__(self, docs):
        self.docs = docs

    def doc_count_all(self):
        return self.docs


def test_segments_of_a_full_build_are_never_merged_by_an_edit():
    from search.engine.whoosh.merging import PER_TIER, full_tier

    built = [Sized(40_000 + n) for n in range(2 * PER_TIER)]
    edits = [Sized(1) for _ in range(PER_TIER)]
    # Eight edits' segments are merged; sixteen of a build's, each of 40,000 passages, never.
    assert full_tier(built + edits) == edits
    assert full_tier(built) == []


def test_a_search_under_way_reads_segments_another_process_merged_away(private_index):
    """The index worker may merge segments and remove their files while a web worker's search
    still holds them: the search reads their passages to the end."""
    from search.engine.whoosh.merging import PER_TIER

    passages = list(Passage.objects.order_by("pk")[: PER_TIER + 1])
    for n, passage in enumerate(passages[:PER_TIER]):
        edit(passage, f"Mergedword{chr(97 + n)}qz")
    searcher = engine().searcher()  # the search's generation, its segments' files unread
    found = engine().run(plan.Term("text", "mergedwordaqz"), end=1).hits[0]
    docnum = searcher.document_number(django_id=str(found.pk))
    engine().forget_searcher()
    searcher = engine().searcher()
    edit(passages[PER_TIER], "Mergedwordlastqz")  # merges the tier: its files are removed
    assert len(engine().index.refresh()._segments()) < len(searcher.reader().leaf_readers())
    assert searcher.stored_fields(docnum)["ref"] == found.ref


def test_a_folder_mtime_is_trusted_once_its_clock_has_surely_moved_on(private_index, monkeypatch):
    import os

    from whoosh.filedb.filestore import FileStorage

    listings = []
    original = FileStorage.list
    monkeypatch.setattr(FileStorage, "list", lambda self: listings.append(1) or original(self))
    engine().run(plan.Term("text", "pact"), end=5)
    second = 1_000_000_000
    for set_back, listed in [
        (lambda now: now - second // 5 + 1, False),  # a clock of milliseconds has ticked since
        (lambda now: now + 1, True),  # it may not have yet
        (lambda now: now // second * second, True),  # a clock of whole seconds may not have yet
        (lambda now: (now // second - 4) * second, False),
    ]:
        mtime = set_back(time.time_ns())
        os.utime(private_index, ns=(mtime, mtime))
        engine().run(plan.Term("text", "pact"), end=5)  # lists: the mtime changed
        listings.clear()
        engine().run(plan.Term("text", "pact"), end=5)
        assert bool(listings) == listed, mtime


def test_one_answer_sees_one_state_of_the_index(private_index):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    engine().run(plan.Term("text", "pinnedword"), end=5)
    edit(passage, "Pinnedwordfirst")  # committed before the answer: it is seen
    with engine().one_generation():
        assert engine().run(plan.Term("text", "pinnedwordfirst"), end=5).total == 1
        before = engine().generation()
        edit(passage, "Pinnedword")  # committed while the answer is being put together
        assert engine().run(plan.Term("text", "pinnedword"), end=5).total == 0
        assert engine().generation() == before
    assert engine().run(plan.Term("text", "pinnedword"), end=5).total == 1
    assert engine().generation() != before


@pytest.fixture
def stored_reads(monkeypatch):
    """The segments whose stored fields a search read, by number of documents."""
    read = []
    original = SegmentReader.stored_fields

    def counting(self, docnum):
        read.append(self.doc_count_all())
        return original(self, docnum)

    monkeypatch.setattr(SegmentReader, "stored_fields", counting)
    return read


def test_hits_of_unchanged_segments_are_not_read_again_after_an_edit(private_index, stored_reads):
    first = engine().run(plan.Term("text", "molotov"), end=20)
    assert stored_reads
    edit(Passage.objects.exclude(text__icontains="molotov").first(), "Nevažno")
    stored_reads.clear()
    again = engine().run(plan.Term("text", "molotov"), end=20)
    # The same passages (scored anew: the edit changed the index's statistics).
    assert {(h.pk, h.text) for h in again.hits} == {(h.pk, h.text) for h in first.hits}
    assert stored_reads == []


def test_an_edited_passage_is_shown_as_edited_though_its_former_hit_was_kept(private_index):
    passage = Passage.objects.get(document__slug=SLUGS["001"], n=2)
    assert "Radek" in passage.text
    before = engine().run(plan.Term("text", "radek"), end=50).hits
    assert passage.pk in {hit.pk for hit in before}
    edit(passage, "Storedword")
    (shown,) = [
        hit for hit in engine().run(plan.Term("text", "radek"), end=50).hits if hit.pk == passage.pk
    ]
    assert shown.text.endswith(" Storedword")


def test_the_stored_fields_kept_stay_within_their_bound(private_index, monkeypatch, stored_reads):
    from search.engine.whoosh import postings

    hits = engine().run(plan.MatchAll(), end=30).hits
    assert len(hits) == 30
    held = postings.STORED_FIELDS.entries.values()
    budget = 5 * max(postings.stored_weight(fields) for fields in held)
    kept = postings.SegmentReads(budget, postings.stored_weight)
    monkeypatch.setattr(postings, "STORED_FIELDS", kept)
    engine().run(plan.MatchAll(), end=30)
    assert 0 < kept.held <= budget
    assert 5 <= len(kept.entries) < 30
    # The latest are kept: the last hits of the page are not read again.
    stored_reads.clear()
    assert engine().run(plan.MatchAll(), start=29, end=30).hits == hits[29:]
    assert stored_reads == []


def test_a_word_an_edit_adds_is_known_though_the_other_segments_were_asked_for_it(
    private_index,
):
    from search.service import in_vocabulary

    assert not in_vocabulary("vocabwordqz")
    assert engine().doc_frequency("text", "molotov") > 0
    before = engine().doc_frequency("text", "molotov")
    edit(Passage.objects.exclude(text__icontains="molotov").first(), "Vocabwordqz Molotov")
    assert in_vocabulary("vocabwordqz")
    assert engine().doc_frequency("text", "molotov") == before + 1
    assert engine().run(plan.Term("text", "vocabwordqz"), end=5).total == 1


def test_the_term_tables_of_unchanged_segments_are_not_read_again(private_index, monkeypatch):
    from whoosh.codec.whoosh3 import W3TermsReader

    from search.service import in_vocabulary

    def search():
        in_vocabulary("molotov")
        # "Did you mean": the close words, and how often each is used.
        assert engine().closest_words("text", "molotv")["molotov"] > 3
        return engine().run(plan.Term("text", "molotov"), end=5).total

    first = search()
    edit(Passage.objects.exclude(text__icontains="molotov").first(), "Nevažno")
    asked = []
    for name in ("__contains__", "doc_frequency", "frequency"):
        original = getattr(W3TermsReader, name)

        def counting(self, *args, original=original):
            asked.append(self)
            return original(self, *args)

        monkeypatch.setattr(W3TermsReader, name, counting)
    assert search() == first
    newest = [leaf for leaf, _ in engine().state().arrays.leaves if leaf.doc_count_all() == 1]
    assert asked and {id(table) for table in asked} == {id(newest[0]._terms)}


def test_fuzzy_words_are_those_whooshs_word_list_gives_after_edits(private_index):
    from whoosh.reading import IndexReader

    edit(Passage.objects.get(document__slug=SLUGS["003"], n=1), "Ribentropq Šćđž")
    edit(Passage.objects.get(document__slug=SLUGS["001"], n=2), "Molotva Ribbentrop")
    reader = engine().searcher().reader()
    assert not reader.is_atomic()
    for word in ["ribentrop", "molotv", "pakt", "šćđ", "i", "x", ""]:
        for maxdist, prefix in [(1, 1), (2, 1), (2, 0), (1, 3)]:
            expected = list(IndexReader.terms_within(reader, "text", word, maxdist, prefix))
            assert list(reader.terms_within("text", word, maxdist, prefix)) == expected
            # Asked again, as kept.
            assert list(reader.terms_within("text", word, maxdist, prefix)) == expected
    assert {"ribentropq", "ribbentrop"} <= set(reader.terms_within("text", "ribentrop", 1, 1))


def test_fuzzy_words_of_unchanged_segments_are_not_compared_again(private_index, monkeypatch):
    from whoosh.reading import SegmentReader

    query = plan.Fuzzy("text", "molotv")
    # An index of several segments (one is searched as Whoosh searches it).
    edit(Passage.objects.exclude(text__icontains="molotov").first(), "Nevažno")
    assert engine().run(query, end=5).total
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, "Molotva")
    walked = []
    original = SegmentReader.terms_from

    def counting(self, *args):
        walked.append(self.doc_count_all())
        return original(self, *args)

    monkeypatch.setattr(SegmentReader, "terms_from", counting)
    assert passage.pk in {hit.pk for hit in engine().run(query, end=100).hits}
    # Only the new segment (of one passage) was walked, for its words and its facets.
    assert set(walked) == {1}


def test_the_term_lookups_kept_stay_within_their_bound(private_index, monkeypatch):
    from search.engine.whoosh import reopening
    from search.service import in_vocabulary

    monkeypatch.setattr(reopening, "LOOKUPS_KEPT", 5)
    edit(Passage.objects.order_by("pk").first(), "Boundwordqz")  # a segment opened with it
    assert [in_vocabulary(f"unknown{n}") for n in range(20)] == [False] * 20
    assert in_vocabulary("boundwordqz")
    (newest,) = [leaf for leaf, _ in engine().state().arrays.leaves if leaf.doc_count_all() == 1]
    assert len(newest._looked_up.terms.entries) == 5


def test_a_query_is_planned_once_while_the_words_it_asked_about_stay_as_they_were(
    private_index, client, monkeypatch
):
    from search import service
    from search.service import RESULTS

    planned = []
    original = service.build_query
    monkeypatch.setattr(
        service, "build_query", lambda *a, **k: planned.append(1) or original(*a, **k)
    )

    def found(q):
        RESULTS.clear()
        return client.get("/api/search/", {"q": q, "expand": "0"}).json()["count"]

    assert found("plannedonce wordpairqz") == 0
    edit(Passage.objects.order_by("pk").first(), "Unrelatedwordqz")
    assert found("plannedonce wordpairqz") == 0 and len(planned) == 1
    # The words written together now stand in a passage: the query searches that form too.
    edit(Passage.objects.order_by("pk").last(), "Plannedoncewordpairqz")
    assert found("plannedonce wordpairqz") == 1 and len(planned) == 2


def test_a_merge_reads_every_segment_as_whoosh_reads_it(private_index):
    from search.engine.whoosh.merging import MergedSegment

    passages = list(Passage.objects.order_by("pk")[:3])
    for n, passage in enumerate(passages + passages[:2]):  # two passages' first entries deleted
        edit(passage, f"Readword{chr(97 + n)}qz")
    index = engine().index.refresh()
    segments = index._segments()
    assert any(segment.has_deletions() for segment in segments)
    for segment in segments:
        ours = MergedSegment(index.storage, index.schema, segment)
        whooshs = SegmentReader(index.storage, index.schema, segment)
        assert list(ours.iter_postings()) == list(whooshs.iter_postings())
        ours.close()
        whooshs.close()


def test_a_merge_takes_each_terms_postings_from_its_walk_of_the_terms(private_index, monkeypatch):
    from whoosh.codec.whoosh3 import W3TermsReader
    from whoosh.writing import SegmentWriter

    from search.consistency import compare
    from search.engine.whoosh.merging import PER_TIER
    from search.indexing import reindex_passages

    merging, looked_up = [], []
    add_reader, term_info = SegmentWriter.add_reader, W3TermsReader.term_info

    def merge(self, reader):
        merging.append(reader.doc_count_all())
        try:
            return add_reader(self, reader)
        finally:
            merging.pop()

    def lookup(self, *args):
        if merging:
            looked_up.append(args)
        return term_info(self, *args)

    monkeypatch.setattr(SegmentWriter, "add_reader", merge)
    monkeypatch.setattr(W3TermsReader, "term_info", lookup)
    passages = list(Passage.objects.order_by("pk")[: PER_TIER + 1])
    for n, passage in enumerate(passages):
        passage.text += f" Walkword{chr(97 + n)}qz"
        passage.save()
        reindex_passages([passage.pk])
    assert len(engine().index.refresh()._segments()) < len(passages)  # the tier was merged
    assert looked_up == []
    for n in range(len(passages)):
        assert engine().run(plan.Term("text", f"walkword{chr(97 + n)}qz"), end=5).total == 1
    assert compare().total == 0
