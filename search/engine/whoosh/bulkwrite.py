"""Writing a segment of a full build without Whoosh's posting pool.

Whoosh's writer puts every posting of every document in one pool as a tuple, sorts them all at
the end (spilling sorted runs to disk through pickle once the pool is full) and then hands them
one by one to the postings writer. A full build adds documents in order, so each term's
postings already come in document order: here they are gathered per term as they are made,
only the terms are sorted, and each term's postings go to the postings writer a block at a
time. The files written are Whoosh's own, posting for posting (a test compares them with what
Whoosh's writer writes).
"""

from array import array

from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from search.engine.whoosh.postings import length_bytes

# What a gathered posting takes of a build process's memory, measured: 100 bytes at 10,000
# passages (2.0 million postings, 205 MiB), 115 at 100,000 (13.5 million per process, 1.5 GiB).
BYTES_PER_POSTING = 120
LENGTH_OF_BYTE = [None] + [byte_to_length(b) for b in range(1, 256)]


class PreloadedLengths:
    """A segment's field lengths, read once per field. Whoosh looks up the length of the
    document of every posting it writes, checking that the column file exists each time."""

    def __init__(self, reader):
        self.reader = reader
        self.lengths: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        return self.all_lengths(fieldname, default)[docnum]

    def all_lengths(self, fieldname, default=0) -> list:
        """Every document's length in the field, by document number."""
        found = self.lengths.get(fieldname)
        if found is None:
            found = self.lengths[fieldname] = self._read(fieldname, default)
        return found

    def _read(self, fieldname, default) -> list:
        count = self.reader.doc_count_all()
        found = length_bytes(self.reader, fieldname, count)
        if found is None:
            return [default] * count
        # As Whoosh's reader answers: no length (None) for a document without the field.
        return [LENGTH_OF_BYTE[b] for b in found.tolist()]

    def close(self):
        self.reader.close()


class TermPostings:
    """One term's postings in a segment being built: documents, weights, encoded values."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self):
        self.ids: list[int] = []
        self.weights: list[float] = []
        self.values: list[bytes] = []


class BulkSegmentWriter(SegmentWriter):
    """A segment writer for documents of a full build: plain fields, no boosts, spelling or
    term vectors (the archive's schema), each document given once, in order."""

    def __init__(self, *args, max_postings: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms: dict[str, dict[bytes, TermPostings]] = {}
        self.postings, self.max_postings = 0, max_postings

    def per_document_reader(self):
        return PreloadedLengths(super().per_document_reader())

    def full(self) -> bool:
        """Whether the segment holds as many postings as it may gather."""
        return self.postings >= self.max_postings

    def add_document(self, **fields):
        self._check_state()
        perdoc, schema, docnum = self.perdocwriter, self.schema, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for fieldname in names:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    length = self._gather(fieldname, field, value, docnum)
                perdoc.add_field(fieldname, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(
                        fieldname, field.column_type, field.to_column_value(value)
                    )
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _gather(self, fieldname, field, value, docnum) -> int:
        """The field's postings for one document added to its terms; the field's length."""
        terms = self.terms.setdefault(fieldname, {})
        length = count = 0
        for btext, freq, weight, vbytes in field.index(value):
            length += freq
            count += 1
            postings = terms.get(btext)
            if postings is None:
                postings = terms[btext] = TermPostings()
            postings.ids.append(docnum)
            postings.weights.append(weight)
            if vbytes:
                postings.values.append(vbytes)
        self.postings += count
        return length if field.scorable else 0

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        writer = self.fieldwriter
        try:
            for fieldname in sorted(self.terms):
                field = self.schema[fieldname]
                writer.start_field(fieldname, field)
                doc_lengths = lengths.all_lengths(fieldname)
                terms = self.terms[fieldname]
                for btext in sorted(terms):
                    writer.start_term(btext)
                    write_postings(writer._postwriter, terms.pop(btext), doc_lengths)
                    writer.finish_term()
                writer.finish_field()
            writer.close()
        finally:
            lengths.close()
        self.terms.clear()


def write_postings(postwriter, postings: TermPostings, doc_lengths: list) -> None:
    """A term's postings into Whoosh's postings writer, a block at a time, with the statistics
    its add_posting keeps for each block; the last block is left for finish_postings (which
    keeps a lone posting in the term table)."""
    limit = postwriter._blocklimit
    ids, weights, values = postings.ids, postings.weights, postings.values
    with_values = len(values) == len(ids)
    for start in range(0, len(ids), limit):
        end = start + limit
        block_ids = ids[start:end]
        postwriter._ids = array("I", block_ids)
        postwriter._weights = array("f", weights[start:end])
        postwriter._values = values[start:end] if with_values else []
        known = [length for length in map(doc_lengths.__getitem__, block_ids) if length]
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
        postwriter._maxweight = max(0, max(weights[start:end]))
        if end < len(ids):
            postwriter._write_block()
