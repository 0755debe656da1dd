"""A search plan (`search.plan`) as the Whoosh query of the same shape, node for node.

Each node becomes the Whoosh query it names, with its boost: the evaluation over posting arrays
and Whoosh's own matchers then score it as they scored the queries built directly before.
Prefixes and fuzzy words score each word they expand to (not a constant score).
"""

from whoosh import query as wq
from whoosh.matching import AndMaybeMatcher, ReadTooFar

from search import plan


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
    plan.Phrase: lambda n: wq.Phrase(n.field, list(n.words), boost=n.boost),
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
