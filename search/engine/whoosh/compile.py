"""A search plan (`search.plan`) as the Whoosh query of the same shape, node for node.

Each node becomes the Whoosh query it names, with its boost: the evaluation over posting arrays
and Whoosh's own matchers then score it as they scored the queries built directly before.
Prefixes and fuzzy words score each word they expand to (not a constant score).
"""

from whoosh import query as wq
from whoosh.matching import AndMaybeMatcher, ReadTooFar

from search import plan
from search.engine.whoosh.analysis import pair_term

# The word-pair field of the index (`analysis.PairFilter`) and the field whose phrases it holds.
PAIRS_FIELD = "pairs"
PAIRED_FIELD = "text"


class OptionalMatcher(AndMaybeMatcher):
    """Whoosh's AndMaybeMatcher with `skip_to` fixed: Whoosh moves the optional matcher to
    the target rather than to where the required one landed, so under an OR (which skips)
    a passage loses the optional words' score."""

    def skip_to(self, id):
        if not self.a.is_active():
            raise ReadTooFar
        moved = self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active():
            moved = self.b.skip_to(self.a.id()) or moved
        return moved


def has_pairs(searcher) -> bool:
    """Whether every part of the index holds word pairs (an index built, or a part written,
    before the field has none: its phrases are answered by positions until a rebuild)."""
    top = searcher.get_parent()
    reader = top.reader()
    known = getattr(reader, "_archive_has_pairs", None)
    if known is None:
        leaves = [reader] if reader.is_atomic() else [leaf for leaf, _ in reader.leaf_readers()]
        known = PAIRS_FIELD in top.schema and all(
            leaf.field_length(PAIRS_FIELD) > 0 for leaf in leaves if leaf.doc_count()
        )
        reader._archive_has_pairs = known
    return known


class PairPhrase(wq.Phrase):
    """A phrase of the passage text, found in the word-pair field: every two neighbouring words
    of the phrase stand together in the passage, and the score is that of the pairs. Where the
    index holds no pairs yet (`has_pairs`), Whoosh's positions answer it."""

    def pairs(self) -> wq.Query:
        words = self.words
        terms = [
            wq.Term(PAIRS_FIELD, pair_term(a, b)) for a, b in zip(words, words[1:], strict=False)
        ]
        if len(terms) == 1:
            return terms[0].with_boost(self.boost)
        return wq.And(terms, boost=self.boost)

    def matcher(self, searcher, context=None):
        if has_pairs(searcher):
            return self.pairs().matcher(searcher, context)
        return super().matcher(searcher, context)

    def docs(self, searcher):
        if has_pairs(searcher):
            return self.pairs().docs(searcher)
        return super().docs(searcher)


def phrase(node: plan.Phrase) -> wq.Query:
    if node.field == PAIRED_FIELD and len(node.words) > 1:
        return PairPhrase(node.field, list(node.words), boost=node.boost)
    return wq.Phrase(node.field, list(node.words), boost=node.boost)


class Optional(wq.AndMaybe):
    """What `a` finds, scored higher where `b` also matches (a plan's `Maybe`)."""

    matcherclass = OptionalMatcher


def compile_plan(node: plan.Plan) -> wq.Query:
    """The Whoosh query for a plan."""
    return COMPILERS[type(node)](node)


def _parts(node) -> list[wq.Query]:
    return [COMPILERS[type(part)](part) for part in node.parts]


COMPILERS = {
    plan.Term: lambda n: wq.Term(n.field, n.text, boost=n.boost),
    plan.Phrase: phrase,
    plan.Prefix: lambda n: wq.Prefix(n.field, n.text, boost=n.boost, constantscore=False),
    plan.Fuzzy: lambda n: wq.FuzzyTerm(
        n.field,
        n.text,
        boost=n.boost,
        maxdist=n.maxdist,
        prefixlength=n.prefix,
        constantscore=False,
    ),
    plan.All: lambda n: wq.And(_parts(n), boost=n.boost),
    plan.Any: lambda n: wq.Or(_parts(n), boost=n.boost),
    plan.Without: lambda n: wq.AndNot(compile_plan(n.query), compile_plan(n.excluded)),
    plan.Maybe: lambda n: Optional(compile_plan(n.query), compile_plan(n.optional)),
    plan.MatchAll: lambda n: wq.Every(boost=n.boost),
}
