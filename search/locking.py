"""The single-writer rule: one process at a time writes the search index."""

import contextlib
import fcntl
import os
from pathlib import Path

from django.conf import settings


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "index-writer.lock"


@contextlib.contextmanager
def writer_lock(*, blocking: bool = False):
    """Hold the index-writer lock; yields False at once if another process holds it."""
    fd = os.open(lock_path(), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def writer_running() -> bool:
    """Whether some process (the index worker) holds the writer lock now."""
    with writer_lock() as acquired:
        return not acquired
