"""Cutting blocks of prose into passages a reader would cite."""

import itertools
import math
import re
from dataclasses import dataclass

from archive.ingest.readers.base import Block
from archive.text import count_words

# A paragraph longer than this is split at sentence ends into balanced parts.
SPLIT_ABOVE_WORDS = 250
# No passage may be longer than this, even if it means cutting inside a sentence.
MAX_WORDS = 400
# Token streams have no sentences: they are cut into even runs of about this many words.
TOKEN_TARGET_WORDS = 160

# A sentence ends at . ! ? … (and any closing quote or bracket) followed by a space and a
# capital (Romanian Ș and Ț as well as the legacy Ş and Ţ), a digit or an opening quote.
# Initials ("Samuel N. Harper") and common abbreviations are not sentence ends.
SENTENCE_END_RE = re.compile(
    r"(?<=[.!?…])(?P<closers>[\"'”“»)\]]*)\s+(?=[\"'„“«(]?[A-ZÀ-ÖØ-ÞĀ-žȘȚ\d])"
)
NOT_AN_END_RE = re.compile(
    r"(?:\b[A-ZČĆŠŽĐȘȚĂÂÎ]\.|\b(?:dr|mr|mrs|st|sv|npr|tzv|tj|god|br|str|sl|itd|oct|nov|dec"
    r"|jan|feb|aug|sept|sep|gen|col|lt|vol|no|nr|art|cf|vs|etc|ca|resp|prof)\.)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    """A passage-to-be: its text and the section heading it falls under."""

    text: str
    section: str = ""


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, in order; joining them with spaces gives the paragraph."""
    sentences: list[str] = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        if NOT_AN_END_RE.search(text[start : match.start()]):
            continue
        sentences.append(text[start : match.end("closers")].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def cut_words(text: str, size: int) -> list[str]:
    """Text cut into runs of at most `size` words, as even as possible."""
    words = text.split()
    parts = math.ceil(len(words) / size)
    return [" ".join(chunk) for chunk in even_chunks(words, parts)]


def even_chunks(items: list, parts: int) -> list[list]:
    """Items divided into `parts` consecutive runs whose lengths differ by at most one."""
    base, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + base + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def cut_tokens(text: str) -> list[str]:
    """A token stream cut into even runs of about TOKEN_TARGET_WORDS words, none over 200."""
    words = text.split()
    if len(words) <= 200:
        return [text]
    parts = max(math.ceil(len(words) / 200), round(len(words) / TOKEN_TARGET_WORDS))
    return [" ".join(chunk) for chunk in even_chunks(words, parts)]


def split_paragraph(text: str) -> list[str]:
    """A paragraph as one passage, or split at sentence ends into balanced parts if too long."""
    total = count_words(text)
    if total <= SPLIT_ABOVE_WORDS:
        return [text]
    units: list[str] = []
    for sentence in split_sentences(text):
        too_long = count_words(sentence) > MAX_WORDS
        units.extend(cut_words(sentence, MAX_WORDS) if too_long else [sentence])
    return [" ".join(part) for part in balanced_parts(units, math.ceil(total / SPLIT_ABOVE_WORDS))]


def balanced_parts(units: list[str], parts: int) -> list[list[str]]:
    """Units grouped into `parts` runs, each cut at the unit boundary nearest an even share."""
    ends = list(itertools.accumulate(count_words(u) for u in units))
    total = ends[-1]
    cuts: list[int] = []
    for i in range(1, parts):
        ideal = total * i / parts
        lowest = cuts[-1] + 1 if cuts else 1
        best = min(range(lowest, len(units)), key=lambda c: abs(ends[c - 1] - ideal), default=None)
        if best is not None and best not in cuts:
            cuts.append(best)
    bounds = [0, *cuts, len(units)]
    groups = [units[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    # A run over the limit (a few very long sentences) is divided again.
    result: list[list[str]] = []
    for group in groups:
        words = sum(count_words(u) for u in group)
        if words > MAX_WORDS and len(group) > 1:
            result.extend(balanced_parts(group, math.ceil(words / SPLIT_ABOVE_WORDS)))
        else:
            result.append(group)
    return result


def segment(blocks: list[Block], *, token_stream: bool = False) -> list[Segment]:
    """The passages of a source: paragraphs, long ones split; token streams cut evenly."""
    segments: list[Segment] = []
    for block in blocks:
        pieces = cut_tokens(block.text) if token_stream else split_paragraph(block.text)
        segments.extend(Segment(piece, block.section) for piece in pieces if piece.strip())
    return segments
