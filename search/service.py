"""Running a search as the form describes it: results, highlights, facets, suggestion."""

import dataclasses
import heapq
import itertools
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import DamerauLevenshtein

from archive.concepts.tagging import current_thesaurus
from archive.links import passage_path
from archive.models import Document, Language, Passage
from archive.text import SNOWBALL_ALGORITHMS, STOP_WORDS, fold, index_forms, split_words
from search import plan
from search.engine import IndexHit, engine
from search.facets import FACETS
from search.forms import YEAR_SPAN
from search.highlight import Marks, found, mark
from search.indexing import passage_index
from search.query import CompiledQuery, Expansion, build_query, parse_query
from search.ranking import ranges, turns
from search.recent import Recent
from search.search_indexes import TEXT_FIELDS

SNIPPET_CHARS = 320
# Results beyond this many are never paged to: such a request is answered 404 before the index
# is touched (a reader narrows the search instead; a scraper gets no deep pages).
MAX_RESULT_WINDOW = 10_000
# A facet lists at most this many values, those with most hits (a broad search over a large
# archive would otherwise list every document); chosen values are always listed.
FACET_ROWS = 100
NOTE_LABELS = {"yes": _("With curators’ notes"), "no": _("Without notes")}
# Sort orders of the form, as index fields (none: by score).
SORT_FIELDS = {"relevance": (), "document": ("document", "position")}
INDEX_UNBUILT = _(
    "The search index is not built yet, so no passage can be found; please try later."
)

# Every language's stop words: a word any of them would drop.
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())


@dataclass
class Hit:
    """One passage found, with what the result list and the API show of it."""

    ref: str
    url: str
    n: int
    language: str
    section: str
    text: str
    highlight: str
    snippet: str
    score: float
    document: dict
    # A curator's note that matched where the passage's own words did not, marked.
    note: str = ""


@dataclass
class SearchOutcome:
    """Everything a search page or API response shows."""

    query: str
    count: int = 0
    page: int = 1
    page_size: int = 20
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)
    searched: bool = False
    # The index holds no passage yet while the archive has some (before the first rebuild).
    index_unbuilt: bool = False
    # What the facet rows were made of (`FacetRows`): their counts and the filters.
    facets_made_of: tuple = ()

    @property
    def first(self) -> int:
        """The number of the first hit on this page, counting from 1."""
        return (self.page - 1) * self.page_size + 1

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))


class PageOutOfRange(Exception):
    """The page asked for lies beyond the last page of results."""


def highlight_marks(compiled: CompiledQuery, fields=TEXT_FIELDS) -> Marks:
    """What to mark for the query's positive part: its words (prefixes and fuzzy words expanded
    to the index words they match), its phrases as runs of words, and every name of each
    concept it searched, names of several words only as a whole."""
    marks = Marks()
    if compiled.positive is None:
        return marks
    leaves = [
        leaf for leaf in plan.leaves(compiled.positive) if getattr(leaf, "field", None) in fields
    ]
    expanding = [leaf for leaf in leaves if isinstance(leaf, plan.Expanding)]
    words = engine().expansions(expanding) if expanding else set()
    for leaf in leaves:
        if isinstance(leaf, plan.Phrase):
            marks.phrases.add(tuple(leaf.words))
        elif not isinstance(leaf, plan.Expanding):
            words.update(text for _, text in plan.terms(leaf))
    for expansion in compiled.expansions:
        for language, label in expansion.variants:
            marks.runs.setdefault(label_run(language, label), label)
    # Stop words are marked only inside a phrase, or when they are all the reader asked for.
    marks.words = (words - ALL_STOP_WORDS) or words
    return marks


def label_run(language: str, label: str) -> tuple[frozenset[str], ...]:
    """A label's words as a run to mark: each word folded, and stemmed in the label's language."""
    algorithm = SNOWBALL_ALGORITHMS.get(language)
    return tuple(
        frozenset([fold(w), *(index_forms(algorithm, w) if algorithm else ())])
        for w in split_words(label)
    )


def in_vocabulary(word: str) -> bool:
    """Whether the index holds a word in its folded field (for joined and split forms)."""
    return engine().doc_frequency("text", word) > 0


