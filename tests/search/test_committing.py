"""The index worker's commits: the segments they write are Whoosh's own, and their postings are
written without looking up a document's length one posting at a time."""

import shutil

import pytest
from haystack import connections
from whoosh.index import open_dir
from whoosh.writing import SegmentWriter

from archive.models import Passage
from search.engine import engine
from search.engine.whoosh import committing
from search.engine.whoosh.codec import CODEC
from search.engine.whoosh.merging import PER_TIER, merge_by_tiers

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


def entry(passage, words: str) -> dict:
    passage.text += " " + words
    unified = connections["default"].get_unified_index().get_index(Passage)
    return engine().document(unified.full_prepare(passage))


def new_segment_files(folder, writer_of, document) -> dict[str, bytes]:
    """Commit `document` to the index in `folder` with a writer of `writer_of`, merging a full
    tier: the new segment's files' bytes by extension."""
    index = open_dir(str(folder))
    before = {segment.segid for segment in index._segments()}
    writer = writer_of(index)
    writer.update_document(**document)
    writer.commit(mergetype=merge_by_tiers)
    (segment,) = [s for s in index.refresh()._segments() if s.segid not in before]
    prefix = f"{index.indexname}_{segment.segid}"
    return {
        path.name[len(prefix) :]: path.read_bytes()
        for path in folder.iterdir()
        if path.name.startswith(prefix)
    }


def test_a_commit_that_merges_writes_what_whooshs_writer_writes(private_index, tmp_path):
    passages = list(Passage.objects.order_by("pk")[: PER_TIER + 1])
    for n, passage in enumerate(passages[:-1]):  # a full tier of one-passage segments
        writer = committing.writer(engine().index)
        writer.update_document(**entry(passage, f"Commitword{chr(97 + n)}qz"))
        writer.commit(merge=False)
    for name in ("ours", "whooshs"):
        shutil.copytree(private_index, tmp_path / name)
    document = entry(passages[-1], "Commitwordlastqz")
    ours = new_segment_files(tmp_path / "ours", committing.writer, document)
    whooshs = new_segment_files(
        tmp_path / "whooshs",
        lambda index: SegmentWriter(index, timeout=30, compound=False, codec=CODEC),
        document,
    )
    assert ".trm" in ours and ".pst" in ours
    assert ours == whooshs
    merged = open_dir(str(tmp_path / "ours"))
    assert PER_TIER + 1 in {segment.doc_count_all() for segment in merged._segments()}


def test_an_edit_is_written_without_looking_up_lengths_posting_by_posting(
    private_index, monkeypatch
):
    from whoosh.codec.whoosh3 import W3PerDocReader

    from search import plan

    looked_up = []
    doc_field_length = W3PerDocReader.doc_field_length

    def counting(self, *args, **kwargs):
        looked_up.append(args)
        return doc_field_length(self, *args, **kwargs)

    document = entry(Passage.objects.order_by("pk").first(), "Lengthwordqz")
    monkeypatch.setattr(W3PerDocReader, "doc_field_length", counting)
    writer = committing.writer(engine().index)
    writer.update_document(**document)
    writer.commit(merge=False)
    monkeypatch.undo()
    assert looked_up == []
    assert engine().run(plan.Term("text", "lengthwordqz"), end=5).total == 1
