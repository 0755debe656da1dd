"""Highlighting of search matches in passage text, as escaped HTML with `<mark>` around words.

What is marked: single words that have a form among the query's terms, and runs of words that
stand as a whole for a phrase or a label of several words (`Marks.phrases`, `Marks.runs`):
"secret protocol" is marked where the two words stand together, never a lone "protocol".
"""

import re
from dataclasses import dataclass, field
from html import escape

from archive.text import SNOWBALL_ALGORITHMS, base_language, fold_word, index_forms, words_at

ELLIPSIS = "…"
# How many first letters of a word its stems keep, per Snowball algorithm.
KEPT_LETTERS = {"english": 2, "romanian": 2, "serbian": 1}
_SPACE = re.compile(r"\s")


# A run of words: at each place, the index forms a word there may have.
Run = tuple[frozenset[str], ...]


@dataclass
class Marks:
    """What to mark: words with any of `words` among their forms, and each run of `runs`
    where its words stand together (a phrase; a label, named by the value)."""

    words: set[str] = field(default_factory=set)
    runs: dict[Run, str | None] = field(default_factory=dict)
    # Quoted phrases, as folded words: marked only where the words stand exactly so, as the
    # phrase was searched (never an inflected form), so their words need no stemming.
    phrases: set[tuple[str, ...]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.runs or self.phrases)

    def key(self) -> tuple:
        """The marks as a hashable value, worked out once (marks are complete when used)."""
        if "_key" not in self.__dict__:
            runs = frozenset(self.runs.items())
            self.__dict__["_key"] = (frozenset(self.words), runs, frozenset(self.phrases))
        return self.__dict__["_key"]

    def prepared(self, kept: int) -> tuple[set[str], set[str]]:
        """The first letters (`kept` of them) of the forms a word must have to be marked alone
        or to begin a run, and the forms that begin a run or a phrase: worked out once for all
        the passages a search marks."""
        cache = self.__dict__.setdefault("_prepared", {})
        if kept not in cache:
            firsts = {form for run in self.runs for form in run[0]}
            terms = self.words | firsts
            heads = {t[:kept] for t in terms} | {t for t in terms if len(t) < kept}
            cache[kept] = heads, firsts | {phrase[0] for phrase in self.phrases}
        return cache[kept]


def found(text: str, marks: Marks | set[str], code: str):
    """(spans, names): sorted (start, end) character spans of what `marks` marks in `text`, and
    the names of the runs found there.

    A word is stemmed only if its first letters could begin a word to mark or the first word of
    a run (Snowball stems keep a word's first two letters, or its first one where Serbian
    respells "ije" as "e", checked over the seed corpus in the tests), and a word after it only
    when a run continues there: stemming every word of twenty passages was most of a search's
    time."""
    if not isinstance(marks, Marks):
        marks = Marks(set(marks))
    algorithm = SNOWBALL_ALGORITHMS.get(base_language(code))
    kept = KEPT_LETTERS.get(algorithm, 0)
    heads, firsts = marks.prepared(kept)
    wanted = marks.words
    words = words_at(text)
    folded = [fold_word(word) for _, _, word in words]
    every: dict[int, tuple[str, ...]] = {}

    def forms_of(i: int) -> tuple[str, ...]:
        """Every form of the i-th word: folded, and its stems."""
        if i not in every:
            stems = index_forms(algorithm, words[i][2]) if algorithm else ()
            every[i] = (folded[i], *stems)
        return every[i]

    marked: set[int] = set()
    at: dict[str, list[int]] = {}
    for i, word in enumerate(folded):
        stemmable = algorithm and (
            word[:kept] in heads or word[: kept - 1] in heads or not word.isascii()
        )
        for form in forms_of(i) if stemmable else (word,):
            if form in wanted:
                marked.add(i)
            if form in firsts:
                at.setdefault(form, []).append(i)
    for phrase in marks.phrases:
        size = len(phrase)
        for i in at.get(phrase[0], ()):
            if tuple(folded[i : i + size]) == phrase:
                marked.update(range(i, i + size))
    names = set()
    for run, name in marks.runs.items():
        starts = {i for form in run[0] for i in at.get(form, ())}
        for i in starts:
            if i + len(run) <= len(words) and all(
                any(form in place for form in forms_of(i + j)) for j, place in enumerate(run[1:], 1)
            ):
                marked.update(range(i, i + len(run)))
                if name:
                    names.add(name)
    return [(words[i][0], words[i][1]) for i in sorted(marked)], names


def matches(text: str, marks: Marks | set[str], code: str) -> list[tuple[int, int]]:
    """Sorted (start, end) character spans of what `marks` (or a set of terms) marks in `text`."""
    return found(text, marks, code)[0]


def _best_window(spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """Start and end of the first run of spans fitting in `size` characters with the most spans."""
    best, best_count, last = 0, 0, 0
    for first in range(len(spans)):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= size:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = first, last - first + 1
    start = spans[best][0]
    end = max(spans[best + best_count - 1][1], start)
    return start, end


def _snippet_bounds(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """Character range of the snippet: about `size` characters, cut between words."""
    if spans:
        first, last = _best_window(spans, size)
        # Spread the room left over evenly around the matches.
        start = max(0, first - max(0, size - (last - first)) // 2)
    else:
        first, last, start = 0, 0, 0
    end = min(len(text), start + size)
    start = max(0, min(start, end - size, first))
    end = max(end, last)
    if start > 0 and not text[start - 1].isspace():
        # Move forward past the word cut in two, but never beyond the first match.
        space = _SPACE.search(text, start, first)
        if space:
            start = space.end()
    if end < len(text) and not text[end].isspace():
        cut = max((m.start() for m in _SPACE.finditer(text, last, end)), default=None)
        if cut is not None:
            end = cut
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def mark(text: str, spans: list[tuple[int, int]], *, max_chars: int | None = None) -> str:
    """Escaped HTML of `text` (or of its best snippet) with the `matches` spans marked."""
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        start, end = _snippet_bounds(text, spans, max_chars)
    parts = []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    prefix = ELLIPSIS if text[:start].strip() else ""
    suffix = ELLIPSIS if text[end:].strip() else ""
    return prefix + "".join(parts) + suffix