def make_hit(result: IndexHit, marks: Marks, absolute) -> tuple[Hit, set[str]]:
    """The hit as shown, and the names of concepts (labels) found in it."""
    slug, n = result.slug, result.n
    url = absolute(passage_path(slug, n))
    highlight, snippet, names = marked(result.text, result.language, marks)
    hit = Hit(
        ref=result.ref,
        url=url,
        n=n,
        language=result.language,
        section=result.section,
        text=result.text,
        highlight=highlight,
        snippet=snippet,
        score=round(result.score, 4) if isinstance(result.score, float) else 0.0,
        document={
            "slug": slug,
            "title": result.document_title,
            "language": result.document_language,
            "source_file": result.source_file,
        },
    )
    return hit, names


class Marked:
    """A passage text as marked for a query's marks, kept for the latest `size` (text, marks):
    marking is a matter of the text and the query alone, so it outlives the index generation
    (an edit makes most searches new, not most texts they find)."""

    def __init__(self, size: int = 4096):
        self.kept = Recent(size)

    def __call__(self, text: str, language: str, marks: Marks) -> tuple[str, str, frozenset]:
        """(the text marked, its snippet marked, the names of the runs found in it)."""

        def marking():
            spans, names = found(text, marks, language)
            marked_text = mark(text, spans)
            return marked_text, mark(text, spans, max_chars=SNIPPET_CHARS), frozenset(names)

        return self.kept.get((marks.key(), language, text), marking)


marked = Marked()


def notes_shown(hits: list[Hit], results: list[IndexHit], marks: Marks) -> None:
    """For hits with no word of their own marked, the curator's note that matched, marked."""
    if not marks:
        # Nothing to mark (a search by filters alone): no note is read for nothing.
        return
    unmarked = {
        r.pk: hit for hit, r in zip(hits, results, strict=True) if "<mark>" not in hit.highlight
    }
    if not unmarked:
        return
    index = passage_index()
    for passage in Passage.objects.filter(pk__in=unmarked).prefetch_related("annotations"):
        for note in index.published_notes(passage):
            text = note.searched_text
            spans = found(text, marks, passage.language)[0]
            if spans:
                unmarked[passage.pk].note = mark(text, spans, max_chars=SNIPPET_CHARS)
                break


def with_variants_found(expansions: list[Expansion], names: set[str]) -> list[Expansion]:
    """Expansions listing, after the names they added, every other name found in the hits."""
    found_expansions = []
    for expansion in expansions:
        typed = fold(expansion.matched)
        extra = [
            label
            for _, label in expansion.variants
            if label in names and label not in expansion.labels and fold(label) != typed
        ]
        labels = list(dict.fromkeys([*expansion.labels, *extra]))
        found_expansions.append(dataclasses.replace(expansion, labels=labels))
    return found_expansions


class DocumentTitles:
    """Titles of the documents that facet rows have named in one index generation, with the
    language each is written in (a change of either reindexes the document's passages, so it
    starts a new one), each read when a row first names it: every title of a million-passage
    archive took 10 MiB of each worker."""

    def __init__(self):
        self.known: dict[str, tuple[str, str | None]] = {}
        self.lock = threading.Lock()

    def of(self, slugs) -> dict[str, tuple[str, str | None]]:
        """(title, language) by slug, `slugs` among them (a slug no document has stands for
        itself, in no language)."""
        missing = [slug for slug in slugs if slug not in self.known]
        if missing:
            found = Document.objects.filter(slug__in=missing).values_list(
                "slug", "title", "language"
            )
            named = {slug: (title, language) for slug, title, language in found}
            with self.lock:
                self.known.update({slug: named.get(slug, (slug, None)) for slug in missing})
        return self.known


@lru_cache(maxsize=2)
def document_titles(generation) -> DocumentTitles:
    return DocumentTitles()


def facet_rows(counts: dict[str, dict[str, int]], filters: dict) -> dict[str, list[dict]]:
    """Facet counts (by index field) as {"value", "count", "selected"} rows of each facet, most
    hits first: the same for readers of every language (`labelled` adds the labels)."""
    found = {}
    for facet in FACETS:
        values = counts.get(facet.field, {})
        chosen = filters.get(facet.field) or []
        if facet.name == "year":
            found[facet.name] = year_rows(values, chosen)
        else:
            found[facet.name] = top_rows(values, set(chosen))
    # Passages without notes are not offered as a choice of their own.
    found["annotated"] = [row for row in found["annotated"] if row["value"] == "yes"]
    return found


