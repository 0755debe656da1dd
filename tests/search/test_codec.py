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


def segment_files(folder, entries) -> dict[str, bytes]:
    """A segment of `entries` written with the index's codec: its files' bytes by extension."""
    from whoosh.filedb.filestore import FileStorage

    from search.engine.whoosh.codec import CODEC

    folder.mkdir()
    index = FileStorage(str(folder)).create_index(schema())
    writer = index.writer(compound=False, codec=CODEC)
    for entry in entries:
        writer.add_document(**entry)
    writer.commit()
    (segment,) = index._segments()
    prefix = f"{index.indexname}_{segment.segid}"
    return {
        path.name[len(prefix) :]: path.read_bytes()
        for path in folder.iterdir()
        if path.name.startswith(prefix)
    }


def schema():
    backend = engine()
    if not backend.setup_complete:
        backend.setup()
    return backend.schema


def entries(count=None):
    unified = connections["default"].get_unified_index().get_index(Passage)
    passages = unified.passages(unified.index_queryset())[:count]
    return [engine().document(unified.full_prepare(passage)) for passage in passages]


def test_a_segment_is_written_byte_for_byte_as_whooshs_writers_write_it(tmp_path, monkeypatch):
    from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter

    from search.engine.whoosh.codec import ArchiveCodec, InliningPostingsWriter

    written = entries()
    ours = segment_files(tmp_path / "ours", written)
    monkeypatch.setattr(ArchiveCodec, "field_writer", W3Codec.field_writer)
    monkeypatch.setattr(InliningPostingsWriter, "start_postings", W3PostingsWriter.start_postings)
    monkeypatch.setattr(InliningPostingsWriter, "_write_block", W3PostingsWriter._write_block)
    whooshs = segment_files(tmp_path / "whooshs", written)
    assert ".trm" in ours and ".pst" in ours
    assert ours == whooshs


def test_writing_a_passage_does_not_ask_its_files_where_they_are_for_each_term(
    tmp_path, monkeypatch
):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import StructFile

    written, _ = entries(1), schema()
    asked = []
    tell = StructFile.tell

    def counting(self, *args):
        asked.append(1)
        return tell(self, *args)

    monkeypatch.setattr(StructFile, "tell", counting)
    segment_files(tmp_path / "one", written)
    monkeypatch.undo()
    reader = FileStorage(str(tmp_path / "one")).open_index().reader()
    terms = sum(1 for _ in reader.all_terms())
    reader.close()
    # Whoosh's writers asked three times for each of the terms.
    assert len(asked) < terms
