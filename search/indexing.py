"""Keeping the search index in step with the database: the one place index writes happen.

Changes reach the index through the queue (`search.models.IndexTask`), written in the same
transaction as the change. Only the holder of the writer lock (the index worker, or a command
line process when no worker runs) applies them; a crash leaves them queued, never lost.
"""

import logging
import os
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from haystack import connections

from archive.models import Passage
from search.engine.whoosh import building
from search.locking import writer_lock
from search.models import IndexTask, TaskKind
from search.search_indexes import PassageIndex
from search.tagging import tag_all, tag_passages

logger = logging.getLogger(__name__)
BATCH = 500
# The posting pool of each rebuild process: below ~2 GB Whoosh spills sorted runs to disk through
# pickle, which cost a third of the rebuild time at 10k passages (317 → 476 passages/s). The
# pools live in the processes that rebuild (forked by the index worker or the command), never
# in web workers.
REBUILD_WRITER_MB = int(os.environ.get("ARCHIVE_REBUILD_WRITER_MB", "2048"))
# Processes a full rebuild writes with (one segment each); 0: one per core, at most four.
REBUILD_PROCESSES = int(os.environ.get("ARCHIVE_REBUILD_PROCESSES", "0"))


def passage_index() -> PassageIndex:
    return connections["default"].get_unified_index().get_index(Passage)


def backend():
    return connections["default"].get_backend()


def inline() -> bool:
    """Whether changes are applied by this process as soon as they commit (tests, one-process
    set-ups) rather than by the index worker."""
    return getattr(settings, "ARCHIVE_INDEX_INLINE", False)


def queue_passages(ids) -> None:
    IndexTask.objects.bulk_create(IndexTask(kind=TaskKind.PASSAGE, passage_id=pk) for pk in ids)
    after_commit()


def queue(kind: str) -> IndexTask:
    task = IndexTask.objects.create(kind=kind)
    after_commit()
    return task


def after_commit():
    if inline():
        transaction.on_commit(drain_if_free)


def reindex_passages(ids) -> None:
    """Write the given passages to the index as they are now, dropping unpublished ones."""
    ids = set(ids)
    if not ids:
        return
    index = passage_index()
    current = list(index.index_queryset().filter(pk__in=ids))
    backend().apply(index, current, ids - {p.pk for p in current})


def apply_tasks(tasks: list[IndexTask]) -> None:
    """Tag and reindex what a batch of tasks asks for."""
    ids = {t.passage_id for t in tasks if t.kind == TaskKind.PASSAGE}
    if any(t.kind == TaskKind.RETAG for t in tasks):
        ids |= tag_all()
    if ids:
        tag_passages(Passage.objects.filter(pk__in=ids).only("pk", "text", "language"))
        reindex_passages(ids)


def drain(*, stop=None) -> int:
    """Apply queued tasks in order until the queue is empty; the caller holds the writer lock.
    Tasks are deleted only after the index has committed them."""
    done = 0
    while stop is None or not stop():
        tasks = list(IndexTask.objects.order_by("id")[:BATCH])
        if not tasks:
            break
        rebuilds = [t for t in tasks if t.kind == TaskKind.REBUILD]
        if rebuilds:
            # Everything queued before the rebuild is in the new index anyway.
            tasks = [t for t in tasks if t.id <= rebuilds[0].id]
            rebuild_index()
        else:
            try:
                apply_tasks(tasks)
            except Exception as error:
                IndexTask.objects.filter(id__in=[t.id for t in tasks]).update(
                    attempts=tasks[0].attempts + 1, last_error=repr(error)[:2000]
                )
                raise
        IndexTask.objects.filter(id__in=[t.id for t in tasks]).delete()
        done += len(tasks)
    return done


def drain_if_free() -> int:
    """Apply the queue here unless the index worker is running (it will do it)."""
    with writer_lock() as acquired:
        if not acquired:
            return 0
        return drain()


# Rebuilding beside the live index --------------------------------------------------------


def index_path() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


def rebuild_index(*, batch: int = 1000, progress=None, processes: int | None = None) -> int:
    """Build a complete index in a new folder beside the live one, then swap it in at once;
    searches meanwhile use the old one. The caller holds the writer lock."""
    live = index_path()
    fresh = live.with_name(f"{live.name}.{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}")
    be = backend()
    if not be.setup_complete:
        be.setup()
    fresh.mkdir(parents=True)
    ids = list(passage_index().index_queryset().values_list("pk", flat=True))
    try:
        count = building.build(
            fresh,
            be.schema,
            ids,
            processes=processes or REBUILD_PROCESSES or building.default_processes(),
            batch=batch,
            limitmb=REBUILD_WRITER_MB,
            progress=progress,
        )
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    swap_in(live, fresh)
    return count


def swap_in(live: Path, fresh: Path) -> None:
    """Point the live index path at a new index folder in one atomic rename."""
    if live.is_dir() and not live.is_symlink():
        # First rebuild of an index kept in a plain folder: move it aside, link in its place.
        old = live.with_name(f"{live.name}.old-{os.getpid()}")
        live.rename(old)
        live.symlink_to(old.name)
    previous = live.resolve() if live.exists() else None
    link = live.with_name(f"{live.name}.link-{os.getpid()}")
    link.symlink_to(fresh.name)
    os.replace(link, live)
    if previous and previous != fresh.resolve():
        # Open searchers keep reading the files they have; the folder can go.
        shutil.rmtree(previous, ignore_errors=True)
