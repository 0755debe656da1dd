"""Matching a revised source's passages to the passages published from it: a text unchanged or
lightly corrected keeps its passage wherever it now stands, and a text that comes back gets its
withdrawn passage again."""

import difflib
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from archive.text import normalise

# A new text at least this similar to an old passage is a correction of it, not a new passage.
SIMILAR_ENOUGH = 0.75
# A new text is compared with at most this many old texts, those sharing most of its
# distinctive words, so that a big revised document costs a few comparisons per passage.
CANDIDATES = 6
# A word in more old texts than this (articles, conjunctions, the document's subject) tells
# nothing about which old text a new one comes from, and would cost a comparison with each.
# A text made only of such words is found again only if unchanged.
COMMON_IN = 12


class Change(StrEnum):
    """What a re-import does to a passage; each passage of the revised source counts once."""

    KEEP = "kept"
    REVISE = "revised"
    MOVE = "moved"
    RESTORE = "restored"
    NEW = "new"
    WITHDRAW = "withdrawn"


@dataclass(frozen=True)
class Step:
    """What happens to one old passage (by index), one new text (by index), or a pair of them.
    For RESTORE, `old` indexes the withdrawn passages."""

    change: Change
    old: int | None = None
    new: int | None = None


def comparable(text: str) -> str:
    """A passage text without what a re-export changes while the text stays the same: white
    space, case, legacy Romanian ş ţ for ș ț (and î for â inside a word), typographic quotes
    and dashes."""
    return " ".join(normalise(text).split())


class Likeness:
    """How alike other texts are to one text, word by word, from 0 to 1 (0 as soon as they
    cannot reach SIMILAR_ENOUGH); the text's words are indexed once for all comparisons."""

    def __init__(self, words: list[str]):
        self.matcher = difflib.SequenceMatcher(b=words, autojunk=False)

    def to(self, words: list[str]) -> float:
        matcher = self.matcher
        matcher.set_seq1(words)
        if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
            return 0.0
        return matcher.ratio()


def in_order(pairs: list[tuple[int, int]]) -> set[int]:
    """The new indices of a longest chain of (new, old) pairs, sorted by new index, whose old
    indices rise too: the pairs that stayed in order. The others moved."""
    ends: list[int] = []  # the smallest old index ending a chain of each length
    end_at: list[int] = []  # which pair ends it
    before = [-1] * len(pairs)
    for p, (_, i) in enumerate(pairs):
        length = bisect_left(ends, i)
        if length == len(ends):
            ends.append(i)
            end_at.append(p)
        else:
            ends[length], end_at[length] = i, p
        before[p] = end_at[length - 1] if length else -1
    chain, p = set(), end_at[-1] if end_at else -1
    while p >= 0:
        chain.add(pairs[p][0])
        p = before[p]
    return chain


class Alignment:
    """Pairs of new texts with earlier ones — the current passages, then the withdrawn ones, in
    one list — found in rounds from the surest to the loosest: the same text in order, the same
    text anywhere, then similar texts anywhere."""

    def __init__(self, old: Sequence[str], new: Sequence[str], withdrawn: Sequence[str]):
        self.old_texts, self.new_texts = old, new
        self.current = len(old)
        self.earlier = [comparable(t) for t in (*old, *withdrawn)]
        self.new = [comparable(t) for t in new]
        self.pairs: dict[int, int] = {}  # new index → earlier index
        self.taken: set[int] = set()
        # Which stretch between unchanged texts in order each unpaired text stands in.
        self.stretch_of_old: dict[int, int] = {}
        self.stretch_of_new: dict[int, int] = {}

    def pair(self, j: int, i: int) -> None:
        self.pairs[j] = i
        self.taken.add(i)

    def free_new(self) -> list[int]:
        return [j for j in range(len(self.new)) if j not in self.pairs]

    def same_in_order(self) -> None:
        """The longest stretches of unchanged text in order, as difflib finds them."""
        matcher = difflib.SequenceMatcher(
            a=self.earlier[: self.current], b=self.new, autojunk=False
        )
        i0 = j0 = 0
        for stretch, (i, j, size) in enumerate(matcher.get_matching_blocks()):
            self.stretch_of_old.update(dict.fromkeys(range(i0, i), stretch))
            self.stretch_of_new.update(dict.fromkeys(range(j0, j), stretch))
            for k in range(size):
                self.pair(j + k, i + k)
            i0, j0 = i + size, j + size

    def same_anywhere(self) -> None:
        """Unchanged texts that moved, then texts that come back; a repeated text goes to its
        earlier copies in their order, current passages before withdrawn ones."""
        waiting: dict[str, deque[int]] = defaultdict(deque)
        for i, key in enumerate(self.earlier):
            if i not in self.taken:
                waiting[key].append(i)
        for j in self.free_new():
            if waiting.get(self.new[j]):
                self.pair(j, waiting[self.new[j]].popleft())

    def candidates(self) -> dict[int, list[int]]:
        """For each unpaired new text, the unpaired earlier texts sharing most of its
        distinctive words (a word counts less the more texts have it)."""
        holders: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.earlier):
            if i not in self.taken:
                for word in set(key.split()):
                    holders[word].append(i)
        found = {}
        for j in self.free_new():
            score: Counter = Counter()
            for word in set(self.new[j].split()):
                having = holders.get(word, ())
                if len(having) <= COMMON_IN:
                    for i in having:
                        score[i] += 1 / len(having)
            found[j] = [i for i, _ in score.most_common(CANDIDATES)]
        return found

    def similar_anywhere(self) -> None:
        """Corrected texts, wherever they stand: the most similar pairs first; between equally
        similar ones, a current passage before a withdrawn one, then one in the same stretch,
        then the nearest — so that a repeated text stays in place."""
        options = []
        for j, near in self.candidates().items():
            likeness = Likeness(self.new[j].split())
            for i in near:
                alike = likeness.to(self.earlier[i].split())
                if alike >= SIMILAR_ENOUGH:
                    elsewhere = self.stretch_of_old.get(i) != self.stretch_of_new.get(j)
                    options.append((-alike, i >= self.current, elsewhere, abs(i - j), j, i))
        for *_, j, i in sorted(options):
            if j not in self.pairs and i not in self.taken:
                self.pair(j, i)

    def steps(self) -> list[Step]:
        """One step per new text, in order, then the withdrawals; a pair out of the longest
        chain still in order is a move."""
        stayed = in_order(sorted((j, i) for j, i in self.pairs.items() if i < self.current))
        steps = []
        for j, text in enumerate(self.new_texts):
            i = self.pairs.get(j)
            if i is None:
                steps.append(Step(Change.NEW, new=j))
            elif i >= self.current:
                steps.append(Step(Change.RESTORE, old=i - self.current, new=j))
            elif j not in stayed:
                steps.append(Step(Change.MOVE, old=i, new=j))
            else:
                change = Change.KEEP if self.old_texts[i] == text else Change.REVISE
                steps.append(Step(change, old=i, new=j))
        steps.extend(
            Step(Change.WITHDRAW, old=i) for i in range(self.current) if i not in self.taken
        )
        return steps


def align(old: Sequence[str], new: Sequence[str], withdrawn: Sequence[str] = ()) -> list[Step]:
    """Steps turning the old passage texts into the new ones: each new text paired with the old
    or withdrawn text it comes from, wherever that stood, or new; old texts left unpaired are
    withdrawn."""
    alignment = Alignment(old, new, withdrawn)
    alignment.same_in_order()
    alignment.same_anywhere()
    alignment.similar_anywhere()
    return alignment.steps()
