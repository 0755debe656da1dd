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
    written(found, arrays, what)


def written(found: list[Path], arrays, what: str) -> None:
    """Each array into its file, under a temporary name then renamed, so that a reader finds
    it whole or not at all (a warning, and no more files, if one could not be written)."""
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


# Frequent terms --------------------------------------------------------------------------------
#
# A term with many postings is read one block of 128 at a time, each unpickled: at a million
# passages, most of a broad query's first run (875,000 hits: 20,000 blocks, 1.7 s). A build
# knows every term's postings as arrays, so it keeps those of its segments' frequent terms
# beside them as arrays too, which a search reads instead of the blocks.

FREQUENT_FROM = 8_192  # postings of a term in one segment
FREQUENT_PARTS = ("terms", "starts", "docs", "weights")


def frequent_paths(folder, segment, field: str) -> list[Path] | None:
    if not FIELD_NAME.match(field):
        return None
    return [
        Path(folder) / segment.make_filename(f".frequent_{field}_{part}.npy")
        for part in FREQUENT_PARTS
    ]


def save_frequent(folder, segment, field: str, terms: list[str], docs, weights) -> None:
    """Keep a segment's frequent terms of a field searched by word (text, ID or keyword):
    `docs` and `weights` are each term's postings (as its blocks hold them) one term after
    another."""
    found = frequent_paths(folder, segment, field)
    if found is None or not terms:
        return
    starts = np.concatenate([[0], np.cumsum([len(d) for d in docs])]).astype(np.int64)
    arrays = (
        np.array(terms, dtype=str),
        starts,
        np.concatenate(docs).astype(np.uint32),
        np.concatenate(weights).astype(np.float32),
    )
    written(found, arrays, f"frequent terms of {field}")


class FrequentTerms:
    """A segment's frequent terms of one field, as `save_frequent` kept them. Their postings
    are read with plain reads, not mapped: every page of a mapping a search touched would
    stay in the worker's resident memory (300 MiB at a million passages)."""

    def __init__(self, terms, starts, docs: "ArrayFile", weights: "ArrayFile"):
        self.at = {term.encode(): i for i, term in enumerate(terms.tolist())}
        self.starts, self.docs, self.weights = starts, docs, weights

    def postings(self, btext: bytes):
        """(documents, weights) of the term in the segment, or None if it is not kept here."""
        i = self.at.get(btext)
        if i is None:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        return self.docs.read(start, end), self.weights.read(start, end)


class ArrayFile:
    """A one-dimensional `.npy` file, kept open (it outlives its removal by a merge), read a
    slice at a time."""

    def __init__(self, path: Path):
        # Mapped only to read its header (a file cut short is refused here); its data is not read.
        header = np.load(path, mmap_mode="r")
        self.dtype, self.offset, self.length = header.dtype, header.offset, len(header)
        del header
        self.file = open(path, "rb")  # noqa: SIM115 (closed with the object)

    def read(self, start: int, end: int) -> np.ndarray:
        size = self.dtype.itemsize
        data = os.pread(self.file.fileno(), (end - start) * size, self.offset + start * size)
        return np.frombuffer(data, dtype=self.dtype)


def frequent_terms(leaf, field: str) -> FrequentTerms | None:
    """The leaf's segment's frequent terms of `field`, or None (none kept: a segment an edit or
    a merge wrote, a field without them, or files unreadable; the blocks are read then)."""
    folder = getattr(leaf._storage, "folder", None)
    found = frequent_paths(folder, leaf.segment(), field) if folder else None
    if found is None or not all(path.exists() for path in found):
        return None
    try:
        terms, starts = np.load(found[0]), np.load(found[1])
        docs, weights = ArrayFile(found[2]), ArrayFile(found[3])
        if (
            len(starts) != len(terms) + 1
            or docs.length != weights.length
            or starts[-1] != docs.length
        ):
            raise ValueError("the files do not fit together")
        return FrequentTerms(terms, starts, docs, weights)
    except (OSError, ValueError) as error:
        log.warning("Reading the terms of %s from their blocks: %s", found[0].name, error)
        return None
