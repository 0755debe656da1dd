"""Opening a searcher on the index's latest generation, reusing what the last one opened.

Every edit commits a generation, and Whoosh opens a reader for each of its segments again, most
of it reading the header of each segment's term table (a few hundred reads per segment). A
segment's files never change once written, only which of its documents are deleted, and
deletions live in the generation's table of contents, not in the term table. So the term table
of a segment is opened once and shared by the readers of every generation that has the segment;
each generation's reader has its own per-document part, which answers for its deletions.
Whoosh's own `reader(reuse=…)` cannot be used: it adds the reused reader's segments to the new
generation's, bringing back segments a merge removed.
"""

from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher


class TermsSharingReader(SegmentReader):
    """A segment's reader whose term table belongs to `TermTables`: closing it closes only its
    own per-document part."""

    def __init__(self, storage, schema, segment, terms, generation):
        # SegmentReader.__init__ less the opening of the term table (whoosh 2.7).
        self.schema = schema
        self.is_closed = False
        self._segment = segment
        self._segid = segment.segment_id()
        self._gen = generation
        self._storage = storage
        self._codec = segment.codec()
        self._terms = terms
        self._perdoc = self._codec.per_document_reader(storage, segment)

    def close(self):
        if not self.is_closed:
            self._perdoc.close()
            self.is_closed = True


class TermTables:
    """The open term tables of the segments of the generation searched last, by segment id."""

    def __init__(self):
        self.open = {}

    def searcher(self, index) -> Searcher:
        """A searcher of the latest generation of `index` (a FileIndex); the term tables of
        segments it no longer has are closed."""
        toc = index._read_toc()
        storage, kept, self.open = index.storage, self.open, {}
        readers = []
        try:
            for segment in toc.segments:
                if segment.is_compound():  # its files are read from within one: not shared
                    readers.append(SegmentReader(storage, toc.schema, segment, toc.generation))
                    continue
                sid = segment.segment_id()
                terms = kept.pop(sid, None) or segment.codec().terms_reader(storage, segment)
                self.open[sid] = terms
                readers.append(
                    TermsSharingReader(storage, toc.schema, segment, terms, toc.generation)
                )
        except BaseException:
            # A merge removed files of a segment (the caller opens the index anew).
            self.close()
            raise
        finally:
            for terms in kept.values():
                terms.close()
        if not readers:
            reader = EmptyReader(toc.schema)
        elif len(readers) == 1:
            reader = readers[0]
        else:
            reader = MultiReader(readers, generation=toc.generation)
        return Searcher(reader, fromindex=index)

    def close(self) -> None:
        for terms in self.open.values():
            terms.close()
        self.open = {}
