"""Small facts derived from a passage's text: its words and the years it mentions."""

import re

WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
# Four-digit years in the range an archive of modern history cites; "1930-ih" and "1938–1939"
# count, "15000" does not.
YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def count_words(text: str) -> int:
    """How many words a reader would count in the text (hyphenated forms are one word)."""
    return len(WORD_RE.findall(text))


def years_mentioned(text: str) -> list[int]:
    """The distinct four-digit years a text mentions, in ascending order."""
    return sorted({int(y) for y in YEAR_RE.findall(text)})
