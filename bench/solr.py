"""The same benchmark on SolrCloud, beside Whoosh and FTS5 (`python -m bench --engine solr`,
run under bin/with-solr, which `make bench ENGINE=solr` does).

After the Whoosh run, the search connection is pointed at a Solr collection alias of the
benchmark's own; the same passages are rebuilt into it with the same command, the same queries
run through the search page's code, a fresh worker process measures its memory, and each query's
passages and facet counts are compared with Whoosh's.
"""

import os
import uuid
from dataclasses import dataclass
from functools import partial
from time import perf_counter

from django.conf import settings
from haystack import connections

from bench import ours
from bench.goals import at_least, at_most, first_run_goal, repeat_goal
from bench.queries import QUERIES
from bench.report import percentile, simple_table, verdict

# The alias the benchmark's collection is made behind (and dropped afterwards).
ALIAS = f"bench_{uuid.uuid4().hex[:8]}"


def connection() -> dict:
    """The search connection Solr's run uses (the settings' own, with the benchmark's alias)."""
    urls = [u.strip() for u in os.environ["ARCHIVE_SOLR_URLS"].split(",") if u.strip()]
    return {
        "ENGINE": "search.engine.solr.backend.ArchiveSolrEngine",
        "URLS": urls,
        "COLLECTION": ALIAS,
        "CONFIGSET": os.environ.get("ARCHIVE_SOLR_CONFIGSET", "archive"),
        "SHARDS": int(os.environ.get("ARCHIVE_SOLR_SHARDS", "1")),
        "REPLICAS": int(os.environ.get("ARCHIVE_SOLR_REPLICAS", min(2, len(urls)))),
        "TIMEOUT": 30,
    }


@dataclass
class SolrRun:
    rebuild_seconds: float
    passages: int
    queries: ours.QueryResults
    differing: dict[str, str]
    worker: dict


def whoosh_results() -> dict:
    """Each query's passages and facet counts on the Whoosh index (before switching)."""
    return {spec.label: outcome(spec) for spec in QUERIES}


def outcome(spec) -> tuple[set, dict]:
    from archive.concepts.tagging import current_thesaurus
    from search.engine import engine
    from search.query import build_query, parse_query

    compiled = build_query(parse_query(spec.q), thesaurus=current_thesaurus())
    if compiled.query is None:
        return set(), {}
    found = engine().run(compiled.query, filters=spec.index_filters, end=100_000)
    return {h.pk for h in found.hits}, found.facets


def run(data_dir, measure_worker, say) -> SolrRun:
    """Rebuild into Solr, run the queries, compare with Whoosh, measure a worker."""
    from search.service import RESULTS

    reference = whoosh_results()
    settings.HAYSTACK_CONNECTIONS["default"] = connection()
    connections.reload("default")
    RESULTS.clear()
    backend = connections["default"].get_backend()
    try:
        say(f"Solr: rebuild_index into a new collection behind alias {ALIAS}")
        start = perf_counter()
        ours.call_command("rebuild_index", interactive=False, batchsize=ours.REBUILD_BATCH)
        rebuild_seconds = perf_counter() - start
        passages = backend.passage_count()
        say(f"Solr: {len(QUERIES)} queries × (first run, repeat, expand=0)")
        queries = ours.run_queries(QUERIES)
        say("Solr: passages and facet counts against Whoosh's, query by query")
        differing = {}
        for spec in QUERIES:
            hits, facets = outcome(spec)
            theirs = reference[spec.label]
            if hits != theirs[0]:
                differing[spec.label] = f"{len(hits)} passages, Whoosh {len(theirs[0])}"
            elif facets != theirs[1]:
                differing[spec.label] = "facet counts differ"
        say("Solr: a fresh worker process running the query set")
        worker = measure_worker(
            data_dir, {"ARCHIVE_SEARCH_ENGINE": "solr", "ARCHIVE_SOLR_COLLECTION": ALIAS}
        )
    finally:
        backend.drop()
    return SolrRun(rebuild_seconds, passages, queries, differing, worker)


def ms(runs) -> list[float]:
    return [r.seconds * 1000 for r in runs]


def engines_table(whoosh, solr: SolrRun, fts5, rebuild, fts_build, whoosh_worker, goals) -> str:
    """Whoosh, Solr and FTS5 side by side (search latency, rebuild rate, a worker's memory), each
    engine judged by the goals of the size (bench.goals)."""

    def worker_mib(worker: dict):
        kib = worker.get("status_kib", {})
        return kib["VmHWM"] / 1024 if "VmHWM" in kib else None

    def judged(values, judge):
        """values: Whoosh, Solr, FTS5; judge(mine, fts5) -> (goal, met) or None."""
        found = [judge(values[0], values[2]), judge(values[1], values[2])]
        goal = next((g[0] for g in found if g and g[0]), "")
        return [goal, *(verdict(g[1] if g else None) for g in found)]

    first, repeat = first_run_goal(goals), repeat_goal(goals)
    rows = []
    for label, runs, judge, name in (
        ("search p50, first run (ms)", lambda r: percentile(ms(r.cold), 50), first, "p50"),
        ("search p95, first run (ms)", lambda r: percentile(ms(r.cold), 95), first, "p95"),
        ("search p50, repeat (ms)", lambda r: percentile(ms(r.warm), 50), repeat, "p50"),
        ("search p95, repeat (ms)", lambda r: percentile(ms(r.warm), 95), repeat, "p95"),
        (
            "search p50, expand=0 (ms)",
            lambda r: percentile(ms(getattr(r, "unexpanded", None) or r.warm), 50),
            None,
            "",
        ),
        (
            "search p95, expand=0 (ms)",
            lambda r: percentile(ms(getattr(r, "unexpanded", None) or r.warm), 95),
            None,
            "",
        ),
    ):
        values = [runs(r) for r in (whoosh, solr.queries, fts5)]
        cells = [f"{v:,.2f}" for v in values]
        goal = judged(values, partial(judge, name)) if judge else ["", "—", "—"]
        rows.append([label, *cells, *goal])
    rates = [
        rebuild.passages / rebuild.seconds,
        solr.passages / solr.rebuild_seconds,
        fts_build.rows / fts_build.seconds,
    ]
    rows.append(
        [
            "rebuild (passages/s)",
            *(f"{v:,.0f}" for v in rates),
            *judged(rates, lambda m, _: at_least(m, goals.rebuild_per_s, "≥ {:,.0f}/s")),
        ]
    )
    memory = [worker_mib(whoosh_worker), worker_mib(solr.worker), None]
    rows.append(
        [
            "a fresh web worker's peak memory (MiB)",
            *("—" if v is None else f"{v:,.0f}" for v in memory),
            *judged(memory, lambda m, _: at_most(m, goals.worker_mib, "≤ {:g} MiB")),
        ]
    )
    same = len(QUERIES) - len(solr.differing)
    rows.append(
        [
            "queries with Whoosh's passages and facets",
            "—",
            f"{same}/{len(QUERIES)}",
            "—",
            f"all {len(QUERIES)}",
            "—",
            verdict(not solr.differing),
        ]
    )
    return simple_table(
        ["", "Whoosh", "Solr", "FTS5", "goal", "Whoosh met?", "Solr met?"], rows, right={1, 2, 3}
    )
