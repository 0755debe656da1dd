"""Whoosh's codec, with the postings of a term found in one passage kept in the term table.

Whoosh writes every term's postings as blocks of their own, each pickled and compressed apart,
however few they are; passage ids, and most word pairs, are terms of one passage, and writing
their blocks was most of the time of building an index. Whoosh has the inlining (its
`inlinelimit`), but its writer calls a method its term info does not have, so it could never
be switched on; here it is, and Whoosh's reader reads such terms as it always could, but for
one slip: mended below too.

Whoosh's writers also ask a file for its position (`tell()`) three times for every term they
write, and a buffered file asks the operating system each time: a seventh of what the index
worker spent per edit. Here the term table's writer counts its own position, and a term's
postings ask only if they are written out as blocks.
"""

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.filedb.filetables import _lengths
from whoosh.matching import ListMatcher
from whoosh.system import pack_ushort

# Terms with fewer postings than this are kept in the term table.
INLINE_BELOW = 2


class InliningPostingsWriter(W3PostingsWriter):
    def start_postings(self, format_, terminfo):
        if self._terminfo:
            raise Exception("Called start in a term")
        self._format = format_
        self._blockcount = 0
        self._new_block()
        self._terminfo = terminfo
        self._startoffset = None  # known once the first block is written (`_write_block`)

    def _write_block(self, last=False):
        if not self._blockcount:
            self._startoffset = self._postfile.tell()
        super()._write_block(last=last)

    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class CountingFieldWriter(W3FieldWriter):
    """Whoosh's writer of a segment's terms, adding each to the term table
    (`OrderedHashWriter.add`) at the position it counts, the same bytes in the same places."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._end = self._tindex.dbfile.tell()

    def finish_term(self):
        terminfo = self._postwriter.finish_postings()
        key, value = pack_ushort(self._fieldid) + self._btext, terminfo.to_bytes()
        table, position = self._tindex, self._end
        if key <= table.lastkey:
            raise ValueError(f"Keys must increase: {table.lastkey!r}..{key!r}")
        table.index.append(position)
        table.dbfile.write(_lengths.pack(len(key), len(value)))
        table.dbfile.write(key)
        table.dbfile.write(value)
        hashed = table.hashfn(key)
        table.buckets[hashed & 255].append((hashed, position))
        table.lastkey = key
        self._end = position + _lengths.size + len(key) + len(value)


class InlinedMatcher(ListMatcher):
    """Whoosh's matcher of inlined postings gives a field without values "" where bytes are due,
    and merging segments (the index worker's commits set it off) stops at the first such term."""

    def value(self):
        return super().value() if self._values else b""


class ArchiveCodec(W3Codec):
    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_BELOW):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return CountingFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if not terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        ids, weights, values = terminfo.inlined_postings()
        return InlinedMatcher(
            ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
        )


CODEC = ArchiveCodec()
