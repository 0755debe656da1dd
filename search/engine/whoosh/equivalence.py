"""Checking that the fast path finds what Whoosh's matchers find.

`compare` runs one query both ways (`ArchiveWhooshBackend.run_query` with and without the
vectorised evaluation) and lists the differences a reader could notice: the count, facet
counts, which passages are on the page and in what order. Scores that differ only in the last
bits (sums added in another order) count as equal, and passages with equal scores may trade
places; at the page's end Whoosh may pick any of several equally scored passages, so only the
scores are compared there.

Where the archive's semantics deliberately differ from Whoosh's own queries, both paths run the
archive's version, so they are still compared with each other:
- A phrase of the passage text is its word pairs (`compile.PairPhrase`, the "pairs" field), not
  Whoosh's positional Phrase: three words or more match where each two neighbours stand
  together, and the score is the pairs' (BM25 of each pair), not the sum of the words'.
- Optional words (stop words outside quotes, `plan.Maybe`) run through `compile.Optional`,
  whose matcher fixes AndMaybeMatcher.skip_to (Whoosh moves the optional matcher to the target
  rather than to where the required one landed, so under an OR a passage loses their score).
- Exclusions are applied as a mask (`_run_with_matchers`), as before: Whoosh's AndNotMatcher
  keeps the first hit when an excluded document precedes it.
"""

import math

from search.engine import engine
from search.engine.whoosh.compile import compile_plan
from search.query import build_query, parse_query

REL_TOLERANCE = 1e-9


def same_score(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=1e-12)


def groups(results) -> list[tuple[float, set[str]]]:
    """Consecutive results of (nearly) equal score: (score, their primary keys)."""
    found: list[tuple[float, set[str]]] = []
    for r in results:
        if found and same_score(found[-1][0], r.score):
            found[-1][1].add(r.pk)
        else:
            found.append((r.score, {r.pk}))
    return found


def compare(q, filters=None, *, end=50, sort_by=None) -> list[str]:
    """Differences between the fast and the reference evaluation of Whoosh query `q`."""
    be = engine()
    fast = be.run_query(q, filters=filters, start=0, end=end, sort_by=sort_by)
    slow = be.run_query(q, filters=filters, start=0, end=end, sort_by=sort_by, vectorised=False)
    problems = []
    if fast.total != slow.total:
        problems.append(f"count {fast.total} ≠ {slow.total}")
    if fast.facets != slow.facets:
        fields = [f for f in slow.facets if fast.facets.get(f) != slow.facets[f]]
        problems.append(f"facet counts differ in {fields}")
    if sort_by:
        if [r.pk for r in fast.hits] != [r.pk for r in slow.hits]:
            problems.append("document order differs")
        return problems
    mine, theirs = groups(fast.hits), groups(slow.hits)
    if len(mine) != len(theirs):
        problems.append(f"{len(mine)} score groups ≠ {len(theirs)}")
        return problems
    for i, ((score_a, pks_a), (score_b, pks_b)) in enumerate(zip(mine, theirs, strict=True)):
        if not same_score(score_a, score_b):
            problems.append(f"score {score_a!r} ≠ {score_b!r} at group {i}")
        elif i < len(mine) - 1 and pks_a != pks_b:
            problems.append(f"passages with score {score_a:.6f} differ")
    return problems


def compare_query(text: str, filters=None, *, thesaurus=None, sort_by=None) -> list[str]:
    """`compare` for a query as a reader types it."""
    from search.service import in_vocabulary

    compiled = build_query(parse_query(text), thesaurus=thesaurus, vocabulary=in_vocabulary)
    if compiled.query is None:
        return []
    return compare(compile_plan(compiled.query), filters, sort_by=sort_by)
