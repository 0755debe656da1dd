"""Reading a source file's bytes into text, refusing what is not a text we can trust."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from archive.ingest.clean import normalise_newlines

# Legacy encodings our sources arrive in when they are not UTF-8: Central European (Croatian),
# Romanian, Western European and Cyrillic code pages.
LEGACY_ENCODINGS = ["cp1250", "iso8859_2", "iso8859_16", "cp1252", "cp1251"]


class SourceError(Exception):
    """A source file that cannot be imported, with the reason in words a curator understands."""


@dataclass(frozen=True)
class SourceText:
    """A decoded source file: its name, checksum, encoding and text."""

    name: str
    checksum: str
    encoding: str
    text: str


def looks_binary(data: bytes) -> bool:
    """Whether bytes are not text: NUL bytes, or many control characters."""
    if b"\x00" in data[:65536]:
        return True
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.01


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was in: UTF-8 first, then legacy code pages."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise SourceError(
            "not UTF-8, and not in any legacy encoding we know ("
            + ", ".join(LEGACY_ENCODINGS)
            + ")"
        )
    return str(best), best.encoding


def read_source(path: Path, *, max_bytes: int) -> SourceText:
    """A source file's decoded text, or SourceError saying why it cannot be read."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise SourceError("the file is empty")
        if size > max_bytes:
            raise SourceError(
                f"the file is too large ({size / 1048576:.1f} MiB; the limit is "
                f"{max_bytes / 1048576:.1f} MiB)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot be read: {error.strerror or error}") from error
    if looks_binary(data):
        raise SourceError("it is a binary file, not text")
    text, encoding = decode(data)
    text = normalise_newlines(text)
    if not text.strip():
        raise SourceError("the file holds only white space")
    return SourceText(
        name=path.name, checksum=hashlib.sha256(data).hexdigest(), encoding=encoding, text=text
    )
