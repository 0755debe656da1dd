"""Reading a reader's query and building the search plan that searches every language.

The query language: words (all must match), "quoted phrases" (exact, after folding), OR between
two terms, -exclusion (also NOT), prefix*, fuzzy~ (one or two letters off), note:word (only in
curators' notes). Whatever cannot be
read that way is searched as plain words, with a notice saying so; nothing here raises. The
notices are lazy: an outcome is cached for readers of every language, each reads them in theirs.

What a word finds: its folded form, its stems in every language, and (with a thesaurus) every
label of the concept it names. Stop words outside quotes are not required, only ranked higher
where they occur ("the treaty of Rapallo" finds a source with its stop words stripped).
Hyphenated, joined and separate forms meet both ways: "Soviet-Finnish" also searches
"sovietfinnish"; "germansoviet" also searches the phrase "german soviet" when the index holds
both halves as words; two words typed apart also search their joined form if the index holds
it. An excluded word excludes whatever the same word would have found.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from archive.concepts.thesaurus import Thesaurus
from archive.text import SNOWBALL_ALGORITHMS, STOP_WORDS, fold, index_forms, split_words
from search import plan
from search.search_indexes import STEMMED_FIELDS

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 24
# Exact (folded, unstemmed) matches rank above matches of another form of the word.
EXACT_BOOST = 2.0
# Terms added from the thesaurus rank below what the reader typed.
EXPANSION_BOOST = 0.6
# A word found only in a curator's note about the passage ranks lower still.
NOTE_BOOST = 0.4

# The stop words of every language: a query names none, and may be in any of them.
ANY_STOP_WORD = frozenset().union(*STOP_WORDS.values())
# A joined word is split in two only into halves at least this long ("germansoviet").
MIN_SPLIT_PART = 3
# Whether the folded field of the index holds a word (the engine's vocabulary).
Vocabulary = Callable[[str], bool]

TOKEN_RE = re.compile(r'-?(?:note:)?"[^"]*"|\S+', re.IGNORECASE)
QUOTES = str.maketrans(dict.fromkeys("“”„«»″", '"'))


@dataclass(frozen=True)
class Clause:
    """One thing to look for: a word, a phrase, a prefix or a fuzzy word."""

    kind: str  # "word", "phrase", "prefix" or "fuzzy"
    text: str


@dataclass
class ParsedQuery:
    """A query as read: groups that must all match (OR inside a group), and exclusions."""

    raw: str
    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    notices: list[str | Promise] = field(default_factory=list)

    @property
    def clauses(self) -> list[Clause]:
        return [c for group in self.groups for c in group]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def has_words(text: str) -> bool:
    return bool(split_words(text))


def read_token(token: str) -> Clause | None:
    """The clause a single token stands for, or None if it holds no searchable word."""
    if token[:5].lower() == "note:":
        text = token[5:].strip('"').strip()
        return Clause("note", text) if has_words(text) else None
    if token.startswith('"'):
        text = token.strip('"').strip()
        return Clause("phrase", text) if has_words(text) else None
    if token.endswith("*") and has_words(token.rstrip("*")):
        stem = token.rstrip("*")
        return Clause("prefix", stem) if len(fold(stem)) >= 2 else Clause("word", stem)
    fuzzy = re.fullmatch(r"(.+?)~[12]?", token)
    if fuzzy and has_words(fuzzy[1]):
        return Clause("fuzzy", fuzzy[1])
    return Clause("word", token) if has_words(token) else None


def parse_query(raw: str) -> ParsedQuery:
    """Read a query string; never fails, and says what it could not read as written."""
    parsed = ParsedQuery(raw=raw)
    text = raw.translate(QUOTES)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        parsed.notices.append(
            format_lazy(
                _("Your query was longer than {limit} characters; the rest was left out."),
                limit=MAX_QUERY_CHARS,
            )
        )
    if text.count('"') % 2:
        text = text.replace('"', " ")
        parsed.notices.append(
            _(
                "A quotation mark was not closed, so the words were searched "
                "one by one rather than as a phrase."
            )
        )
    if re.search(r"[()\[\]{}]", text):
        text = re.sub(r"[()\[\]{}]", " ", text)
        parsed.notices.append(_("Brackets are not part of the search language; they were ignored."))
    pending_or = negate_next = False
    ignored = []
    for token in TOKEN_RE.findall(text):
        if token == "OR":
            if pending_or or not parsed.groups:
                ignored.append(token)
            pending_or = bool(parsed.groups)
            continue
        if token in ("AND", "+"):
            continue
        if token == "NOT":
            negate_next = True
            continue
        negated = negate_next or (token.startswith("-") and len(token) > 1)
        negate_next = False
        clause = read_token(token[1:] if token.startswith("-") and len(token) > 1 else token)
        if clause is None:
            ignored.append(token)
            pending_or = False
        elif negated:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
            pending_or = False
        else:
            parsed.groups.append([clause])
    if pending_or:
        ignored.append("OR")
    if ignored:
        parsed.notices.append(
            format_lazy(
                _("Ignored, as they hold no word to search: {terms}"), terms=" ".join(ignored)
            )
        )
    if len(parsed.clauses) > MAX_CLAUSES:
        parsed.groups = parsed.groups[:MAX_CLAUSES]
        parsed.notices.append(
            format_lazy(_("Only the first {limit} terms were searched."), limit=MAX_CLAUSES)
        )
    if parsed.excluded and not parsed.groups:
        parsed.notices.append(_("A search needs at least one word that is not excluded."))
    return parsed


# Building ---------------------------------------------------------------------------------


def alternatives_query(fieldname: str, term) -> plan.Plan:
    alts = term if isinstance(term, tuple) else (term,)
    if len(alts) > 1:
        return plan.Any(tuple(plan.Term(fieldname, t) for t in alts))
    return plan.Term(fieldname, alts[0])


def boosted(node: plan.Plan, boost: float) -> plan.Plan:
    return dataclasses.replace(node, boost=boost)


def terms_query(
    fieldname: str, terms: list, *, boost: float = 1.0, adjacent: bool = True
) -> plan.Plan | None:
    """A term, or a phrase for several (all of them, if not `adjacent`: the stemmed fields keep
    no positions); each position may hold alternatives (a tuple)."""
    if not terms:
        return None
    if len(terms) == 1 or not adjacent:
        parts = [alternatives_query(fieldname, t) for t in terms]
        return boosted(parts[0], boost) if len(parts) == 1 else plan.All(tuple(parts), boost)
    # A phrase takes one word per position; alternatives are tried as separate phrases.
    first = tuple(t[0] if isinstance(t, tuple) else t for t in terms)
    last = tuple(t[-1] if isinstance(t, tuple) else t for t in terms)
    phrases = {first, last}
    if len(phrases) > 1:
        return plan.Any(tuple(plan.Phrase(fieldname, p) for p in phrases), boost)
    return plan.Phrase(fieldname, first, boost)


def folded_terms(text: str) -> list[str]:
    return [fold(word) for word in split_words(text)]


def text_query(text: str, *, exact_only: bool = False, boost: float = 1.0) -> plan.Plan | None:
    """Words or a phrase: exact folded form in every language, and each language's stems."""
    alternatives = [terms_query("text", folded_terms(text), boost=EXACT_BOOST * boost)]
    alternatives.extend(word_forms(text, exact_only))
    alternatives.append(terms_query("notes", folded_terms(text), boost=NOTE_BOOST * boost))
    if not exact_only:
        words = split_words(text)
        for code, fieldname in STEMMED_FIELDS.items():
            algorithm = SNOWBALL_ALGORITHMS[code]
            stems = [index_forms(algorithm, w) for w in words]
            alternatives.append(terms_query(fieldname, stems, boost=boost, adjacent=False))
    alternatives = [a for a in alternatives if a is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else plan.Any(tuple(alternatives))


def word_forms(text: str, exact_only: bool) -> list[plan.Plan]:
    """The joined form of a hyphenated word ("Soviet-Finnish": "sovietfinnish"), in every
    field a single word is searched in."""
    words = folded_terms(text)
    if exact_only or len(words) < 2:
        return []
    joined = "".join(words)
    found = [plan.Term("text", joined, boost=EXACT_BOOST), plan.Term("notes", joined, NOTE_BOOST)]
    for code, fieldname in STEMMED_FIELDS.items():
        stems = index_forms(SNOWBALL_ALGORITHMS[code], joined)
        found.append(alternatives_query(fieldname, stems if len(stems) > 1 else stems[0]))
    return found


def splits(word: str, vocabulary: Vocabulary | None) -> list[tuple[str, str]]:
    """Two words of the index a joined word may stand for ("germansoviet": german, soviet);
    never a stop word ("therapist" is not "the rapist")."""
    folded = fold(word)
    if vocabulary is None or len(split_words(word)) != 1:
        return []
    halves = [
        (folded[:i], folded[i:]) for i in range(MIN_SPLIT_PART, len(folded) - MIN_SPLIT_PART + 1)
    ]
    return [
        pair
        for pair in halves
        if not set(pair) & ANY_STOP_WORD and vocabulary(pair[0]) and vocabulary(pair[1])
    ]


def clause_query(clause: Clause, vocabulary: Vocabulary | None = None) -> plan.Plan | None:
    found = bare_clause_query(clause)
    if clause.kind != "word" or found is None:
        return found
    parts = [
        plan.Phrase("text", pair, boost=EXACT_BOOST) for pair in splits(clause.text, vocabulary)
    ]
    return plan.Any((found, *parts)) if parts else found


def bare_clause_query(clause: Clause) -> plan.Plan | None:
    if clause.kind == "note":
        return terms_query("notes", folded_terms(clause.text))
    if clause.kind == "phrase":
        return text_query(clause.text, exact_only=True)
    if clause.kind == "prefix":
        *rest, last = folded_terms(clause.text)
        prefix = plan.Prefix("text", last)
        return plan.All((*(plan.Term("text", t) for t in rest), prefix)) if rest else prefix
    if clause.kind == "fuzzy":
        fuzzy = tuple(
            plan.Fuzzy("text", t, maxdist=1 if len(t) <= 5 else 2, prefix=1)
            for t in folded_terms(clause.text)
        )
        return fuzzy[0] if len(fuzzy) == 1 else plan.All(fuzzy)
    return text_query(clause.text)


@dataclass
class Expansion:
    """Thesaurus terms added for what the reader typed."""

    matched: str
    concept: str
    labels: list[str]
    terms: set[str] = field(default_factory=set)
    # Every name of the concept, (language, label): what highlighting looks for.
    variants: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CompiledQuery:
    """The search plan for a parsed query, and what was added to it from the thesaurus."""

    parsed: ParsedQuery
    query: plan.Plan | None
    positive: plan.Plan | None
    expansions: list[Expansion] = field(default_factory=list)


def concept_query(slug: str) -> plan.Plan:
    """Passages tagged with the concept: tagging already matched every label, in every
    spelling and inflection, so one term lookup replaces dozens of phrase searches."""
    return plan.Term("concepts", slug, boost=EXPANSION_BOOST)


def label_terms(labels: list[tuple[str, str]]) -> set[str]:
    """The index terms of a concept's labels, for highlighting them in the passages found."""
    terms: set[str] = set()
    for language, label in labels:
        terms.update(folded_terms(label))
        if language in STEMMED_FIELDS:
            for word in split_words(label):
                terms.update(index_forms(SNOWBALL_ALGORITHMS[language], word))
    return terms


def group_query(group: list[Clause], vocabulary: Vocabulary | None = None) -> plan.Plan | None:
    parts = [q for q in (clause_query(c, vocabulary) for c in group) if q is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else plan.Any(tuple(parts))


def is_stop_word(group: list[Clause]) -> bool:
    """Whether a group is one stop word typed outside quotes (not required, only ranked)."""
    if len(group) != 1 or group[0].kind != "word":
        return False
    words = folded_terms(group[0].text)
    return len(words) == 1 and words[0] in ANY_STOP_WORD


def all_of(required: list[plan.Plan], optional: list[plan.Plan]) -> plan.Plan | None:
    """Passages every required part finds, ranked higher for each optional part they hold;
    with nothing required, the optional parts are required (a query of stop words alone)."""
    if not required:
        required, optional = optional, []
    if not required:
        return None
    found = required[0] if len(required) == 1 else plan.All(tuple(required))
    if optional:
        found = plan.Maybe(found, optional[0] if len(optional) == 1 else plan.Any(tuple(optional)))
    return found


def words_query(groups: list[list[Clause]], vocabulary: Vocabulary | None) -> plan.Plan | None:
    """Groups that must all match, stop words among them optional."""
    required, optional = [], []
    for group in groups:
        q = group_query(group, vocabulary)
        if q is not None:
            (optional if is_stop_word(group) else required).append(q)
    return all_of(required, optional)


def joined_pair(groups, i: int, vocabulary: Vocabulary | None) -> str | None:
    """The joined form of two words typed apart ("soviet finnish": "sovietfinnish"), if the
    index holds it."""
    if vocabulary is None or i + 1 >= len(groups):
        return None
    pair = groups[i : i + 2]
    if any(len(g) != 1 or g[0].kind != "word" or is_stop_word(g) for g in pair):
        return None
    words = [w for g in pair for w in folded_terms(g[0].text)]
    joined = "".join(words)
    return joined if len(words) == 2 and vocabulary(joined) else None


def expand_groups(parsed: ParsedQuery, thesaurus: Thesaurus | None, vocabulary=None):
    """Group queries, with runs of words that name a concept widened to all its labels; which
    of them are stop words (optional)."""
    groups = parsed.groups
    queries: list[plan.Plan] = []
    optional: list[plan.Plan] = []
    expansions: list[Expansion] = []
    i = 0
    while i < len(groups):
        match = thesaurus.match_groups(groups, i) if thesaurus else None
        joined = joined_pair(groups, i, vocabulary)
        if joined and (not match or match[0] <= i + 2):
            # The two words typed apart (each widened to its concept), or joined.
            apart, apart_optional, apart_expansions = expand_groups(
                ParsedQuery(parsed.raw, groups[i : i + 2]), thesaurus
            )
            queries.append(plan.Any((all_of(apart, apart_optional), text_query(joined))))
            expansions.extend(apart_expansions)
            i += 2
            continue
        if match:
            end, slugs, matched = match
            alternatives = [words_query(groups[i:end], vocabulary)]
            for slug in slugs:
                alternatives.append(concept_query(slug))
                added = thesaurus.added_labels(slug, matched)
                variants = thesaurus.labels(slug)
                terms = label_terms(variants)
                expansions.append(Expansion(matched, slug, added, terms, variants))
            queries.append(plan.Any(tuple(a for a in alternatives if a is not None)))
            i = end
            continue
        q = group_query(groups[i], vocabulary)
        if q is not None:
            (optional if is_stop_word(groups[i]) else queries).append(q)
        i += 1
    return queries, optional, expansions


def excluded_query(
    parsed: ParsedQuery, thesaurus: Thesaurus | None, vocabulary: Vocabulary | None
) -> plan.Plan | None:
    """What the excluded clauses would find if searched: their words, forms and concepts."""
    parts = []
    for clause in parsed.excluded:
        q = clause_query(clause, vocabulary)
        if q is None:
            continue
        parts.append(q)
        if thesaurus and clause.kind in ("word", "phrase"):
            parts.extend(concept_query(slug) for slug in sorted(thesaurus.lookup(clause.text)))
    return plan.Any(tuple(parts)) if parts else None


def build_query(
    parsed: ParsedQuery,
    *,
    thesaurus: Thesaurus | None = None,
    vocabulary: Vocabulary | None = None,
) -> CompiledQuery:
    """The search plan for a parsed query; with a thesaurus, concepts are searched in all
    their languages; with the index's `vocabulary`, joined and separate forms of words too."""
    queries, optional, expansions = expand_groups(parsed, thesaurus, vocabulary)
    positive = all_of(queries, optional)
    if positive is None:
        return CompiledQuery(parsed, None, None, expansions)
    excluded = excluded_query(parsed, thesaurus, vocabulary)
    final = plan.Without(positive, excluded) if excluded is not None else positive
    return CompiledQuery(parsed, final, positive, expansions)
