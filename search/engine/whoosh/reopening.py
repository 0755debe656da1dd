"""Opening a searcher on the index's latest generation, reusing what the last one opened.

Every edit commits a generation, and Whoosh opens a reader for each of its segments again, most
of it reading the header of each segment's term table (a few hundred reads per segment). A
segment's files never change once written, only which of its documents are deleted, and
deletions live in the generation's table of contents, not in the term table. So the term table
of a segment is opened once and shared by the readers of every generation that has the segment;
each generation's reader has its own per-document part, which answers for its deletions.
Whoosh's own `reader(reuse=…)` cannot be used: it adds the reused reader's segments to the new
generation's, bringing back segments a merge removed.

What is looked up in a segment's term table (whether it holds a term, in how many documents,
how often, its words close to a fuzzy one) is kept with its open files too: every search asks
it of each segment, and after an edit only the new segment's answers are new.
"""

import copy
from functools import partial

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.reading import EmptyReader, MultiReader, ReaderClosed, SegmentReader
from whoosh.searching import Searcher

from search.engine.whoosh import nearby
from search.recent import Recent

STORED = "_stored"  # the column of a segment's stored fields
# How many answers of each segment's term table are kept: terms asked about (a search asks of
# some hundred; a few hundred bytes each), and words close to a fuzzy word (tens of words).
LOOKUPS_KEPT = 4096
CLOSE_WORDS_KEPT = 256


class LookedUp:
    """A segment's term-table answers, kept with its open files."""

    def __init__(self):
        self.terms = Recent(LOOKUPS_KEPT)
        self.close_words = Recent(CLOSE_WORDS_KEPT)


class SharedFilesReader(SegmentReader):
    """A segment's reader whose files belong to `OpenSegments`, which closes them."""

    def __init__(self, storage, schema, segment, files, generation):
        # SegmentReader.__init__ less the opening of the files (whoosh 2.7).
        terms, perdoc, self._looked_up = files
        self.schema = schema
        self.is_closed = False
        self._segment = segment
        self._segid = segment.segment_id()
        self._gen = generation
        self._storage = storage
        self._codec = segment.codec()
        self._terms = terms
        # The shared per-document reader's open files and column readers (its dictionaries,
        # shared by the copy), with this generation's segment: its deletions.
        self._perdoc = copy.copy(perdoc)
        self._perdoc._segment = segment

    def close(self):
        self.is_closed = True

    def __contains__(self, term):
        if self.is_closed:
            raise ReaderClosed
        return self._looked_up.terms.get(("in", *term), partial(super().__contains__, term))

    def doc_frequency(self, fieldname, text):
        found = partial(super().doc_frequency, fieldname, text)
        return self._looked_up.terms.get(("docs", fieldname, text), found)

    def frequency(self, fieldname, text):
        found = partial(super().frequency, fieldname, text)
        return self._looked_up.terms.get(("uses", fieldname, text), found)

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        """The words Whoosh's automaton walk of the segment finds (`nearby`), in the word
        list's order, kept with the segment."""
        key = ("edits", fieldname, text, maxdist, prefix)
        found = self._looked_up.close_words.get(
            key, partial(nearby.within_edits, self, fieldname, text, maxdist, prefix)
        )
        return sorted(found)


class SharedMultiReader(MultiReader):
    """The reader of a generation of several segments."""

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        """The words Whoosh's comparison of the generation's word list finds
        (IndexReader.terms_within), found segment by segment (`nearby`), each segment's kept
        with it: the same words, in the word list's order, and after an edit only the new
        segment's words are compared."""
        key, found = ("transposed", fieldname, text, maxdist, prefix), set()
        for leaf in self.readers:
            within = partial(nearby.within_transposed, leaf, fieldname, text, maxdist, prefix)
            if isinstance(leaf, SharedFilesReader):
                found |= leaf._looked_up.close_words.get(key, within)
            else:
                found |= within()
        # The word list's order is that of the words' UTF-8 bytes, the order of code points.
        return sorted(found)


class OpenSegments:
    """The open files (term table, per-document reader) of the segments of the generation
    searched last, by segment id."""

    def __init__(self):
        self.open = {}

    def searcher(self, index) -> Searcher:
        """A searcher of the latest generation of `index` (a FileIndex); the files of segments
        it no longer has are closed."""
        toc = index._read_toc()
        storage, kept, self.open = index.storage, self.open, {}
        readers, names = [], None
        try:
            for segment in toc.segments:
                if segment.is_compound():  # its files are read from within one: not shared
                    readers.append(SegmentReader(storage, toc.schema, segment, toc.generation))
                    continue
                sid = segment.segment_id()
                files = kept.pop(sid, None)
                if files is None:
                    names = storage.list() if names is None else names  # listed once
                    files = opened(storage, segment, names)
                self.open[sid] = files
                readers.append(
                    SharedFilesReader(storage, toc.schema, segment, files, toc.generation)
                )
        except BaseException:
            # A merge removed files of a segment (the caller opens the index anew).
            self.close()
            raise
        finally:
            for files in kept.values():
                close(files)
        if not readers:
            reader = EmptyReader(toc.schema)
        elif len(readers) == 1:
            reader = readers[0]
        else:
            reader = SharedMultiReader(readers, generation=toc.generation)
        return Searcher(reader, fromindex=index)

    def close(self) -> None:
        for files in self.open.values():
            close(files)
        self.open = {}


def opened(storage, segment, names: list[str]) -> tuple:
    """The segment's term table, per-document reader and what was looked up in its term table;
    `names`: the index folder's files."""
    terms = segment.codec().terms_reader(storage, segment)
    return terms, OpenColumns(storage, segment, names), LookedUp()


class OpenColumns(W3PerDocReader):
    """A segment's per-document reader with every column file (stored fields, lengths, sort
    values) opened at once. Whoosh opens a column when first read, and by then a merge in
    another process (the index worker) may have removed it; an open file outlives that."""

    def __init__(self, storage, segment, names: list[str]):
        super().__init__(storage, segment)
        prefix, ext = segment.make_filename("."), W3Codec.COLUMN_EXT
        for name in names:
            if name.startswith(prefix) and name.endswith(ext):
                column = name[len(prefix) : -len(ext)]
                self._colfiles[column] = self._get_column_file(column)
        if STORED not in self._colfiles:
            self.close()
            raise FileNotFoundError(segment.make_filename(f".{STORED}{ext}"))

    def has_column(self, fieldname):
        return fieldname in self._colfiles


def close(files) -> None:
    terms, perdoc, _ = files
    terms.close()
    perdoc.close()
