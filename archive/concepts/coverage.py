"""Proper names the texts write that no concept of the thesaurus covers: a curator's to-do list.

A proper name, by a heuristic: a word written with a capital that does not begin a sentence or
a line and is not a stop word. It is covered where the thesaurus finds a concept in the words
around it (any label, spelling or inflection, as tagging finds it). Names deliberately left out
of the thesaurus are listed in `fixtures/names_not_concepts.txt`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive.concepts.thesaurus import Thesaurus
from archive.text import STOP_WORDS, fold, words_at

ALLOWED_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "names_not_concepts.txt"
ANY_STOP_WORD = frozenset().union(*STOP_WORDS.values())
# What ends a sentence or a heading before a word: the word after it is capitalised anyway.
SENTENCE_END = re.compile(r"(?:^|[.!?…:;\"“”„«»(\[\n]|\s[-–—])\s*$")


@dataclass
class Name:
    """A name as the texts write it (its most frequent spelling), how often, and where."""

    written: str
    count: int = 0
    refs: list[str] = field(default_factory=list)


def proper_names(text: str) -> list[tuple[int, str]]:
    """(word number, word) of each word of `text` that looks like a proper name."""
    found = []
    for i, (start, _, word) in enumerate(words_at(text)):
        if not word[0].isupper() or len(word) < 2 or any(c.isdigit() for c in word):
            continue
        if SENTENCE_END.search(text[max(0, start - 3) : start]) or fold(word) in ANY_STOP_WORD:
            continue
        found.append((i, word))
    return found


def uncovered(
    passages: Iterable[tuple[str, str, str]], thesaurus: Thesaurus, allowed: set[str]
) -> dict[str, Name]:
    """Names of (ref, text, language) passages that no concept covers and that are not
    `allowed` (folded), by folded name, most frequent first."""
    names: dict[str, Name] = {}
    spellings: dict[str, dict[str, int]] = {}
    for ref, text, language in passages:
        candidates = proper_names(text)
        if not candidates:
            continue
        words = [w for _, _, w in words_at(text)]
        covered = {i for m in thesaurus.mentions(words, language) for i in range(m.start, m.end)}
        for i, word in candidates:
            key = fold(word)
            if i in covered or key in allowed:
                continue
            name = names.setdefault(key, Name(word))
            name.count += 1
            if len(name.refs) < 3 and ref not in name.refs:
                name.refs.append(ref)
            counts = spellings.setdefault(key, {})
            counts[word] = counts.get(word, 0) + 1
    for key, name in names.items():
        name.written = max(spellings[key], key=lambda w: (spellings[key][w], w))
    return dict(sorted(names.items(), key=lambda item: (-item[1].count, item[0])))


def allowed_names(path: Path = ALLOWED_FILE) -> set[str]:
    """The folded names curators chose not to make concepts (one a line, # comments)."""
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return {fold(line) for line in lines if line}
