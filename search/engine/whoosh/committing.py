"""The writer of the index worker's commits: Whoosh's segment writer, with the lengths of the
new segment's documents read once per field.

Whoosh writes a segment's postings with the length of each posting's document, looked up in
the segment's length column one posting at a time (checking that the column file exists each
time): a tenth of the index worker's time per edit, in the merges mostly. Here each field's
lengths are read at once (`bulkwrite.PreloadedLengths`, which a full build uses too); the files
written are the same.
"""

from whoosh.writing import SegmentWriter

from search.engine.whoosh.bulkwrite import PreloadedLengths
from search.engine.whoosh.codec import CODEC


class CommitWriter(SegmentWriter):
    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = PreloadedLengths(self.per_document_reader())
        try:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            lengths.close()


def writer(index) -> CommitWriter:
    """A writer of one commit to `index`, its segment as separate files: Whoosh copies a
    compound segment's postings into memory (BytesIO) in every process that opens it, 212 MB at
    100 000 passages."""
    return CommitWriter(index, timeout=30, compound=False, codec=CODEC)
