"""Writing a segment of a full build without Whoosh's posting pool or its token objects.

Whoosh's writer analyses every text into a token object per word, puts every posting of every
document in one pool as a tuple, sorts them all at the end (spilling sorted runs to disk through
pickle once the pool is full) and then hands them one by one to the postings writer. Here a
text field of the archive's own analyzers has its terms, counts and positions worked out
directly (`DirectField`), each field's postings are kept as flat arrays in the order they are
made (`FieldPostings`), and when the segment is written they are sorted by term number at once
(a build adds documents in order, so a stable sort keeps each term's documents in order) and
go to the postings writer a block at a time. The files written are Whoosh's own, posting for
posting (tests compare them with what Whoosh's writer writes).
"""

from array import array
from collections import Counter
from functools import partial
from itertools import pairwise
from pickle import dumps

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.fields import KEYWORD, FieldType
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from search.engine.whoosh import segment_files
from search.engine.whoosh.analysis import index_terms_of, positions_in_order
from search.engine.whoosh.postings import length_bytes

# What a gathered posting takes of a build process's memory at its peak (while it is sorted and
# written), term numbering and shared values included; measured at 100,000 passages: 14.6
# million postings per process, 464 MiB while gathering, 601 MiB at the peak of writing.
BYTES_PER_POSTING = 40
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


class Numbering(dict):
    """Each term's number, given in the order the terms first come."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class Encodings(dict):
    """A count's encoding in the Frequency format, one bytes object for every posting."""

    def __missing__(self, count: int) -> bytes:
        encoded = self[count] = pack_uint(count)
        return encoded


COUNTS = Encodings()
# How many values of a field not indexed directly keep their postings at once.
KNOWN_VALUES = 4096


class FieldPostings:
    """A field's postings in a segment being built, in the order they were made: each one's
    term number, document, weight (4 bytes each) and encoded value (a reference, the bytes
    shared where they are equal). They are put in term order when the segment is written."""

    __slots__ = ("numbers", "terms", "docs", "weights", "values", "direct", "known")

    def __init__(self, direct: "DirectField | None"):
        self.numbers = Numbering()
        self.terms, self.docs, self.weights = array("I"), array("I"), array("f")
        self.values: list[bytes] = []
        self.direct = direct
        self.known: dict = {}

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, docnum: int, terms, weights, values) -> int:
        """One document's postings (its terms as they are kept, their weights and values,
        each an iterable of the same length); how many."""
        numbers = list(map(self.numbers.__getitem__, terms))
        self.terms.extend(numbers)
        self.docs.extend(array("I", [docnum]) * len(numbers))
        self.weights.extend(weights)
        self.values.extend(values)
        return len(numbers)


class DirectField:
    """How a field is indexed without Whoosh's token objects and format code: a text field of
    an analyzer made here (its terms from `analysis.index_terms_of`, counted, weighed and
    encoded as its format does: Frequency, or Positions where tokens stand in order), or an ID
    field (the whole value one term, Existence)."""

    __slots__ = ("terms_of", "format", "boost", "lone")

    def __init__(self, terms_of, format_: type, boost: float):
        self.terms_of, self.format, self.boost = terms_of, format_, boost
        # The encoding of a term found once, at each position: shared like `COUNTS`.
        self.lone: dict[int, bytes] = {}

    @classmethod
    def of(cls, field) -> "DirectField | None":
        analyzer, format_ = getattr(field, "analyzer", None), type(field.format)
        if not field.indexed:
            return None
        boost = field.format.field_boost
        if (
            format_ is Existence
            and type(analyzer) is IDTokenizer
            and type(field).index is FieldType.index
        ):
            return cls(whole_value, Existence, boost)
        terms_of = index_terms_of(analyzer)
        if terms_of is None:
            return None
        if format_ is Frequency or (format_ is Positions and positions_in_order(analyzer)):
            return cls(terms_of, format_, boost)
        return None

    def add(self, postings: FieldPostings, docnum: int, text: str) -> int:
        """The text's postings, as `field.index` gives them (the terms as text, not UTF-8);
        the field's length in the document."""
        terms, boost = self.terms_of(text), self.boost
        if self.format is Existence:
            unique = dict.fromkeys(terms)
            postings.add(docnum, unique, [boost] * len(unique), [b""] * len(unique))
            return len(unique)
        if self.format is Frequency:
            counts = Counter(terms)
            freqs = counts.values()
            weights = freqs if boost == 1.0 else [freq * boost for freq in freqs]
            postings.add(docnum, counts, weights, map(COUNTS.__getitem__, freqs))
            return len(terms)
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(terms):
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        freqs = list(map(len, positions.values()))
        weights = freqs if boost == 1.0 else [freq * boost for freq in freqs]
        postings.add(docnum, positions, weights, map(self.encoded, positions.values()))
        return len(terms)

    def encoded(self, positions: list[int]) -> bytes:
        if len(positions) > 1:
            return encode_positions(positions)
        lone = self.lone.get(positions[0])
        if lone is None:
            lone = self.lone[positions[0]] = encode_positions(positions)
        return lone


