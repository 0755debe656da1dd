"""Writing a complete index from the database, in several processes at once.

Whoosh analyses and encodes every posting in Python, so one process builds a few hundred
passages a second whatever else is done. A full build is therefore split: the passages are cut
into consecutive runs of primary keys, each run is written by its own process as one segment of
the new index, and the segments are listed together in the index's table of contents (as
Whoosh's own multi-process writer does with `multisegment=True`), without a final merge.
"""

import multiprocessing
import os
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from pathlib import Path

import numpy as np
from django.db import connections as db_connections
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import TOC, create_in, open_dir
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

# Below this many passages a second process costs more than it saves.
MIN_PER_PROCESS = 2_000
MAX_PROCESSES = 4
LENGTH_OF_BYTE = [None] + [byte_to_length(b) for b in range(1, 256)]


def default_processes() -> int:
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1))


class PreloadedLengths:
    """A segment's field lengths, read once per field. Whoosh looks up the length of the
    document of every posting it writes, checking that the column file exists each time."""

    def __init__(self, reader):
        self.reader = reader
        self.lengths: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        found = self.lengths.get(fieldname)
        if found is None:
            found = self.lengths[fieldname] = self._read(fieldname, default)
        return found[docnum]

    def _read(self, fieldname, default) -> list:
        count = self.reader.doc_count_all()
        column = self.reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [default] * count
        raw = np.frombuffer(bytes(column._dbfile.get(column._basepos, column._count)), np.uint8)
        found = [LENGTH_OF_BYTE[b] for b in raw.tolist()]
        return found + [None] * (count - len(found))

    def close(self):
        self.reader.close()


class BulkSegmentWriter(SegmentWriter):
    """A segment writer for full builds (lengths read once per field while writing postings)."""

    def per_document_reader(self):
        return PreloadedLengths(super().per_document_reader())


def write_segment(path: str, ids: list[int], *, batch: int, limitmb: int, on_batch=None):
    """Write the passages `ids` as one new segment of the index at `path`; its Whoosh segment
    object. The caller lists the segment in the index's table of contents."""
    from search.indexing import backend, passage_index

    index, be = passage_index(), backend()
    if not be.setup_complete:
        be.setup()
    writer = BulkSegmentWriter(open_dir(path), _lk=False, limitmb=limitmb, compound=False)
    try:
        queryset = index.index_queryset()
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            for passage in queryset.filter(pk__in=chunk):
                writer.add_document(**be.document(index, passage))
            if on_batch is not None:
                on_batch(len(chunk))
        return writer._finalize_segment()
    finally:
        writer._tempstorage.destroy()


_done = None


def _init_child(done):
    global _done
    _done = done


def _count(n: int):
    with _done.get_lock():
        _done.value += n


def _write_in_child(path, ids, batch, limitmb):
    return write_segment(path, ids, batch=batch, limitmb=limitmb, on_batch=_count)


def build(
    path: Path, schema, ids: list[int], *, processes: int, batch: int, limitmb: int, progress=None
) -> int:
    """A complete index of the passages `ids` in the new folder `path`; how many it holds."""
    create_in(str(path), schema)
    parts = max(1, min(processes, len(ids) // MIN_PER_PROCESS))
    runs = [[int(pk) for pk in run] for run in np.array_split(np.asarray(ids), parts) if len(run)]
    if len(runs) > 1:
        segments = _build_in_processes(path, runs, batch, limitmb, progress, len(ids))
    elif ids:
        done = 0

        def on_batch(n):
            nonlocal done
            done += n
            if progress:
                progress(done, len(ids))

        segments = [write_segment(str(path), ids, batch=batch, limitmb=limitmb, on_batch=on_batch)]
    else:
        segments = []
    TOC(schema, segments, 1).write(open_dir(str(path)).storage, "MAIN")
    return len(ids)


def _build_in_processes(path, runs, batch, limitmb, progress, total):
    # A forked process must open database connections of its own, not share the parent's.
    db_connections.close_all()
    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    reported = 0
    with ProcessPoolExecutor(
        max_workers=len(runs), mp_context=context, initializer=_init_child, initargs=(done,)
    ) as pool:
        futures = [pool.submit(_write_in_child, str(path), run, batch, limitmb) for run in runs]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
            if any(f.exception() for f in futures if f.done()):
                break
            if progress and done.value != reported:
                reported = done.value
                progress(reported, total)
        segments = [f.result() for f in futures]
    return segments
