"""Reader for wiki articles scraped from mirror sites that follow each link with a gloss.

Such pages break the prose at every link: the link's line holds the linked term, then the
opening of the linked article cut off with ` ...`. Reading keeps the term, drops the gloss.
"""

import math
import re

from .base import Block, ParsedSource, Reader

GLOSS_END = " ..."
SITE_HEADER_WORDS = {"TheInfoList"}
# Appendix headings: everything from the first of these on is lists, not prose.
END_HEADINGS = {
    "see also",
    "notes",
    "references",
    "sources",
    "external links",
    "further reading",
    "bibliography",
    "citations",
    "footnotes",
    "works cited",
}
ARTICLES = {"The", "A", "An"}
# Words a gloss may open with that cannot sit inside a linked term.
OPENERS = ARTICLES | {"In", "#REDIRECT"}
# A linked term never ends on one of these; the prose after a link can.
TAIL_WORDS = {
    "of",
    "the",
    "and",
    "a",
    "an",
    "in",
    "on",
    "to",
    "for",
    "at",
    "by",
    "with",
    "from",
    "or",
    "von",
    "van",
    "de",
    "der",
    "du",
    "la",
    "le",
}
SUBJECT_STOPS = {"is", "was", "are", "were", "or"}
MAX_TERM_WORDS = 7
NO_SPACE_BEFORE = ",.;:)!?"


def is_gloss_line(line: str) -> bool:
    """Whether a line is a linked term followed by its cut-off gloss."""
    return line.rstrip().endswith(GLOSS_END)


def _norm(word: str) -> str:
    """A word stripped of italics marks, edge punctuation, case and a plural s, for matching."""
    return word.replace("''", "").strip(",.;:\"'").lower().removesuffix("s")


def _is_capitalised(word: str) -> bool:
    """Whether a word looks like part of a name (capital or digit first)."""
    word = word.replace("''", "")
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def _core(term: list[str]) -> list[str]:
    """The term's words to look for in a gloss: no leading article, no parenthetical."""
    words = [w for w in term if not (w.startswith("(") and w.endswith(")"))]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return [_norm(w) for w in words]


def _body(gloss: list[str]) -> list[str]:
    """The gloss without its leading article, so that it starts at its subject."""
    words = [w for w in (gloss[0].replace("''", ""), *gloss[1:]) if w]
    if len(words) > 1 and words[0] in ARTICLES:
        return words[1:]
    return words


def _subject(body: list[str]) -> tuple[list[str], bool]:
    """The gloss's opening noun phrase, and whether a lead-sentence boundary ended it."""
    subject: list[str] = []
    for word in body[:8]:
        if word.startswith("(") or word in SUBJECT_STOPS:
            return subject, True
        if word.endswith((",", ".", ";")):
            return [*subject, word], True
        subject.append(word)
    return subject, False


def _plausible(term: list[str], gloss: list[str]) -> bool:
    """Rule out splits no real link could produce."""
    first = gloss[0].replace("''", "") or gloss[0]
    if first[0].islower() or first[0] in NO_SPACE_BEFORE:
        return False
    last = term[-1]
    if last.lower() in TAIL_WORDS or last.endswith((",", ";", ":")):
        return False
    if any(w in OPENERS for w in term[1:]):
        return False
    joined = " ".join(term)
    return joined.count("(") == joined.count(")")


def _misplaced_opener(gloss: list[str]) -> bool:
    """Whether a gloss opener follows a few capitalised words, i.e. they belong to the term."""
    for pos in range(1, min(4, len(gloss))):
        word = gloss[pos]
        if word in OPENERS or word.startswith("''"):
            return all(_is_capitalised(w) and not re.search(r"[(,;]", w) for w in gloss[:pos])
        if not word[0].isupper():
            return False
    return False


def _italic_name_first(gloss: list[str]) -> bool:
    """Whether the gloss opens on an italicised name, possibly after an article."""
    if gloss[0] in ARTICLES and len(gloss) > 1:
        return gloss[1].startswith("''")
    return gloss[0].startswith("''")


def _score(term: list[str], gloss: list[str]) -> float:
    """How well splitting a gloss line into this term and this gloss fits the usual shapes."""
    if not _plausible(term, gloss):
        return -math.inf
    core, body = _core(term), _body(gloss)
    subject, bounded = _subject(body)
    normed = [_norm(w) for w in subject]
    score = -1.5 * len(term)
    # A gloss summarises the linked article, so it usually names the whole term somewhere.
    if " ".join(term).replace("''", "").lower() in " ".join(gloss).replace("''", "").lower():
        score += 1.5 * len(term)
    if gloss[0] == "#REDIRECT":
        score += 20
    if [_norm(w) for w in body[: len(core)]] == core:
        score += 10
    elif body and _norm(body[0]) == core[0]:
        score += 2
    if normed and normed[-1] == core[-1] and _in_order(core, normed):
        score += 6
    if (body and body[0].startswith("(")) or gloss[0] in OPENERS:
        score += 3
    if _italic_name_first(gloss):
        score += 4
    if bounded and subject and all(_is_capitalised(w) for w in subject[:5]):
        score += 3
    if _misplaced_opener(gloss):
        score -= 5
    return score