class FacetRows:
    """A search's facet rows, unlabelled and as labelled for the readers of each language, kept
    for the counts and filters they are made of: an edit makes every search new, but seldom
    changes its counts, and a broad search's 150 rows with their labels took a tenth of the
    time of a search the result cache did not hold. Rows are shared: not to be changed."""

    def __init__(self, size: int = 256):
        self.rows, self.labelled = Recent(size), Recent(size)

    def of(self, counts: dict[str, dict[str, int]], filters: dict) -> tuple[dict, tuple]:
        """The rows, and what they are made of."""
        made_of = (
            tuple((field, tuple(values.items())) for field, values in counts.items()),
            tuple(
                (field, chosen if isinstance(chosen, plan.Range) else tuple(chosen))
                for field, chosen in sorted(filters.items())
            ),
        )
        return self.rows.get(made_of, lambda: facet_rows(counts, filters)), made_of

    def shown(self, outcome: SearchOutcome, thesaurus, titles) -> dict:
        """The outcome's rows labelled in the reader's language, by the thesaurus and the
        documents' titles as they are now."""
        if not outcome.facets_made_of:
            return labelled(outcome.facets, thesaurus, titles)
        named = tuple(titles.get(row["value"]) for row in outcome.facets.get("document", ()))
        key = (outcome.facets_made_of, thesaurus.version, get_language() or "en", named)
        return self.labelled.get(key, lambda: labelled(outcome.facets, thesaurus, titles))

    def clear(self) -> None:
        self.rows.clear()
        self.labelled.clear()


KEPT_ROWS = FacetRows()


def top_rows(values: dict[str, int], selected: set[str]) -> list[dict]:
    """The values with most hits (in index order among equals), and every chosen one, with no
    hits too: a filter that leaves nothing stays listed, so that it can be removed."""
    pairs = list(values.items())
    if len(pairs) > FACET_ROWS:
        top = heapq.nlargest(FACET_ROWS, pairs, key=lambda pair: pair[1])
        kept = {value for value, _ in top}
        pairs = top + [p for p in pairs if p[0] in selected and p[0] not in kept]
    pairs += [(value, 0) for value in sorted(selected - {value for value, _ in pairs})]
    found = [{"value": v, "count": n, "selected": v in selected} for v, n in pairs]
    return sorted(found, key=lambda row: -row["count"])


def year_rows(values: dict[str, int], chosen) -> list[dict]:
    """Every year of the histogram's span, with its hits (none for most); a year is selected
    when chosen, or inside the chosen range (a `plan.Range`)."""
    years = {int(v): n for v, n in values.items()}
    return [
        {"value": str(y), "count": years.get(y, 0), "selected": str(y) in chosen}
        for y in range(YEAR_SPAN[0], YEAR_SPAN[1] + 1)
    ]


def labelled(facets: dict[str, list[dict]], thesaurus, titles) -> dict[str, list[dict]]:
    """Facet rows with their labels in the reader's interface language, a document's with the
    language of its title (`lang`, for the page); concepts and note tags with as many hits
    listed by label."""
    languages, reader_language = dict(Language.choices), get_language() or "en"
    label_of = {
        "language": lambda v: languages.get(v, v),
        "document": lambda v: titles.get(v, (v, None))[0],
        "year": str,
        "concept": lambda v: thesaurus.preferred_label(v, reader_language),
        "annotated": lambda v: NOTE_LABELS.get(v, v),
        "note_tag": str,
    }
    found = {}
    for name, rows in facets.items():
        found[name] = [{**row, "label": str(label_of[name](row["value"]))} for row in rows]
        if name == "document":
            for row in found[name]:
                row["lang"] = titles.get(row["value"], (None, None))[1]
        if name in ("concept", "note_tag"):
            found[name].sort(key=lambda row: (-row["count"], row["label"]))
    return found


def index_is_unbuilt() -> bool:
    """Whether the index holds no passage although the archive has passages to find: a fresh
    data folder before the first rebuild (searches then find nothing, and say why)."""
    return engine().passage_count() == 0 and passage_index().index_queryset().exists()


