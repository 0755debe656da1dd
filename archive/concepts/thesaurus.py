"""The thesaurus as tagging and search use it: which words name which concept, in any language.

A label is found under its folded words in any text, and under its stems only in text of its
own language: stemming "SUA" (ro) with the English stemmer would make it match Croatian "su".
Where labels overlap ("Molotov–Ribbentrop Pact" and "Molotov"), the longest one wins.
"""

from dataclasses import dataclass, field

from archive.text import SNOWBALL_ALGORITHMS, fold, query_form, split_words

# No label in the thesaurus is longer than this many words.
MAX_LABEL_WORDS = 8
FOLDED = "folded"


def keyed(words: list[str], family: str) -> tuple[str, ...]:
    """Words as one key family sees them: folded, or stemmed in a language."""
    if family == FOLDED:
        return tuple(fold(w) for w in words)
    algorithm = SNOWBALL_ALGORITHMS[family]
    return tuple(query_form(algorithm, w) for w in words)


def preferred_label(labels, language: str) -> str | None:
    """Of a concept's preferred (language, text) labels, the one in a language, else the
    English one, else any."""
    ordered = sorted(labels, key=lambda label: (label[0] != language, label[0] != "en"))
    return ordered[0][1] if ordered else None


def families_for(language: str | None) -> list[str]:
    """Key families to look in for text of a language (None: a query, any language)."""
    if language is None:
        return [FOLDED, *SNOWBALL_ALGORITHMS]
    return [FOLDED, language] if language in SNOWBALL_ALGORITHMS else [FOLDED]


@dataclass(frozen=True)
class Mention:
    """A run of words [start, end) naming concepts."""

    start: int
    end: int
    slugs: frozenset[str]


@dataclass
class Thesaurus:
    """Concept labels keyed for lookup; built from the database by `archive.concepts.tagging`."""

    concepts: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    index: dict[tuple[str, tuple[str, ...]], set[str]] = field(default_factory=dict)
    # The first term of every label, per family: most words start no label at all.
    starts: dict[str, set[str]] = field(default_factory=dict)
    # Which state of the database thesaurus this was built from (see archive.concepts.tagging).
    version: tuple = ()
    # (slug, language) → label, worked out once: a search's facets label a hundred concepts.
    _preferred: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)

    def add(self, slug: str, language: str, text: str, preferred: bool) -> None:
        self._preferred.clear()
        self.concepts.setdefault(slug, []).append((language, text, preferred))
        words = split_words(text)
        if not words or len(words) > MAX_LABEL_WORDS:
            return
        for family in {FOLDED, language} & {FOLDED, *SNOWBALL_ALGORITHMS}:
            key = keyed(words, family)
            self.index.setdefault((family, key), set()).add(slug)
            self.starts.setdefault(family, set()).add(key[0])

    def mentions(self, words: list[str], language: str | None) -> list[Mention]:
        """Non-overlapping runs of words that name concepts, longest first, left to right."""
        found: list[Mention] = []
        for family in families_for(language):
            terms = keyed(words, family)
            starts = self.starts.get(family, set())
            for i, term in enumerate(terms):
                if term not in starts:
                    continue
                for end in range(i + 1, min(len(terms), i + MAX_LABEL_WORDS) + 1):
                    slugs = self.index.get((family, terms[i:end]))
                    if slugs:
                        found.append(Mention(i, end, frozenset(slugs)))
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: set[int] = set()
        chosen: list[Mention] = []
        for mention in found:
            span = set(range(mention.start, mention.end))
            if span & taken:
                # The same words found in another family: the same concepts, or a rival.
                same = [c for c in chosen if (c.start, c.end) == (mention.start, mention.end)]
                if same:
                    chosen[chosen.index(same[0])] = Mention(
                        mention.start, mention.end, same[0].slugs | mention.slugs
                    )
                continue
            taken |= span
            chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    def find_in(self, text: str, language: str | None = None) -> set[str]:
        """Concepts a text in a language mentions, by any label, spelling or inflection."""
        return {slug for m in self.mentions(split_words(text), language) for slug in m.slugs}

    def lookup(self, text: str) -> set[str]:
        """Concepts a phrase names as a whole (exact folded label first, else stemmed)."""
        words = split_words(text)
        folded = self.index.get((FOLDED, keyed(words, FOLDED)))
        if folded:
            return set(folded)
        found: set[str] = set()
        for family in SNOWBALL_ALGORITHMS:
            found |= self.index.get((family, keyed(words, family)), set())
        return found

    def labels(self, slug: str) -> list[tuple[str, str]]:
        return [(language, text) for language, text, _ in self.concepts.get(slug, [])]

    def preferred_labels(self, slug: str) -> list[str]:
        return [text for _, text, preferred in self.concepts.get(slug, []) if preferred]

    def preferred_label(self, slug: str, language: str) -> str:
        found = self._preferred.get((slug, language))
        if found is None:
            chosen = [(lang, text) for lang, text, pref in self.concepts.get(slug, []) if pref]
            found = self._preferred[slug, language] = preferred_label(chosen, language) or slug
        return found

    def added_labels(self, slug: str, typed: str) -> list[str]:
        """Preferred labels of a concept other than what the reader typed, for display."""
        typed_key = keyed(split_words(typed), FOLDED)
        return [
            label
            for label in dict.fromkeys(self.preferred_labels(slug))
            if keyed(split_words(label), FOLDED) != typed_key
        ]

    def match_groups(self, groups, start: int):
        """The longest run of single-clause groups from `start` naming a concept, if any:
        (end, concept slugs, the text matched)."""
        for end in range(min(len(groups), start + MAX_LABEL_WORDS), start, -1):
            run = groups[start:end]
            if any(len(g) != 1 or g[0].kind not in ("word", "phrase") for g in run):
                continue
            text = " ".join(g[0].text for g in run)
            slugs = self.lookup(text)
            if slugs:
                return end, sorted(slugs), text
        return None