def _in_order(needles: list[str], haystack: list[str]) -> bool:
    """Whether needles occur in haystack in order, gaps allowed."""
    rest = iter(haystack)
    return all(any(n == h for h in rest) for n in needles)


def split_gloss_line(line: str) -> tuple[str, str]:
    """Split a gloss line into the linked term and the gloss that follows it."""
    words = line.split()
    candidates = range(1, min(len(words) - 1, MAX_TERM_WORDS) + 1)
    best = max(candidates, key=lambda k: _score(words[:k], words[k:]), default=1)
    return " ".join(words[:best]), " ".join(words[best:])


def _glue(text: str, piece: str, term: str, gloss: str) -> str:
    """Append a line's piece to the paragraph so far with the spacing the prose had."""
    if not text or not piece:
        return text + piece
    opening = text.endswith('"') and (len(text) == 1 or text[-2].isspace())
    closing = piece.startswith('"') and (len(piece) == 1 or not piece[1].isalnum())
    # Wiki links glued to a suffix ([[Untermensch]]en) leave the suffix on the next line.
    suffix = re.match(r"[a-z]+\b", piece)
    glued_suffix = bool(term and suffix) and (
        suffix.group() == "s" or (term + suffix.group()).lower() in gloss.lower()
    )
    if (
        opening
        or closing
        or glued_suffix
        or text.endswith("(")
        or piece[0] in NO_SPACE_BEFORE
        or piece.startswith(("'s", "-"))
    ):
        return text + piece
    return f"{text} {piece}"


def _tidy(text: str) -> str:
    """Drop wiki markup residue and fix spacing around punctuation."""
    text = re.sub(r"'{2,}", "", text)
    # Piped links rendered as "Page#Anchor, Label" or "Name (qualifier), Name".
    text = re.sub(r"[^\s(]+#([^,]+), \1", r"\1", text)
    text = re.sub(r"\b([A-Z][\w'-]*(?: [A-Z][\w'-]*){0,3}) \([a-z ]+\), \1\b", r"\1", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(rf"\s+([{re.escape(NO_SPACE_BEFORE)}])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"""(?<!\S)(["'])\s+(?=\w[^"']*\1)""", r"\1", text)  # opening quote
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)  # footnote markers removed between dots
    text = text.replace(",.", ",")
    return text.strip()


def join_paragraph(lines: list[str]) -> str:
    """One paragraph's prose: its broken lines joined, link terms kept, glosses dropped."""
    text, term, gloss = "", "", ""
    for line in lines:
        if is_gloss_line(line):
            piece, next_gloss = split_gloss_line(line)
        else:
            piece, next_gloss = line.strip(), ""
        text = _glue(text, piece, term, gloss)
        term, gloss = (piece, next_gloss) if next_gloss else ("", "")
    return _tidy(text)


def _paragraphs(text: str) -> list[list[str]]:
    """Runs of non-blank lines."""
    runs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [[ln for ln in run.split("\n") if ln.strip()] for run in runs if run.strip()]


def _heading(lines: list[str]) -> str:
    """The heading a paragraph is, or "" when it is not a short title line."""
    if len(lines) != 1 or is_gloss_line(lines[0]):
        return ""
    line = lines[0].strip()
    if len(line.split()) > 12 or not line[0].isupper() or line[-1] in ".,;:!?*":
        return ""
    return line


def _title(lead: str) -> str:
    """The article's subject, as its lead sentence names it."""
    match = re.match(r"(?:The |An |A )?(.{2,80}?)(?:,| \(| is | was | are | were )", lead)
    return match.group(1).strip() if match else ""


class WebPageReader(Reader):
    """Reads wiki articles scraped from mirror sites that append link glosses."""

    shape = "webpage"

    @classmethod
    def recognises(cls, text: str) -> bool:
        """Whether many lines end in link glosses, or the mirror's header tops the page."""
        lines = [ln for ln in text.splitlines() if ln.strip()]
        glosses = sum(is_gloss_line(ln) for ln in lines)
        header = any(ln.strip() in SITE_HEADER_WORDS for ln in lines[:5])
        return glosses >= 3 and (glosses >= 0.15 * len(lines) or header)

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        """Parse the page into paragraph blocks under their section headings."""
        blocks: list[Block] = []
        section = ""
        for lines in _paragraphs(text):
            heading = _heading(lines)
            if not blocks and (heading or len(" ".join(lines).split()) < 8):
                continue  # site navigation above the lead
            if heading.lower() in END_HEADINGS:
                break
            if heading:
                section = heading
                continue
            prose = join_paragraph(lines)
            if prose:
                blocks.append(Block(text=prose, section=section))
        title = _title(blocks[0].text) if blocks else ""
        return ParsedSource(shape=cls.shape, blocks=blocks, title=title)