def suggest(compiled: CompiledQuery, count: int, filters) -> str | None:
    """A corrected query ("Did you mean …?") when the query found nothing or little."""
    clauses = [c for c in compiled.parsed.clauses if c.kind == "word"]
    if count >= 3 or not clauses:
        return None
    search_engine = engine()
    corrected, changed = compiled.parsed.raw, False
    for clause in clauses:
        word = fold(clause.text)
        if search_engine.doc_frequency("text", word) > 2:
            continue
        better = closest_word(word)
        if better and better != word:
            corrected = corrected.replace(clause.text, surface_form(better), 1)
            changed = True
    if not changed:
        return None
    alternative = build_query(parse_query(corrected))
    if alternative.query is None:
        return None
    more = search_engine.run(alternative.query, filters=filters, start=0, end=0, facets=()).total
    return corrected if more > count else None


def closest_word(word: str) -> str | None:
    """The closest other word of the index vocabulary (two edits at most, same first letter)
    to a folded query word, the most frequent of equally close ones; None if there is none."""
    candidates = engine().closest_words("text", word)
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda w: (DamerauLevenshtein.distance(w, word), -candidates[w], w),
    )


def surface_form(folded_word: str) -> str:
    """The word as a passage writes it (capitals, diacritics), for a suggestion."""
    forms: Counter = Counter()
    term = plan.Term("text", folded_word)
    for hit in engine().run(term, start=0, end=20, facets=()).hits:
        # Lower-cased sources (token streams) say nothing about how a word is written.
        if hit.text != hit.text.lower():
            forms.update(w for w in split_words(hit.text) if fold(w) == folded_word)
    return forms.most_common(1)[0][0] if forms else folded_word


@dataclass
class Cached:
    """An outcome in the result cache, and the same as shown to the readers of each interface
    language (`for_reader`): labelling its rows cost every request more than the rest of an
    answer from the cache."""

    outcome: SearchOutcome
    shown: dict[str, SearchOutcome] = field(default_factory=dict)
    weight: int = 0


class ResultCache:
    """The latest outcomes of this process, keyed by what was asked and the index's state, so
    paging back and refining answer at once; any index change makes every key new. Outcomes
    are shared, not copied: callers must not change them (the views build what they add). An
    outcome holds no words of an interface language; as shown to readers of one it is kept
    beside it, under the same key (the labels are the key's thesaurus's, the titles its
    generation's)."""

    def __init__(self, size: int = 256, rows: int = 100_000):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()
        # Facet rows dominate an outcome's memory (a broad search lists every document): the
        # cache holds at most this many in all, some tens of MB.
        self.rows, self.held = rows, 0

    @staticmethod
    def rows_of(outcome) -> int:
        return sum(len(rows) for rows in outcome.facets.values())

    def _entry(self, key) -> Cached | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def get(self, key) -> SearchOutcome | None:
        with self.lock:
            entry = self._entry(key)
            return None if entry is None else entry.outcome

    def shown(self, key, language: str) -> SearchOutcome | None:
        """The outcome as shown to readers of this interface language, if kept."""
        with self.lock:
            entry = self._entry(key)
            return None if entry is None else entry.shown.get(language)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.held = 0

    def put(self, key, outcome) -> None:
        with self.lock:
            if key in self.entries:
                self.held -= self.entries.pop(key).weight
            entry = Cached(outcome, weight=1 + len(outcome.hits) + self.rows_of(outcome))
            self.entries[key] = entry
            self.held += entry.weight
            self._evict()

    def show(self, key, language: str, shown) -> None:
        """Keep the outcome as shown to readers of a language, beside the outcome (if it is
        still cached); its hits are the outcome's own."""
        with self.lock:
            entry = self._entry(key)
            if entry is None or language in entry.shown:
                return
            entry.shown[language] = shown
            entry.weight += self.rows_of(shown)
            self.held += self.rows_of(shown)
            self._evict()

    def _evict(self) -> None:
        while len(self.entries) > 1 and (len(self.entries) > self.size or self.held > self.rows):
            _, dropped = self.entries.popitem(last=False)
            self.held -= dropped.weight


RESULTS = ResultCache()


