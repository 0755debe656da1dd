"""Highlighting of search matches in passage text, as escaped HTML with `<mark>` around words."""

import re
from html import escape

from archive.text import SNOWBALL_ALGORITHMS, base_language, fold, index_forms, words_at

ELLIPSIS = "…"
# How many first letters of a word its stems keep, per Snowball algorithm.
KEPT_LETTERS = {"english": 2, "romanian": 2, "serbian": 1}
_SPACE = re.compile(r"\s")


def matches(text: str, terms: set[str], code: str) -> list[tuple[int, int]]:
    """Sorted (start, end) character spans of the words in `text` that have a form in `terms`.

    A word is stemmed only if its first letters could begin one of the terms: Snowball stems
    keep a word's first two letters, or its first one where Serbian respells "ije" as "e"
    (checked over the seed corpus in the tests), and stemming every word of twenty passages was
    most of a search's time."""
    algorithm = SNOWBALL_ALGORITHMS.get(base_language(code))
    kept = KEPT_LETTERS.get(algorithm, 0)
    heads = {t[:kept] for t in terms} | {t for t in terms if len(t) < kept}
    spans = []
    for start, end, word in words_at(text):
        folded = fold(word)
        stemmable = algorithm and (
            folded[:kept] in heads or folded[: kept - 1] in heads or not folded.isascii()
        )
        if folded in terms or (
            stemmable and any(form in terms for form in index_forms(algorithm, word))
        ):
            spans.append((start, end))
    return spans


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
