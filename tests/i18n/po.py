"""A reader of gettext catalogues (.po and .pot) for the translation tests: each entry's
context, msgid, plural, translations and flags, as GNU gettext writes them (entries apart by a
blank line, strings in C quoting)."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")


@dataclass
class Entry:
    """One message: what the code says (msgid, its plural, its context) and its translations."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and not self.fuzzy


def read(path: Path) -> list[Entry]:
    """The catalogue's entries, the header (msgid "") first."""
    blocks = re.split(r"\n\s*\n", Path(path).read_text(encoding="utf-8"))
    return [entry for entry in map(read_entry, blocks) if entry is not None]


def read_entry(block: str) -> Entry | None:
    entry, target, seen = Entry(), None, False
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("#~"):
            entry.obsolete, line = True, line[2:].strip()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#") or not line:
            continue
        if line.startswith('"') and target is not None:
            add(entry, target, ast.literal_eval(line))
            continue
        match = KEYWORD.match(line)
        if match:
            target = (match[1].split("[")[0], int(match[2] or 0))
            add(entry, target, ast.literal_eval(match[3]))
            seen = True
    return entry if seen else None


def add(entry: Entry, target: tuple[str, int], text: str) -> None:
    keyword, n = target
    if keyword == "msgstr":
        entry.msgstr[n] = entry.msgstr.get(n, "") + text
    else:
        setattr(entry, keyword, (getattr(entry, keyword) or "") + text)


def header(entries: list[Entry]) -> dict[str, str]:
    """The catalogue's header fields (Language, Plural-Forms, …)."""
    first = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    lines = first.msgstr.get(0, "").splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines) if k}
