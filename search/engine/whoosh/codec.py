"""Whoosh's codec, with the postings of a term found in one passage kept in the term table.

Whoosh writes every term's postings as blocks of their own, each pickled and compressed apart,
however few they are; passage ids, and most word pairs, are terms of one passage, and writing
their blocks was most of the time of building an index. Whoosh has the inlining (its
`inlinelimit`), but its writer calls a method its term info does not have, so it could never
be switched on; here it is, and Whoosh's reader reads such terms as it always could, but for
one slip: mended below too.
"""

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.matching import ListMatcher

# Terms with fewer postings than this are kept in the term table.
INLINE_BELOW = 2


class InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class InlinedMatcher(ListMatcher):
    """Whoosh's matcher of inlined postings gives a field without values "" where bytes are due,
    and merging segments (the index worker's commits set it off) stops at the first such term."""

    def value(self):
        return super().value() if self._values else b""


class ArchiveCodec(W3Codec):
    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_BELOW):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

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
