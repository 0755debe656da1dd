"""A search plan (`search.plan`) as a query of Solr's JSON Query DSL, of the same shape.

Terms are looked up as they are (the `term` parser: plan terms are index terms already);
phrases go through the field's own query analysis (`field`), which leaves folded words as they
are. Prefix and fuzzy parts are expanded to index words first (`SolrEngine.words_for`, as the
Whoosh engine expands them) and searched as those words, each scored as a term. Boosts
multiply a node's score, as in Whoosh; a compound of one part is that part, unboosted, as
Whoosh passes a lone subquery through. A part that expands to more words than a Boolean query
may hold is searched as a set of terms instead: the same passages, each with one score.
"""

from collections.abc import Callable

from search import plan

Expand = Callable[[plan.Expanding], list[str]]
# A term no passage holds: what a prefix or fuzzy word that expands to nothing finds.
NOTHING = {"term": {"f": "id", "query": "\u0000"}}
MATCH_ALL = {"lucene": {"query": "*:*"}}
# Lucene's limit on the clauses of one query is 1,024 (Solr's maxBooleanClauses) in all, and the
# rest of the plan needs some.
MAX_SCORED_WORDS = 900


def boosted(query: dict, boost: float) -> dict:
    if boost == 1.0:
        return query
    return {"boost": {"query": query, "b": repr(float(boost))}}


def term(field: str, text: str, boost: float = 1.0) -> dict:
    return boosted({"term": {"f": field, "query": text}}, boost)


def compile_plan(node: plan.Plan, expand: Expand) -> dict:
    """The JSON Query DSL for a plan; `expand` gives the index words of prefix and fuzzy parts."""
    if isinstance(node, plan.Term):
        return term(node.field, node.text, node.boost)
    if isinstance(node, plan.Phrase):
        return boosted({"field": {"f": node.field, "query": " ".join(node.words)}}, node.boost)
    if isinstance(node, plan.Prefix | plan.Fuzzy):
        words = expand(node)
        if not words:
            return NOTHING
        if len(words) == 1:
            # Whoosh scores a lone expansion as the plain term, without the part's boost.
            return term(node.field, words[0])
        if len(words) > MAX_SCORED_WORDS:
            # Index words hold no commas (the terms parser's separator).
            return boosted({"terms": {"f": node.field, "query": ",".join(words)}}, node.boost)
        return boosted({"bool": {"should": [term(node.field, w) for w in words]}}, node.boost)
    if isinstance(node, plan.All | plan.Any):
        parts = [compile_plan(part, expand) for part in node.parts]
        if not parts:
            return NOTHING
        if len(parts) == 1:
            return parts[0]
        occur = "must" if isinstance(node, plan.All) else "should"
        return boosted({"bool": {occur: parts}}, node.boost)
    if isinstance(node, plan.Without):
        return {
            "bool": {
                "must": [compile_plan(node.query, expand)],
                "must_not": [compile_plan(node.excluded, expand)],
            }
        }
    if isinstance(node, plan.Maybe):
        # The optional part adds to the score of what the query finds, and finds nothing alone.
        return {
            "bool": {
                "must": [compile_plan(node.query, expand)],
                "should": [compile_plan(node.optional, expand)],
            }
        }
    if isinstance(node, plan.MatchAll):
        return boosted(MATCH_ALL, node.boost)
    raise TypeError(f"not a search plan: {node!r}")
