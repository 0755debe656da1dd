"""Finding an annotation's quote again after its passage's text changed (W3C text selectors).

Tried in order: the stored position still holds the quote; the quote found elsewhere, the
occurrence whose surroundings best match the stored prefix and suffix; a fuzzy match good
enough for the quote's length. What none of them finds is an orphan for a curator.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz

# How many characters of context a selector keeps on each side of its quote.
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in a text: [start, end), how it was found, and how sure we are."""

    start: int
    end: int
    status: str  # "exact", "moved" or "orphaned"
    score: float


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix a selector stores for the span [start, end) of text."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def fuzzy_threshold(quote: str) -> float:
    """The similarity (0–100) a fuzzy match needs: short quotes must match almost exactly."""
    if len(quote) < 12:
        return 96.0
    if len(quote) < 40:
        return 88.0
    return 80.0


def common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A fuzzy span widened to whole words, so a mark never cuts a word in two."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def anchor(text: str, exact: str, prefix: str, suffix: str, start: int, end: int) -> Anchor:
    """Re-find a quote in a (possibly revised) text."""
    if exact and text[start:end] == exact:
        return Anchor(start, end, "exact", 1.0)
    starts = occurrences(text, exact) if exact else []
    if starts:

        def fit(at):
            before, after = text[:at], text[at + len(exact) :]
            return (common_suffix(before, prefix) + common_prefix(after, suffix), -abs(at - start))

        best = max(starts, key=fit)
        return Anchor(best, best + len(exact), "moved", 1.0)
    if exact:
        match = fuzz.partial_ratio_alignment(exact, text, score_cutoff=fuzzy_threshold(exact))
        if match is not None:
            start, end = snap_to_words(text, match.dest_start, match.dest_end)
            return Anchor(start, end, "moved", round(match.score / 100, 3))
    return Anchor(start, end, "orphaned", 0.0)
