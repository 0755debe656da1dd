"""The order of results by relevance when passages of several languages match: languages take
turns. Each turn lists every language's next best passage (by score within the language), the
languages in the order of their best passage's score; a language with no passage left drops
out. Page one thus shows the best of each language, and every page continues the same order.
"""

from collections.abc import Sequence


def turns(counts: Sequence[tuple[str, int]], start: int, end: int) -> list[tuple[str, int]]:
    """(language, rank within the language) for places start..end of the interleaved order;
    `counts` gives each language's number of hits, in turn order."""
    wanted = max(0, end - start)
    places: list[tuple[str, int]] = []
    left = [language for language, count in counts if count > 0]
    remaining = dict(counts)
    skip, rank = start, 0
    while left and len(places) < wanted:
        if skip >= len(left):
            # A whole turn before the page: one place for each language still in it.
            skip -= len(left)
        else:
            places.extend((language, rank) for language in left[skip:])
            skip = 0
        rank += 1
        left = [language for language in left if remaining[language] > rank]
    return places[:wanted]


def ranges(places: Sequence[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """For each language, the ranks start..end that the places take of it."""
    found: dict[str, tuple[int, int]] = {}
    for language, rank in places:
        low, high = found.get(language, (rank, rank + 1))
        found[language] = (min(low, rank), max(high, rank + 1))
    return found
