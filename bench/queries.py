"""The fixed query set, as a reader would type it into the search page, and its FTS5 form.

Every query has a kind (for the per-kind percentiles) and optional facet filters, given as the
search page's own GET parameters (language=hr, year=1939).
"""

from dataclasses import dataclass, field

from search.query import parse_query

INDEX_FIELD = {"year": "years", "concept": "concepts", "note_tag": "note_tags"}


@dataclass(frozen=True)
class QuerySpec:
    q: str
    kind: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def index_filters(self) -> dict[str, list[str]]:
        """The filters as index fields (the form's "year" is the index's "years")."""
        return {INDEX_FIELD.get(k, k): list(v) for k, v in self.filters.items()}

    @property
    def label(self) -> str:
        facets = " ".join(f"{k}={v}" for k, vals in self.filters.items() for v in vals)
        return f"{self.q} [{facets}]" if facets else self.q


def _specs(kind: str, *queries: str) -> list[QuerySpec]:
    return [QuerySpec(q, kind) for q in queries]


QUERIES: list[QuerySpec] = [
    # Single words in each language (Croatian, Romanian, English).
    *_specs(
        "word",
        "Molotov",
        "Ribbentrop",
        "Hitler",
        "treaty",
        "negotiations",
        "pregovori",
        "Staljin",
        "ugovor",
        "njemački",
        "negocierile",
        "Polonia",
        "Moscova",
    ),
    *_specs(
        "two words",
        "Soviet Union",
        "Molotov Ribbentrop",
        "sovjetski savez",
        "Uniunea Sovietică",
        "trade agreement",
        "pakt Hitler",
    ),
    *_specs(
        "phrase",
        '"spheres of influence"',
        '"pakt o nenapadanju"',
        '"Tratatul de la Brest-Litovsk"',
        '"secret protocol"',
        '"sfera de influență"',
        '"Treaty of Rapallo"',
    ),
    # Terms only one or two seed passages have (one misspelt in its source).
    *_specs("rare", "Reichswehr", "Litinov", "Mirbach-Harff", "Balkins", "Rapallo"),
    # Terms in most passages of a language.
    *_specs("common", "the", "de", "je", "și", "pact", "i"),
    # Misspelt, found nowhere: these take the "Did you mean …?" path.
    *_specs("misspelt", "Ribbentropp", "Molotof"),
    *_specs("prefix", "negoti*", "Molot*"),
    *_specs("fuzzy", "Ribentrop~", "Staljn~"),
    *_specs("boolean", "Polonia OR Poljska", "pact -Molotov"),
    QuerySpec("Molotov", "facet", {"language": ("hr",)}),
    QuerySpec("pakt", "facet", {"year": ("1939",)}),
    QuerySpec("treaty", "facet", {"language": ("en",), "year": ("1939",)}),
    QuerySpec("the", "facet", {"language": ("hr",)}),
    QuerySpec('"spheres of influence"', "facet", {"year": ("1939",)}),
]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_clause(kind: str, text: str) -> str:
    """One clause in FTS5 syntax; FTS5 has no fuzzy search, so a fuzzy word is searched as is."""
    if kind == "prefix":
        return _quoted(text) + "*"
    return _quoted(text)


def fts5_match(q: str) -> str | None:
    """The query in FTS5 MATCH syntax: groups AND-ed (OR inside a group), phrases quoted,
    prefixes as "word"*, exclusions with NOT; read with the project's own query parser so both
    engines see the same clauses."""
    parsed = parse_query(q)
    if parsed.is_empty:
        return None
    groups = []
    for group in parsed.groups:
        parts = [fts5_clause(c.kind, c.text) for c in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    match = " AND ".join(groups)
    if parsed.excluded:
        excluded = " OR ".join(fts5_clause(c.kind, c.text) for c in parsed.excluded)
        match = f"({match}) NOT ({excluded})"
    return match