def whole_value(text: str) -> list[str]:
    """An ID field's one term: the value as given (`IDTokenizer`)."""
    return [text]


def encode_positions(positions: list[int]) -> bytes:
    """`Positions.encode`: the count, then the gaps between positions, pickled."""
    gaps = [b - a for a, b in pairwise([0, *positions])]
    return pack_uint(len(gaps)) + dumps(gaps, 2)


class BulkSegmentWriter(SegmentWriter):
    """A segment writer for documents of a full build: plain fields, no boosts, spelling or
    term vectors (the archive's schema), each document given once, in order."""

    def __init__(self, *args, max_postings: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields: dict[str, FieldPostings] = {}
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
        """The field's postings for one document; the field's length. Terms are kept as
        text in a field indexed directly, as UTF-8 in the others."""
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = FieldPostings(DirectField.of(field))
        before, direct = len(postings), postings.direct
        if direct is not None and isinstance(value, str):
            length = direct.add(postings, docnum, value)
        else:
            # Facet values repeat from passage to passage: each one's postings are made once.
            known = postings.known.get(value) if isinstance(value, str | int) else None
            if known is None:
                known = analysed(field, value, as_text=direct is not None)
                if isinstance(value, str | int):
                    if len(postings.known) >= KNOWN_VALUES:
                        postings.known.clear()
                    postings.known[value] = known
            terms, weights, values, length = known
            postings.add(docnum, terms, weights, values)
        self.postings += len(postings) - before
        return length if field.scorable else 0

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        writer = self.fieldwriter
        try:
            for fieldname in sorted(self.fields):
                field = self.schema[fieldname]
                writer.start_field(fieldname, field)
                postings = self.fields.pop(fieldname)
                keep = None
                if searched_by_word(field, postings):
                    keep = partial(
                        segment_files.save_frequent, self.storage.folder, self.newsegment, fieldname
                    )
                write_field(writer, postings, lengths.all_lengths(fieldname), keep)
                writer.finish_field()
            writer.close()
        finally:
            lengths.close()


def searched_by_word(field, postings: "FieldPostings") -> bool:
    """Whether a field's terms are words a search looks up (its frequent terms are worth
    keeping as arrays): a text or ID field indexed directly, or a keyword field, such as the
    concepts a thesaurus expansion searches (at a million passages the benchmark's queries read
    51,000 blocks of concepts' postings, of 58,000 read in all). Not a number's encoded terms."""
    return postings.direct is not None or isinstance(field, KEYWORD)


def analysed(field, value, as_text: bool) -> tuple:
    """A value's postings as Whoosh's `field.index` makes them: terms (as text if `as_text`),
    weights, encoded values, and the field's length."""
    made = list(field.index(value))
    terms = [term.decode() if as_text else term for term, _, _, _ in made]
    weights = [weight for _, _, weight, _ in made]
    return terms, weights, [vbytes for _, _, _, vbytes in made], sum(f for _, f, _, _ in made)


def write_field(writer, postings: FieldPostings, doc_lengths: list, keep=None) -> None:
    """A field's postings, term by term in UTF-8 order, into Whoosh's field writer: sorted by
    term number (a stable sort keeps each term's documents in order) and cut into blocks, with
    the statistics Whoosh's add_posting keeps for each block worked out for all blocks at
    once. The last block of a term is left for finish_postings (which keeps a lone posting in
    the term table)."""
    if not len(postings):
        return
    postwriter = writer._postwriter
    limit = postwriter._blocklimit
    numbers = np.frombuffer(postings.terms, dtype=np.uint32)
    order = np.argsort(numbers, kind="stable")
    counts = np.bincount(numbers, minlength=len(postings.numbers))
    del numbers
    docs = np.frombuffer(postings.docs, dtype=np.uint32)[order]
    weights = np.frombuffer(postings.weights, dtype=np.float32)[order]
    values = sorted_values(postings.values, order)
    del order
    postings.terms = postings.docs = postings.weights = postings.values = None

    # Blocks of at most `limit` postings, term after term: where each begins and ends.
    blocks = (counts + limit - 1) // limit
    first_block = np.cumsum(blocks) - blocks
    term_ends = np.cumsum(counts)
    term_starts = term_ends - counts
    within = np.arange(int(blocks.sum())) - np.repeat(first_block, blocks)
    starts = np.repeat(term_starts, blocks) + within * limit
    ends = np.minimum(starts + limit, np.repeat(term_ends, blocks))
    # The documents' lengths in the field (0: none), the shortest and longest of each block.
    known = np.array([length or 0 for length in doc_lengths], dtype=np.int64)[docs]
    longest = np.maximum.reduceat(known, starts).tolist()
    known[known == 0] = np.iinfo(np.int64).max
    shortest = np.minimum.reduceat(known, starts).tolist()
    del known
    heaviest = np.maximum.reduceat(weights, starts).tolist()
    starts, ends = starts.tolist(), ends.tolist()
    first_block, blocks = first_block.tolist(), blocks.tolist()

    with_values = values is not None
    as_text = postings.direct is not None
    numbering = postings.numbers
    if keep is not None:
        # The frequent terms' postings also as arrays (`segment_files`), in term order (the
        # order of UTF-8 bytes is that of their text).
        frequent = sorted(
            term
            for term, number in numbering.items()
            if counts[number] >= segment_files.FREQUENT_FROM
        )
        spans = [(term_starts[numbering[t]], term_ends[numbering[t]]) for t in frequent]
        keep(
            [term if as_text else term.decode("utf-8") for term in frequent],
            [docs[a:b] for a, b in spans],
            [weights[a:b] for a, b in spans],
        )
    doc_bytes, weight_bytes = memoryview(docs.tobytes()), memoryview(weights.tobytes())
    del docs, weights
    unknown = np.iinfo(np.int64).max
    for term in sorted(numbering):
        number = numbering[term]
        writer.start_term(term.encode() if as_text else term)
        first = first_block[number]
        last = first + blocks[number] - 1
        for block in range(first, last + 1):
            start, end = starts[block], ends[block]
            ids, block_weights = array("I"), array("f")
            ids.frombytes(doc_bytes[start * 4 : end * 4])
            block_weights.frombytes(weight_bytes[start * 4 : end * 4])
            postwriter._ids, postwriter._weights = ids, block_weights
            postwriter._values = [v for v in values[start:end] if v] if with_values else []
            postwriter._minlength = None if shortest[block] == unknown else shortest[block]
            postwriter._maxlength = longest[block]
            postwriter._maxweight = max(0, heaviest[block])
            if block < last:
                postwriter._write_block()
        writer.finish_term()


def sorted_values(values: list[bytes], order) -> list[bytes] | None:
    """The postings' encoded values in the given order; None if none has one."""
    if not any(values):
        return None
    found = []
    # A slice of the order at a time: a whole one as Python ints would take 36 bytes a posting.
    for start in range(0, len(order), 65_536):
        found.extend(map(values.__getitem__, order[start : start + 65_536].tolist()))
    return found
