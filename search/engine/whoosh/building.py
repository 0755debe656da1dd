"""Writing a complete index in several processes at once.

Whoosh analyses and encodes every posting in Python, so one process builds a few hundred
passages a second whatever else is done. A full build is therefore shared out: this process
reads and prepares the passages (the caller's batches), they go in turn to child processes,
each child writes its share as segments of the new index (`bulkwrite`; one, unless its share
outgrows the memory it may use), and the segments are listed together in the index's table of
contents (as Whoosh's own multi-process writer does with `multisegment=True`), without a final
merge.
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

from search.engine.whoosh import bulkwrite
from search.engine.whoosh.bulkwrite import BulkSegmentWriter
from search.engine.whoosh.codec import CODEC

# Below this many passages a second process costs more than it saves.
MIN_PER_PROCESS = 2_000
MAX_PROCESSES = 4
# The memory each build process gathers postings in before it writes them out as a segment and
# begins the next. It lives in the processes that rebuild (forked by the index worker or the
# command), never in web workers.
WRITER_MB = int(os.environ.get("ARCHIVE_REBUILD_WRITER_MB", "1024"))


def default_processes() -> int:
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1))


def segment_writer(path: str, limitmb: int) -> BulkSegmentWriter:
    # The measure read now, so that a test may change it.
    return BulkSegmentWriter(
        open_dir(path),
        _lk=False,
        compound=False,
        codec=CODEC,
        max_postings=limitmb * 1024 * 1024 // bulkwrite.BYTES_PER_POSTING,
    )


def write_segments(path: str, limitmb: int, docs: Iterable[dict], done=None) -> list:
    """The documents written as segments of the index at `path`, a new one begun whenever the
    last is full; the Whoosh segments. `done(n)` hears of every n documents added."""
    segments, writer = [], None
    try:
        for doc in docs:
            if writer is None:
                writer = segment_writer(path, limitmb)
            writer.add_document(**doc)
            if writer.full():
                segments.append(finish(writer))
                writer = None
        if writer is not None:
            segments.append(finish(writer))
            writer = None
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    return segments


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
        counted = {"done": 0}

        def docs():
            for batch in batches:
                yield from batch
                counted["done"] += len(batch)
                if progress:
                    progress(counted["done"], total)

        segments = write_segments(str(path), limitmb, docs())
        done = counted["done"]
    TOC(schema, segments, 1).write(open_dir(str(path)).storage, "MAIN")
    shutil.rmtree(path / "MAIN.tmp", ignore_errors=True)
    return done


def _write_in_child(path: str, limitmb: int, inbox, outbox) -> None:
    """A build process: writes the batches it is given into segments, then sends them back."""
    # Not the index worker's handlers, which only note a stop: a stopped rebuild ends here and
    # the parent gives the whole rebuild up (it stays queued).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)

    def docs():
        while (batch := inbox.get()) is not None:
            yield from batch

    try:
        outbox.put(("segments", write_segments(path, limitmb, docs())))
    except BaseException:
        outbox.put(("error", traceback.format_exc()))


def _build_in_processes(path, batches, total, processes, limitmb, progress):
    """This process reads and prepares the passages and hands batches out in turn; each child
    analyses and writes its share (four fifths of the work) into segments of its own. The
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
            segments.extend(value)
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