def cache_key(data: dict, absolute, thesaurus, generation) -> tuple:
    asked = tuple(
        sorted(
            (k, tuple(sorted(map(str, v))) if isinstance(v, list) else v) for k, v in data.items()
        )
    )
    # The archive's own address (a script prefix included): the hits' URLs start with it.
    return (generation, thesaurus.version, absolute(get_script_prefix()), asked)


def search_passages(form, absolute=lambda path: path) -> SearchOutcome:
    """Run the search a valid SearchForm describes (or answer it from the result cache);
    `absolute` makes URLs absolute."""
    data = form.cleaned_data
    if (data["page"] - 1) * data["page_size"] >= MAX_RESULT_WINDOW:
        raise PageOutOfRange(data["page"])
    thesaurus = current_thesaurus()
    with engine().one_generation():
        generation = engine().generation()
        key = cache_key(data, absolute, thesaurus, generation)
        reader = get_language() or "en"
        shown = RESULTS.shown(key, reader)
        if shown is not None:
            return shown
        titles = document_titles(generation)
        outcome = RESULTS.get(key)
        if outcome is None:
            outcome = run_search(form, absolute, thesaurus)
            RESULTS.put(key, outcome)
    named = titles.of(row["value"] for row in outcome.facets.get("document", ()))
    shown = for_reader(outcome, thesaurus, named)
    RESULTS.show(key, reader, shown)
    return shown


def for_reader(outcome: SearchOutcome, thesaurus, titles) -> SearchOutcome:
    """The outcome with facet labels and notices in the reader's interface language (a copy:
    the cached outcome is shared by readers of every language, so it holds none of them)."""
    notices = [*outcome.notices, INDEX_UNBUILT] if outcome.index_unbuilt else outcome.notices
    notices = [str(notice) for notice in notices]
    return dataclasses.replace(
        outcome, facets=KEPT_ROWS.shown(outcome, thesaurus, titles), notices=notices
    )


