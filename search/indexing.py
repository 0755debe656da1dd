"""Keeping the search index in step with the database: the one place index writes happen.

Changes reach the index through the queue (`search.models.IndexTask`), written in the same
transaction as the change. Only the holder of the writer lock (the index worker, or a command
line process when no worker runs) applies them, through the engine (`search.engine`); a crash
leaves them queued, never lost.
"""

import logging
import os

from django.conf import settings
from django.db import transaction
from haystack import connections

from archive.concepts.tagging import retag_pending
from archive.models import Passage
from search.engine import engine
from search.locking import writer_lock
from search.models import IndexTask, TaskKind
from search.search_indexes import PassageIndex

logger = logging.getLogger(__name__)
BATCH = 500
# Processes a full rebuild writes with; 0: the engine's choice (Whoosh: one per core, at most
# four, each writing one segment).
REBUILD_PROCESSES = int(os.environ.get("ARCHIVE_REBUILD_PROCESSES", "0"))


def passage_index() -> PassageIndex:
    return connections["default"].get_unified_index().get_index(Passage)


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


def reindex_passages(ids, *, merge=True) -> None:
    """Write the given passages to the index as they are now, dropping unpublished ones (with
    `merge` off, the engine's upkeep is left for `compact`)."""
    ids = set(ids)
    if not ids:
        return
    index = passage_index()
    current = index.passages(index.index_queryset().filter(pk__in=ids))
    engine().apply(
        [index.full_prepare(p) for p in current], ids - {p.pk for p in current}, merge=merge
    )


def apply_tasks(tasks: list[IndexTask]) -> None:
    """Reindex what a batch of tasks asks for; other changes may wait behind it, so the
    engine's upkeep waits until the queue is empty (`drain`)."""
    reindex_passages({t.passage_id for t in tasks if t.kind == TaskKind.PASSAGE}, merge=False)


def drain(*, stop=None) -> int:
    """Apply queued tasks in order until the queue is empty; the caller holds the writer lock.
    Tasks are deleted only after the index has committed them; once none is left, the engine
    does the upkeep it put off (a merge holds back the changes that come meanwhile, so it waits
    for a moment without any)."""
    done = 0
    while stop is None or not stop():
        tasks = list(IndexTask.objects.order_by("id")[:BATCH])
        if not tasks:
            engine().compact()
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


def work(*, stop=None) -> int:
    """One round of the writer's work: the archive's pending re-tagging (which queues the
    passages whose tags it changes), then the queue. The caller holds the writer lock."""
    retag_pending()
    return drain(stop=stop)


def drain_if_free() -> int:
    """Do the writer's work here unless the index worker is running (it will do it)."""
    with writer_lock() as acquired:
        if not acquired:
            return 0
        return work()


# Rebuilding --------------------------------------------------------------------------------


def prepared_batches(ids: list[int], batch: int):
    """The passages `ids` as the index stores them (`PassageIndex.full_prepare`), a list of
    up to `batch` at a time."""
    index = passage_index()
    queryset = index.index_queryset()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        passages = index.passages(queryset.filter(pk__in=chunk))
        yield [index.full_prepare(passage) for passage in passages]


def rebuild_index(*, batch: int = 1000, progress=None, processes: int | None = None) -> int:
    """Build a complete index of every published passage beside the live one, then swap it in
    at once; searches meanwhile use the old one. The caller holds the writer lock."""
    ids = list(passage_index().index_queryset().values_list("pk", flat=True))
    return engine().rebuild(
        prepared_batches(ids, batch),
        total=len(ids),
        processes=processes or REBUILD_PROCESSES or None,
        progress=progress,
    )
