"""What the archive reads from text: words, folding (case, diacritics, old spellings), Snowball
stems in each language, stop words, and small facts such as the years a passage mentions.
Tagging, search analysis and highlighting all build on these, so they agree on what a word is."""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

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


# Letters and digits (not "_"), with combining marks so NFD text stays one word; an apostrophe
# between letters keeps "don't" and "O'Neill" whole, while hyphens and dashes split words.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTER = rf"(?:[^\W_]|[{_MARKS}])"
WORD_PATTERN = rf"[^\W_]{_LETTER}*(?:['’‘ʼ‛][^\W_]{_LETTER}*)*"

_PUNCTUATION = {
    **dict.fromkeys("‘’‚‛ʼ", "'"),
    **dict.fromkeys("“”„«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}
_LETTERS = {"đ": "d", "ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"}
# Romanian letters as Snowball expects them: comma below, never the legacy cedilla.
_MODERN = str.maketrans({"ş": "ș", "ţ": "ț", **_PUNCTUATION})
# "î" inside a word is the pre-1993 spelling of "â" (pînă, hotărît); at either end it is "î".
_INNER_I = re.compile(r"(?<=[^\W\d_])î(?=[^\W\d_])")


class _FoldTable(dict):
    """Translation table for `fold` that works out unseen characters once, on first use."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        self[code] = folded
        return folded


_FOLD = _FoldTable({ord(k): v for k, v in {**_PUNCTUATION, **_LETTERS}.items()})
# Russian keeps "й": it is a letter of its own, not "и" with an accent ("ё" → "е" is wanted).
_FOLD[ord("й")] = "й"


def _modernise(text: str) -> str:
    """Lower-case, compose and respell Romanian old orthography; the shared start of folding."""
    text = text.lower()
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "î" in text:
        text = _INNER_I.sub("â", text)
    return text


def fold(text: str) -> str:
    """Lower-cased `text` without diacritics, old Romanian spellings or typographic punctuation."""
    text = _modernise(text)
    return text if text.isascii() else text.translate(_FOLD)


# One word folded, remembered: words repeat (a corpus has a few thousand distinct words for
# every million it holds), and the index build and highlighting fold every word they meet.
fold_word = lru_cache(maxsize=200_000)(fold)


@lru_cache(maxsize=1)
def _folded_variants() -> dict[str, str]:
    """Each one-character fold (a letter, "-", "'") with every character that folds to it, in
    both cases: the Latin letters of the archive's languages and the typographic punctuation."""
    candidates = [chr(c) for c in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))]
    variants: dict[str, set[str]] = {}
    for char in (*candidates, *_PUNCTUATION):
        folded = fold(char)
        if len(folded) == 1 and folded != char:
            variants.setdefault(folded, {folded, folded.upper()}).add(char)
            if len(char.upper()) == 1:
                variants[folded].add(char.upper())
    # "î" inside a word stands for "â" (old Romanian spelling), so it may be an "a" too.
    variants["a"].update("îÎ")
    return {key: "".join(sorted(chars)) for key, chars in variants.items()}


def folding_pattern(term: str) -> str:
    """A regular expression (Python's, SQLite's through Django, PostgreSQL's) that matches `term`
    in a text as `fold` compares them: whatever the case, diacritics and old spellings."""
    variants = _folded_variants()
    parts = []
    for char in fold(term):
        if char in variants:
            parts.append(f"[{re.escape(variants[char])}]")
        elif char.isalnum():
            parts.append(f"[{char}{char.upper()}]" if char != char.upper() else char)
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def normalise(text: str) -> str:
    """Lower-cased `text` in modern spelling with its diacritics kept: what a stemmer expects."""
    text = _modernise(text)
    return text if text.isascii() else text.translate(_MODERN)


SNOWBALL_ALGORITHMS: dict[str, str] = {
    "en": "english",
    "ro": "romanian",
    # Serbian Snowball reads Latin script (and Cyrillic) and folds ijekavian to ekavian.
    "hr": "serbian",
}

_local = threading.local()


def _stemmer(algorithm: str):
    # Snowball stemmers keep the word being stemmed on the instance: one per thread.
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return stemmers[algorithm]


@lru_cache(maxsize=100_000)
def query_form(algorithm: str, word: str) -> str:
    """Term searched for query `word`: its folded stem, one of the `index_forms` of its matches."""
    return fold(_stemmer(algorithm).stemWord(normalise(word)))


@lru_cache(maxsize=400_000)
def index_forms(algorithm: str, word: str) -> tuple[str, ...]:
    """Terms indexed for `word`: the folded stem of the word and the stem of the folded word."""
    written, folded = normalise(word), fold(word)
    # The folded stem of the word as written is its query form (tagging and queries ask for
    # it too, so it is often known already).
    with_marks = query_form(algorithm, word)
    if folded == written:
        # A word without diacritics is its own folded form: one stem.
        return (with_marks,)
    # Stems can gain letters ("medjunarodni" → "međunarodn" in Serbian): fold them again.
    without_marks = fold(_stemmer(algorithm).stemWord(folded))
    return (with_marks,) if with_marks == without_marks else (with_marks, without_marks)


_WORDS = re.compile(WORD_PATTERN)


def split_words(text: str) -> list[str]:
    """The words of a text as every analyzer cuts them, not yet folded."""
    return _WORDS.findall(text)


def words_at(text: str) -> list[tuple[int, int, str]]:
    """Each word of a text as (start, end, the word as written)."""
    return [(m.start(), m.end(), m.group()) for m in _WORDS.finditer(text)]


def base_language(code: str) -> str:
    """The base language of a code: "hr-HR" → "hr"."""
    return (code or "").replace("_", "-").split("-")[0].lower()


def terms(text: str, code: str, mode: str = "query") -> list[str]:
    """The search terms of `text` in language `code`: folded words, or where the language is
    stemmed, their folded stems (a query's one form of each word; at indexing, every form).
    The search engines' analyzers produce exactly these (tests check it on the seed corpus)."""
    words = split_words(text)
    algorithm = SNOWBALL_ALGORITHMS.get(base_language(code))
    if algorithm is None:
        return [fold(word) for word in words]
    if mode == "query":
        return [query_form(algorithm, word) for word in words]
    return [form for word in words for form in index_forms(algorithm, word)]


def _stops(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# Folded, like the terms they will be compared with. Never removed at index time (phrases);
# "us", "may" and "will" are left out of English: the US, the month of May, a last will.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _stops(
        "a an and are as at be by can for from have if in is it not of on or that the this to"
        " we when with yet you your was were which"
    ),
    "ro": _stops(
        "a al ale ai am ar au avea ca care ce cel cea cei cele cu că când de din după dar"
        " este era fi fost iar în între la le lor lui mai nu o pe pentru prin sau se să și"
        " sub un una unei unor unui va vor"
    ),
    "hr": _stops(
        "a ali bi bio bila bilo biti da do i ih ili iz je jer joj koja koje koji kojih kao"
        " li na ne nije o od po pri s sa se su te to u uz za će"
    ),
    "de": _stops(
        "aber als am an auch auf aus bei da das dass dem den der des die durch ein eine einem"
        " einen einer eines es für im in ist mit nach nicht oder sich sie und von vom war wie"
        " zu zum zur"
    ),
    "ru": _stops(
        "а без бы был была были было в во для до же за и из или к как ко на не но о об от"
        " по при с со то что это"
    ),
}
