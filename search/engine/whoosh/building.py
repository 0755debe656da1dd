"""Writing a complete index in several processes at once.

Whoosh analyses and encodes every posting in Python, so one process builds a few hundred
passages a second whatever else is done. A full build is therefore shared out: this process
reads and prepares the passages (the caller's batches), they go in turn to child processes,
each child writes its share as one segment of the new index, and the segments are listed
together in the index's table of contents (as Whoosh's own multi-process writer does with
`multisegment=True`), without a final merge.
"""

import multiprocessing
import os
import queue
import shutil
import signal
import traceback
from collections.abc import Iterable
from pathlib import Path

from whoosh.index import TOC, create_in, open_dir
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from search.engine.whoosh.codec import CODEC
from search.engine.whoosh.postings import length_bytes

# Below this many passages a second process costs more than it saves.
MIN_PER_PROCESS = 2_000
MAX_PROCESSES = 4
# The posting pool of each build process: below ~2 GB Whoosh spills sorted runs to disk through
# pickle, which cost a third of the rebuild time at 10k passages (317 → 476 passages/s). The
# pools live in the processes that rebuild (forked by the index worker or the command), never
# in web workers.
WRITER_MB = int(os.environ.get("ARCHIVE_REBUILD_WRITER_MB", "2048"))
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
        found = length_bytes(self.reader, fieldname, count)
        if found is None:
            return [default] * count
        # As Whoosh's reader answers: no length (None) for a document without the field.
        return [LENGTH_OF_BYTE[b] for b in found.tolist()]

    def close(self):
        self.reader.close()


class BulkSegmentWriter(SegmentWriter):
    """A segment writer for full builds (lengths read once per field while writing postings)."""

    def per_document_reader(self):
        return PreloadedLengths(super().per_document_reader())


def segment_writer(path: str, limitmb: int) -> BulkSegmentWriter:
    return BulkSegmentWriter(
        open_dir(path), _lk=False, limitmb=limitmb, compound=False, codec=CODEC
    )


def finish(writer):
    """Write out the writer's segment; its Whoosh segment object. The writers share one
    temporary folder (Whoosh names it after the index), removed by `build` at the end."""
    return writer._finalize_segment()


def build(
    path: Path,
    schema,
    batches: Iterable[list[dict]],
    *,
    total: int,
    processes: int,
    limitmb: int = WRITER_MB,
    progress=None,
) -> int:
    """A complete index in the new folder `path` of the documents in `batches` (lists of
    Whoosh field dicts, `total` in all); how many it holds."""
    create_in(str(path), schema)
    processes = max(1, min(processes, total // MIN_PER_PROCESS))
    if processes > 1:
        segments, done = _build_in_processes(path, batches, total, processes, limitmb, progress)
    else:
        writer, done = segment_writer(str(path), limitmb), 0
        try:
            for docs in batches:
                for doc in docs:
                    writer.add_document(**doc)
                done += len(docs)
                if progress:
                    progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        segments = [finish(writer)] if done else []
    TOC(schema, segments, 1).write(open_dir(str(path)).storage, "MAIN")
    shutil.rmtree(path / "MAIN.tmp", ignore_errors=True)
    return done


def _write_in_child(path: str, limitmb: int, inbox, outbox) -> None:
    """A build process: writes the batches it is given into one segment, then sends it back."""
    # Not the index worker's handlers, which only note a stop: a stopped rebuild ends here and
    # the parent gives the whole rebuild up (it stays queued).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    try:
        writer = segment_writer(path, limitmb)
        while (docs := inbox.get()) is not None:
            for doc in docs:
                writer.add_document(**doc)
        outbox.put(("segment", finish(writer)))
    except BaseException:
        outbox.put(("error", traceback.format_exc()))


def _build_in_processes(path, batches, total, processes, limitmb, progress):
    """This process reads and prepares the passages and hands batches out in turn; each child
    analyses and writes its share (four fifths of the work) into a segment of its own. The
    children never touch the database, so this works inside a transaction and on SQLite in
    memory alike."""
    context = multiprocessing.get_context("fork")
    outbox = context.Queue()
    inboxes = [context.Queue(maxsize=4) for _ in range(processes)]
    children = [
        context.Process(target=_write_in_child, args=(str(path), limitmb, inbox, outbox))
        for inbox in inboxes
    ]
    for child in children:
        child.start()
    try:
        done = 0
        for turn, docs in enumerate(batches):
            _hand_over(inboxes[turn % processes], docs, children)
            done += len(docs)
            if progress:
                progress(done, total)
        for inbox in inboxes:
            _hand_over(inbox, None, children)
        segments = []
        for _ in children:
            kind, value = _receive(outbox, children)
            if kind == "error":
                raise BuildError(f"A build process failed:\n{value}")
            segments.append(value)
        return segments, done
    finally:
        for child in children:
            child.join(timeout=5)
            if child.is_alive():
                child.kill()


class BuildError(Exception):
    """A process writing part of the index failed; the message holds its traceback."""


def _hand_over(inbox, docs, children) -> None:
    while True:
        try:
            inbox.put(docs, timeout=1)
            return
        except queue.Full:
            _check_alive(children)


def _receive(outbox, children):
    while True:
        try:
            return outbox.get(timeout=1)
        except queue.Empty:
            _check_alive(children)


def _check_alive(children) -> None:
    dead = [c for c in children if not c.is_alive() and c.exitcode not in (0, None)]
    if dead:
        raise BuildError(f"A build process ended with exit code {dead[0].exitcode}.")
