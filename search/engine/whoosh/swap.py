"""Rebuilding beside the live index: a new folder next to it, swapped in by one atomic rename.

The live index path is a symbolic link to the current folder; searchers that opened the old one
keep reading its files until they are done.
"""

import os
import shutil
import time
import uuid
from pathlib import Path


def fresh_folder(live: Path) -> Path:
    """A new, empty folder beside the live index, for a rebuild."""
    fresh = live.with_name(f"{live.name}.{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}")
    fresh.mkdir(parents=True)
    return fresh


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
