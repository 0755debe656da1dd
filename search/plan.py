"""What a search looks for, as the archive hands it to an engine: a small tree of index terms.

`search.query` builds it from what a reader typed; each engine turns it into a query of its own
(`search.engine.whoosh.compile`). The tree keeps the shape scores depend on: what is summed
(`Any`), what must all match (`All`), where each boost applies. A boost belongs to the node it
weighs, as in Whoosh and Lucene, so that a tree and the engine's query have the same shape.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """An index term in a field, as analysed for that field."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words standing next to each other in a field, in this order."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Every index word of a field that begins with `text`, scored as those words."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Fuzzy:
    """Every index word of a field within `maxdist` edits of `text` that shares its first
    `prefix` letters, scored as those words."""

    field: str
    text: str
    maxdist: int = 1
    prefix: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class All:
    """Passages every part finds; their scores added."""

    parts: tuple["Plan", ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Any:
    """Passages any part finds; the scores of the parts that find a passage added."""

    parts: tuple["Plan", ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Without:
    """What `query` finds, less what `excluded` finds (which adds nothing to scores)."""

    query: "Plan"
    excluded: "Plan"


@dataclass(frozen=True)
class Maybe:
    """What `query` finds, scored higher where `optional` also matches (which finds nothing
    on its own): words a reader need not find, such as stop words outside quotes."""

    query: "Plan"
    optional: "Plan"


@dataclass(frozen=True)
class MatchAll:
    """Every passage of the index (a search by facets alone)."""

    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """A filter keeping passages holding a value of the field between `low` and `high`, both
    included, compared as whole numbers (either end None: open). Each engine answers it its own
    way (Whoosh over its facet values, Solr as a range query), never as a list of values."""

    low: int | None = None
    high: int | None = None

    def __contains__(self, value) -> bool:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return False
        return (self.low is None or number >= self.low) and (
            self.high is None or number <= self.high
        )


# What a filter asks of an index field: any of these values, or a value in a range.
Filter = Sequence[str] | Range


def used(values: Filter | None) -> Filter:
    """A filter's values that filter: a range as it is, the non-empty values of a list (an
    empty result: the field is not filtered)."""
    return values if isinstance(values, Range) else [v for v in values or () if v]


def active(filters: Mapping[str, Filter] | None) -> dict[str, Filter]:
    """The filters that filter, by field (`used`), fields left unfiltered dropped."""
    return {field: kept for field, values in (filters or {}).items() if (kept := used(values))}


Plan = Term | Phrase | Prefix | Fuzzy | All | Any | Without | Maybe | MatchAll
Leaf = Term | Phrase | Prefix | Fuzzy | MatchAll
# Parts that stand for index words an engine has to look up (for highlighting them).
Expanding = Prefix | Fuzzy


def leaves(node: Plan) -> Iterator[Leaf]:
    """The leaves of a tree, left to right."""
    if isinstance(node, All | Any):
        for part in node.parts:
            yield from leaves(part)
    elif isinstance(node, Without):
        yield from leaves(node.query)
        yield from leaves(node.excluded)
    elif isinstance(node, Maybe):
        yield from leaves(node.query)
        yield from leaves(node.optional)
    else:
        yield node


def terms(node: Plan) -> Iterator[tuple[str, str]]:
    """(field, text) of every term a tree names: terms, phrase words, prefixes, fuzzy words."""
    for leaf in leaves(node):
        if isinstance(leaf, Phrase):
            for word in leaf.words:
                yield leaf.field, word
        elif not isinstance(leaf, MatchAll):
            yield leaf.field, leaf.text
