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
from collections import Counter
from itertools import pairwise
from pickle import dumps

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from search.engine.whoosh.analysis import index_terms_of, positions_in_order
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
    """One term's postings in a segment being built: documents and weights as Whoosh's blocks
    hold them (4 bytes each), encoded values (shared where they are equal)."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self):
        self.ids = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class DirectField:
    """How a text field of an analyzer made here is indexed without Whoosh's token objects and
    format code: its terms (`analysis.index_terms_of`), counted, weighed and encoded as the
    field's format does (Frequency, or Positions where tokens stand in order)."""

    __slots__ = ("terms_of", "positions", "boost", "encoded_counts")

    def __init__(self, terms_of, positions: bool, boost: float):
        self.terms_of, self.positions, self.boost = terms_of, positions, boost
        # A count's encoding (Frequency) or a lone position's (Positions): one bytes object
        # for all the postings that have it.
        self.encoded_counts: dict[int, bytes] = {}

    @classmethod
    def of(cls, field) -> "DirectField | None":
        terms_of = index_terms_of(getattr(field, "analyzer", None))
        if terms_of is None or not field.indexed:
            return None
        if type(field.format) is Frequency:
            return cls(terms_of, False, field.format.field_boost)
        if type(field.format) is Positions and positions_in_order(field.analyzer):
            return cls(terms_of, True, field.format.field_boost)
        return None

    def postings(self, text: str):
        """(term, frequency, weight, encoded value) of each of the text's terms, as
        `field.index` gives them (but the term as text, not UTF-8)."""
        terms, boost, encoded = self.terms_of(text), self.boost, self.encoded_counts
        if not self.positions:
            for term, freq in Counter(terms).items():
                vbytes = encoded.get(freq)
                if vbytes is None:
                    vbytes = encoded[freq] = pack_uint(freq)
                yield term, freq, freq * boost, vbytes
            return
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(terms):
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        for term, found in positions.items():
            if len(found) == 1:
                pos = found[0]
                vbytes = encoded.get(pos)
                if vbytes is None:
                    vbytes = encoded[pos] = encode_positions(found)
                yield term, 1, boost, vbytes
            else:
                yield term, len(found), len(found) * boost, encode_positions(found)


def encode_positions(positions: list[int]) -> bytes:
    """`Positions.encode`: the count, then the gaps between positions, pickled."""
    gaps = [b - a for a, b in pairwise([0, *positions])]
    return pack_uint(len(gaps)) + dumps(gaps, 2)


class BulkSegmentWriter(SegmentWriter):
    """A segment writer for documents of a full build: plain fields, no boosts, spelling or
    term vectors (the archive's schema), each document given once, in order."""

    def __init__(self, *args, max_postings: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms: dict[str, dict[str | bytes, TermPostings]] = {}
        self.direct: dict[str, DirectField | None] = {}
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
        """The field's postings for one document added to its terms; the field's length.
        Terms are kept as text in a field indexed directly, as UTF-8 in the others."""
        terms = self.terms.get(fieldname)
        if terms is None:
            terms = self.terms[fieldname] = {}
            self.direct[fieldname] = DirectField.of(field)
        direct = self.direct[fieldname]
        if direct is None:
            made = field.index(value)
        elif isinstance(value, str):
            made = direct.postings(value)
        else:
            made = ((btext.decode(), *rest) for btext, *rest in field.index(value))
        length = count = 0
        for term, freq, weight, vbytes in made:
            length += freq
            count += 1
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = TermPostings()
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
                as_text = self.direct[fieldname] is not None
                # Text sorts as its UTF-8 does (code point order).
                for term in sorted(terms):
                    writer.start_term(term.encode() if as_text else term)
                    write_postings(writer._postwriter, terms.pop(term), doc_lengths)
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
        block_weights = weights[start:end]
        postwriter._ids = block_ids
        postwriter._weights = block_weights
        postwriter._values = values[start:end] if with_values else []
        known = [length for length in map(doc_lengths.__getitem__, block_ids) if length]
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
        postwriter._maxweight = max(0, max(block_weights))
        if end < len(ids):
            postwriter._write_block()
