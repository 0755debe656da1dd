"""Facet arrays of a segment, kept in files beside it.

Opening an index reads every segment's facet values: for each value (every document of the
archive, every concept, every year) the postings of its term, one block at a time — seconds at
a million passages, in every web worker after every rebuild. A segment never changes once
written, so what was read from it is written beside it once, as `.npy` files named after the
segment, and read from there by every later opening. Whoosh deletes them with the segment's own
files when a merge or a new build removes it (their names match its segment pattern).
"""

import logging
import os
import re
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# An edit's segment is small and read from its postings in a moment; files for each would only
# fill the folder.
SAVE_FROM_DOCS = 2_000
# What a segment's facet field is saved as ("facet:<field>"): the values (strings), and the
# (document, value number) pairs as two arrays, grouped by value.
PARTS = ("values", "docs", "value_of")
FIELD_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def worth_keeping(docs: int) -> bool:
    """Whether a segment of `docs` documents has its facet arrays kept in files."""
    return docs >= SAVE_FROM_DOCS


def paths(leaf, what: str) -> list[Path] | None:
    """The files of `what` for the leaf's segment; None if it is not kept in files."""
    kind, _, field = what.partition(":")
    folder = getattr(leaf._storage, "folder", None)
    if kind != "facet" or folder is None or not FIELD_NAME.match(field):
        return None
    segment = leaf.segment()
    return [Path(folder) / segment.make_filename(f".facet_{field}_{part}.npy") for part in PARTS]


def load(leaf, what: str):
    """`what` as saved for the leaf's segment, or None (not kept in files, not saved yet, or
    unreadable: then it is read from the postings again and saved anew)."""
    found = paths(leaf, what)
    if found is None or not all(path.exists() for path in found):
        return None
    try:
        values, docs, value_of = (np.load(path, mmap_mode="r") for path in found)
        if len(docs) != len(value_of):
            raise ValueError(f"{len(docs)} documents, {len(value_of)} values")
        return values.tolist(), docs, value_of
    except (OSError, ValueError) as error:
        log.warning("Reading %s again from its postings: %s", found[0].name, error)
        return None


def save(leaf, what: str, value) -> None:
    """Keep `what` beside a segment large enough to be worth it. Each file is written under a
    temporary name and renamed, so a reader finds it whole or not at all."""
    found = paths(leaf, what)
    if found is None or not worth_keeping(leaf.doc_count_all()):
        return
    values, docs, value_of = value
    arrays = (np.array(values, dtype=str), np.asarray(docs), np.asarray(value_of))
    for path, array in zip(found, arrays, strict=True):
        temporary = None
        try:
            # A name starting with "." is left alone by Whoosh's clean-up of unknown files.
            handle, temporary = tempfile.mkstemp(prefix=".", suffix=".npy", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                np.save(out, array, allow_pickle=False)
            os.replace(temporary, path)
        except OSError as error:
            # A read-only folder, a full disk: the arrays are read from the postings then.
            log.warning("Could not keep %s beside its segment: %s", what, error)
            if temporary:
                Path(temporary).unlink(missing_ok=True)
            return