def by_language_turns(query, filters, found, start: int, end: int) -> list[IndexHit] | None:
    """Hits start..end with languages taking turns (`search.ranking`), when passages of more
    than one language match; None otherwise. Each language's hits are asked of the engine
    under the search's own filters, so any engine orders them alike."""
    chosen = set(filters.get("language") or ())
    counts = {
        language: count
        for language, count in found.facets.get("language", {}).items()
        if count and (not chosen or language in chosen)
    }
    if len(counts) < 2:
        return None
    search_engine = engine()

    def ask(language, first, last):
        narrowed = {**filters, "language": [language]}
        return search_engine.run(query, filters=narrowed, start=first, end=last, facets=()).hits

    # Each language's best hit sets the order of turns. On the first page (the one most read)
    # each language is asked once, for as many of its best hits as its share of the page.
    share = -(-end // len(counts)) + 1 if start == 0 else 1
    best = {language: ask(language, 0, share) for language in counts}
    order = sorted(
        counts, key=lambda lang: (-(best[lang][0].score if best[lang] else 0), -counts[lang], lang)
    )
    places = turns([(language, counts[language]) for language in order], start, end)
    taken = {
        language: (0, best[language])
        if last <= len(best[language])
        else (first, ask(language, first, last))
        for language, (first, last) in ranges(places).items()
    }
    return [
        taken[language][1][rank - taken[language][0]]
        for language, rank in places
        if rank - taken[language][0] < len(taken[language][1])
    ]


@dataclass
class Planned:
    """What a valid form asks the engine: the compiled query, its plan (None: nothing is
    searched, neither words nor filters given), the filters and the sort."""

    compiled: CompiledQuery
    query: plan.Plan | None
    filters: dict[str, plan.Filter]
    sort: tuple[str, ...]


class Plans:
    """Compiled queries, kept across index generations. A query's plan is a matter of its text,
    the thesaurus (when names are expanded) and, of the index, only whether it holds the few
    words asked about (a joined or a split form of the reader's words): a plan kept is used
    while the index answers each of those as it did. Plans are shared: not to be changed."""

    def __init__(self, size: int = 1024):
        self.kept = Recent(size)

    def __call__(self, text: str, thesaurus) -> CompiledQuery:
        key = (text, thesaurus.version if thesaurus is not None else None)
        compiled, by, asked = self.kept.get(key, lambda: self.compiled(text, thesaurus))
        if by is not thesaurus or any(in_vocabulary(word) != held for word, held in asked):
            compiled, by, asked = kept = self.compiled(text, thesaurus)
            self.kept.put(key, kept)
        return compiled

    @staticmethod
    def compiled(text: str, thesaurus) -> tuple[CompiledQuery, object, tuple]:
        asked = {}

        def vocabulary(word: str) -> bool:
            asked[word] = held = in_vocabulary(word)
            return held

        compiled = build_query(parse_query(text), thesaurus=thesaurus, vocabulary=vocabulary)
        return compiled, thesaurus, tuple(asked.items())


plans = Plans()


def planned(form, thesaurus) -> Planned:
    """The search a valid SearchForm describes, as the engine runs it."""
    data = form.cleaned_data
    filters = form.filters()
    compiled = plans(data.get("q") or "", thesaurus if data["expand"] else None)
    query = compiled.query
    if query is None and any(filters.values()):
        query = plan.MatchAll()
    return Planned(compiled, query, filters, tuple(SORT_FIELDS[data["sort"]]))


def every_hit(search: Planned, *, cap: int, window: int = 500) -> tuple[int, Iterator[IndexHit]]:
    """How many passages the search finds, and its first `cap` hits in its order (that of its
    pages), read from the engine a window at a time (an export streams them without holding
    them all)."""
    if search.query is None:
        return 0, iter(())
    first = engine().run(
        search.query,
        filters=search.filters,
        sort=search.sort,
        start=0,
        end=min(window, cap),
        facets=("language",),
    )

    def windows(start: int) -> Iterator[list[IndexHit]]:
        while start < min(first.total, cap):
            end = min(start + window, cap)
            yield hits_at(search, start, end, counted=first)
            start = end

    head = in_order(search, first, 0, min(window, cap))
    rest = windows(len(head))
    return first.total, itertools.chain(head, itertools.chain.from_iterable(rest))


def hits_at(search: Planned, start: int, end: int, counted=None) -> list[IndexHit]:
    """Hits start..end of the search in the order of its pages (`counted`: a run of the same
    search whose language counts can be reused)."""
    found = engine().run(
        search.query,
        filters=search.filters,
        sort=search.sort,
        start=start,
        end=end,
        facets=("language",) if counted is None else (),
    )
    return in_order(search, counted or found, start, end, found.hits)


def in_order(search: Planned, found, start: int, end: int, hits=None) -> list[IndexHit]:
    """The hits start..end as pages show them: by relevance, languages take turns."""
    hits = found.hits if hits is None else hits
    if search.sort or search.compiled.query is None:
        return hits
    return by_language_turns(search.query, search.filters, found, start, end) or hits


def run_search(form, absolute, thesaurus) -> SearchOutcome:
    data = form.cleaned_data
    outcome = SearchOutcome(
        query=data.get("q") or "", page=data["page"], page_size=data["page_size"]
    )
    search = planned(form, thesaurus)
    compiled, query, filters = search.compiled, search.query, search.filters
    outcome.notices = compiled.parsed.notices
    outcome.expansions = compiled.expansions
    if query is None:
        return outcome
    outcome.searched = True
    start = (outcome.page - 1) * outcome.page_size
    found = engine().run(
        query, filters=filters, sort=search.sort, start=start, end=start + outcome.page_size
    )
    outcome.count = found.total
    outcome.index_unbuilt = not outcome.count and index_is_unbuilt()
    if outcome.page > 1 and start >= outcome.count:
        raise PageOutOfRange(outcome.page)
    hits = in_order(search, found, start, start + outcome.page_size)
    marks = highlight_marks(compiled)
    shown = [make_hit(r, marks, absolute) for r in hits]
    outcome.hits = [hit for hit, _ in shown]
    outcome.expansions = with_variants_found(
        compiled.expansions, set().union(*(names for _, names in shown))
    )
    notes_shown(outcome.hits, hits, highlight_marks(compiled, fields=("notes",)))
    outcome.facets, outcome.facets_made_of = KEPT_ROWS.of(found.facets, filters)
    if compiled.query is not None:
        outcome.suggestion = suggest(compiled, outcome.count, filters)
    return outcome
