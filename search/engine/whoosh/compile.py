"""A search plan (`search.plan`) as the Whoosh query of the same shape, node for node.

Each node becomes the Whoosh query it names, with its boost: the evaluation over posting arrays
and Whoosh's own matchers then score it as they scored the queries built directly before.
Prefixes and fuzzy words score each word they expand to (not a constant score).
"""

from whoosh import query as wq

from search import plan


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
    plan.MatchAll: lambda n: wq.Every(boost=n.boost),
}
