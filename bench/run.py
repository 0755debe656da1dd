"""The benchmark's steps, in order, and what they report. Imported after Django is set up."""

import cProfile
import io
import json
import os
import platform
import pstats
import resource
import sqlite3
import subprocess
import sys
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from time import perf_counter

from bench import SETUP_RECORD, corpus, environment, fts5, ours
from bench.goals import BY_SIZE, Goals, at_least, at_most, first_run_goal, goals_for, repeat_goal
from bench.memory import describe, status_kib
from bench.queries import QUERIES, fts5_match
from bench.report import Row, percentile, simple_table, table, write_json

RESULTS_DIR = environment.PROJECT_DIR / "bench" / "results"
WORKER_TIMEOUT = 3 * 3600
MIB = 1024 * 1024

GOAL_SEED_S = 10.0


class Progress:
    """Step lines on stderr, so that stdout holds only the report."""

    def __init__(self):
        self.start = perf_counter()
        # Peak RSS so far when each step begins: where the benchmark's own peak comes from.
        self.peaks: list[dict] = []

    def say(self, text: str):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kib = status_kib()
        if not text.startswith(" "):
            self.peaks.append({"step": text, "ru_maxrss_mib": peak, "status_kib": kib})
        elapsed = perf_counter() - self.start
        memory = describe(kib) or f"peak {peak:,.0f} MiB"
        print(f"[{elapsed:7.1f}s; {memory}] {text}", file=sys.stderr, flush=True)

    def counter(self, what: str, total: int):
        step = max(1, total // 10)
        marks = {"next": step}

        def report(done: int):
            if done >= marks["next"] or done >= total:
                self.say(f"  {what}: {done:,}/{total:,}")
                marks["next"] = done + step

        return report


def ms(runs) -> list[float]:
    return [r.seconds * 1000 for r in runs]


def stats_rows(label, ours_runs, fts_runs, *, goal_for=None) -> list[Row]:
    """p50 / p95 / max rows for a group of queries, ours against FTS5."""
    rows = []
    for name, p in (("p50", 50), ("p95", 95), ("max", 100)):
        mine, theirs = percentile(ms(ours_runs), p), percentile(ms(fts_runs), p)
        goal, met = (goal_for(name, mine, theirs) if goal_for else ("", None)) or ("", None)
        rows.append(Row(f"{label} {name} (ms)", mine, theirs, goal, met, digits=2))
    return rows


def pick(runs, specs, kinds):
    return [r for r, s in zip(runs, specs, strict=True) if s.kind in kinds]


def measure_worker(data_dir: Path, env: dict | None = None) -> dict:
    """Peak RSS of a fresh process that only opens the archive and runs the query set (on the
    engine `env`'s ARCHIVE_SEARCH_ENGINE names, Whoosh by default)."""
    engine = (env or {}).get("ARCHIVE_SEARCH_ENGINE", "whoosh")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.worker", str(data_dir), engine],
            cwd=environment.PROJECT_DIR,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT} s"}
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-2000:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def profile_query(spec, top: int = 10) -> str:
    """cProfile one run of a query; the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    ours.run_query(spec)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("By own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def set_up(data_dir: Path, n: int, progress: Progress, measured: dict):
    """The database, the seed corpus and `n` synthetic passages, tagged; recorded in the folder
    so that a later run may reuse them (`--reuse`)."""
    progress.say("database: migrate, load_thesaurus")
    t = perf_counter()
    environment.prepare_database()
    measured["migrate_and_thesaurus_s"] = perf_counter() - t

    progress.say("seed corpus: import, then tag + index what it queued (as the index worker)")
    seed = corpus.import_seed_corpus()

    progress.say(f"synthetic corpus: {n:,} passages (bulk_create in batches)")
    generated = corpus.build_synthetic_corpus(n, progress=progress.counter("inserted", n))

    progress.say("tagging the synthetic passages (archive.concepts.tagging.tag_passages)")
    tagged = corpus.tag_synthetic(generated.first_pk, progress=progress.counter("tagged", n))
    corpus.record_setup(data_dir, n, seed, generated, tagged)
    return seed, generated, tagged


def run(args, data_dir: Path) -> int:
    from haystack import connections

    progress = Progress()
    n = args.n
    goals = goals_for(n)
    measured: dict = {}
    anomalies: list[str] = []

    if args.reuse:
        progress.say(f"set-up: reused from {data_dir} (its corpus made and tagged before)")
        seed, generated, tagged = corpus.reused_setup(data_dir, n)
        measured["reused_setup"] = True
    else:
        seed, generated, tagged = set_up(data_dir, n, progress, measured)
    measured.update(seed=seed.__dict__, synthetic=generated.__dict__, tagging=tagged.__dict__)
    if seed.indexed != seed.passages:
        anomalies.append(
            f"after the seed import and its queued index work, the index holds {seed.indexed} "
            f"passages, the database {seed.passages}"
        )

    total = seed.passages + generated.passages
    progress.say(f"index rebuild: manage.py rebuild_index --batch-size {ours.REBUILD_BATCH:,}")
    rebuild = ours.rebuild_index(progress=progress.counter("indexed", total))
    measured["rebuild"] = rebuild.__dict__
    if rebuild.passages != total:
        anomalies.append(f"the rebuilt index holds {rebuild.passages:,} passages, not {total:,}")

    fts_path = data_dir / "fts5.sqlite3"
    progress.say("FTS5 baseline: build")
    fts_build = fts5.build(fts_path, progress=progress.counter("inserted", total))
    measured["fts5_build"] = fts_build.__dict__

    progress.say("queries: open the searcher")
    open_s = ours.open_searcher()
    measured["open_searcher_s"] = open_s
    progress.say(f"queries: ours, {len(QUERIES)} queries × (first run, repeat, expand=0)")
    mine = ours.run_queries(QUERIES)
    progress.say("queries: FTS5, first run and repeat")
    theirs = fts5.run_queries(fts_path, QUERIES)
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status_now = status_kib()

    progress.say("results: the fast evaluation against Whoosh's matchers, query by query")
    differing = ours.same_results(QUERIES)
    for label, problems in differing.items():
        anomalies.append(f"{label}: {'; '.join(problems)}")

    progress.say("memory: a fresh worker process running the query set")
    worker = measure_worker(data_dir)

    progress.say("index: one passage edited, then the next search opens the index again")
    after_edit_s = ours.search_after_edit()
    measured["after_edit_s"] = after_edit_s

    profile_text = ""
    if args.profile:
        slowest = max(range(len(QUERIES)), key=lambda i: mine.warm[i].seconds)
        progress.say(f"profile: {QUERIES[slowest].label}")
        profile_text = profile_query(QUERIES[slowest])

    # The report ------------------------------------------------------------------------------
    searcher_docs = connections["default"].get_backend().searcher().doc_count()
    phrase, common = {"phrase"}, {"common"}
    worker_kib = worker.get("status_kib", {})
    worker_mib = worker_kib["VmHWM"] / 1024 if "VmHWM" in worker_kib else None
    rows: list = [
        "setup",
        Row(
            f"seed corpus import + index (s) [{seed.passages} passages]",
            seed.seconds,
            goal=f"< {GOAL_SEED_S:g} s",
            met=seed.seconds < GOAL_SEED_S,
            digits=2,
        ),
        Row(
            f"synthetic corpus DB insert (s) [{generated.passages:,} passages, "
            f"{generated.documents:,} docs; setup, no goal]",
            generated.seconds,
            digits=1,
        ),
        Row("tagging, tag_passages (passages/s)", tagged.passages / tagged.seconds, digits=0),
        "index build",
        Row(
            f"rebuild / FTS5 insert (passages/s) [{rebuild.passages:,} passages]",
            rebuild.passages / rebuild.seconds,
            fts_build.rows / fts_build.seconds,
            *at_least(rebuild.passages / rebuild.seconds, goals.rebuild_per_s, "≥ {:,.0f}/s"),
            digits=0,
        ),
        Row("rebuild time (s)", rebuild.seconds, fts_build.seconds, digits=1),
        Row("index size on disk (MiB)", rebuild.index_bytes / MIB, fts_build.file_bytes / MIB),
        Row(
            "first search after rebuild: open searcher + facet sets (ms)",
            open_s * 1000,
            None,
            *at_most(open_s, goals.open_s, "≤ {:g} s"),
        ),
        Row("first search after an edit: the same, new segment only (ms)", after_edit_s * 1000),
        f"search, all {len(QUERIES)} queries, first run",
        *stats_rows("all, first run", mine.cold, theirs.cold, goal_for=first_run_goal(goals)),
        *stats_rows(
            "phrases, first run",
            pick(mine.cold, QUERIES, phrase),
            pick(theirs.cold, QUERIES, phrase),
        ),
        *stats_rows(
            "common terms, first run",
            pick(mine.cold, QUERIES, common),
            pick(theirs.cold, QUERIES, common),
        ),
        "search, repeated (warm)",
        *stats_rows("all, repeat", mine.warm, theirs.warm, goal_for=repeat_goal(goals)),
        *stats_rows(
            "phrases, repeat", pick(mine.warm, QUERIES, phrase), pick(theirs.warm, QUERIES, phrase)
        ),
        *stats_rows(
            "common terms, repeat",
            pick(mine.warm, QUERIES, common),
            pick(theirs.warm, QUERIES, common),
        ),
        Row(
            "queries whose hits, order and facet counts equal Whoosh's matchers' ³",
            len(QUERIES) - len(differing),
            goal=f"all {len(QUERIES)}",
            met=not differing,
            digits=0,
        ),
        "search without thesaurus expansion (expand=0) vs FTS5 repeat (information)",
        *stats_rows("all, expand=0", mine.unexpanded, theirs.warm)[:2],
        "memory",
        Row(
            "peak RSS of this process after the queries (MiB) ¹",
            maxrss_mib,
        ),
        Row(
            "peak RSS of a fresh worker running the queries (MiB) ²",
            worker_mib,
            None,
            *at_most(worker_mib, goals.worker_mib, "≤ {:g} MiB"),
        ),
    ]
    print()
    print(table(rows))
    print()
    if args.reuse:
        print(
            "Set-up: the corpus of an earlier run in this folder, reused; the set-up rows are "
            f"that run's ({SETUP_RECORD}).\n"
        )
    print(
        f"¹ ru_maxrss of the benchmark process: its peak over the whole run, so it includes the "
        f"benchmark's own data (corpus generation, tagging, index writer, FTS5 build), not only "
        f"what serving searches needs. Now: {describe(status_now) or 'n/a'}.\n"
        f"² python -m bench.worker: a new process opening the same archive and running the query "
        f"set once, closer to a web worker; its own peak (VmHWM), as its ru_maxrss inherits the "
        f"parent's peak through vfork/exec. At its end: {describe(worker_kib) or 'n/a'}"
        + (f" (failed: {worker['error']})" if "error" in worker else "")
        + ". RssFile counts mapped files (Python, libraries); the index is read with plain reads "
        "into the OS page cache, shared by all workers and counted in no process.\n"
        "Latencies: ours = bound SearchForm + search_passages (facets, highlighting, snippets, "
        "page of 20, thesaurus expansion on as on the search page); FTS5 = count + 2 GROUP BY "
        "facets (language, document) + top 20 by bm25 with snippet() and highlight(). Ours also "
        "counts year and concept facets and stems words, which FTS5 does not. 'First run' is the "
        "first time each query runs in this process (searcher already open, files in the OS "
        "cache), not a cold disk.\n"
        "³ search.engine.whoosh.equivalence: each query's first 50 hits, count and facet counts "
        "from the vectorised evaluation and from Whoosh's own matchers scoring every hit (equal "
        "scores may trade places).\n"
        "Ratio = ours / FTS5: for times, above 1 means we are slower; for rates, below 1.\n"
        f"Index: {searcher_docs:,} passages in {rebuild.index_segments} segment(s). MiB = 2^20 "
        "bytes.\n"
        + (
            f"Goals: those set for {n:,} passages (bench/goals.py)."
            if goals != Goals()
            else f"No goals are set for {n:,} passages (bench/goals.py sets them for "
            + ", ".join(f"{size:,}" for size in sorted(BY_SIZE))
            + "); the seed-import and same-results goals hold at any size."
        )
    )

    per_query = []
    for i, spec in enumerate(QUERIES):
        per_query.append(
            {
                "query": spec.q,
                "filters": spec.filters,
                "kind": spec.kind,
                "fts5_match": fts5_match(spec.q),
                "ours_first_ms": mine.cold[i].seconds * 1000,
                "ours_repeat_ms": mine.warm[i].seconds * 1000,
                "ours_expand0_ms": mine.unexpanded[i].seconds * 1000,
                "fts5_first_ms": theirs.cold[i].seconds * 1000,
                "fts5_repeat_ms": theirs.warm[i].seconds * 1000,
                "ours_count": mine.cold[i].count,
                "ours_count_expand0": mine.unexpanded[i].count,
                "fts5_count": theirs.cold[i].count,
                "ours_suggestion": mine.cold[i].suggestion,
                "ours_error": mine.cold[i].error or mine.warm[i].error,
                "fts5_error": theirs.cold[i].error,
            }
        )
    order = sorted(range(len(QUERIES)), key=lambda i: -mine.warm[i].seconds)
    shown = order if args.per_query else order[:8]
    print()
    print("Queries" + ("" if args.per_query else ", slowest 8 (repeat run)") + ":")
    print(
        simple_table(
            [
                "query",
                "kind",
                "first ms",
                "repeat ms",
                "expand=0 ms",
                "FTS5 ms",
                "hits",
                "FTS5 hits",
            ],
            [
                [
                    QUERIES[i].label,
                    QUERIES[i].kind,
                    f"{mine.cold[i].seconds * 1000:.1f}",
                    f"{mine.warm[i].seconds * 1000:.1f}",
                    f"{mine.unexpanded[i].seconds * 1000:.1f}",
                    f"{theirs.warm[i].seconds * 1000:.1f}",
                    f"{mine.cold[i].count:,}",
                    f"{theirs.cold[i].count:,}",
                ]
                for i in shown
            ],
            right={2, 3, 4, 5, 6, 7},
        )
    )
    for text in anomalies:
        progress.say(f"  WARNING: {text}")
    if anomalies:
        print("\nAnomalies:\n" + "\n".join(f"- {text}" for text in anomalies))
    errors = [q for q in per_query if q["ours_error"] or q["fts5_error"]]
    if errors:
        print("\nErrors:")
        for q in errors:
            ours_error, fts_error = q["ours_error"] or "ok", q["fts5_error"] or "ok"
            print(f"- {q['query']!r}: ours: {ours_error}; FTS5: {fts_error}")
    if profile_text:
        print("\nProfile of the slowest repeated query:")
        print(profile_text)

    solr_run = None
    if args.engine == "solr":
        from bench import solr

        solr_run = solr.run(data_dir, measure_worker, progress.say)
        print(f"\nEngines side by side ({solr_run.passages:,} passages in each):")
        print(solr.engines_table(mine, solr_run, theirs, rebuild, fts_build, worker, goals))
        print(
            "Solr: a collection of one shard and a replica on each of bin/with-solr's two nodes "
            "(one JVM on this machine, its memory not counted in the worker's), filled by "
            "manage.py rebuild_index; the same queries through the search page's code."
        )
        for label, problem in solr_run.differing.items():
            anomalies.append(f"Solr, {label}: {problem}")
            print(f"- Solr differs from Whoosh on {label}: {problem}")

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"{args.size.strip().lower()}-{stamp}.json"
    write_json(
        out,
        {
            "size": args.size,
            "synthetic_passages": n,
            "timestamp": stamp,
            "run_seconds": perf_counter() - progress.start,
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "sqlite": sqlite3.sqlite_version,
                "whoosh": version("whoosh-reloaded"),
                "django": version("django"),
                "haystack": version("django-haystack"),
            },
            "rows": [r.as_dict() for r in rows if isinstance(r, Row)],
            "steps": measured,
            "memory": {
                "bench_maxrss_mib": maxrss_mib,
                "bench_status_kib_after_queries": status_now,
                "bench_peak_mib_at_step_start": progress.peaks,
                "worker": worker,
            },
            "queries": per_query,
            "anomalies": anomalies,
            "profile": profile_text,
        },
    )
    progress.say(f"done; results in {out.relative_to(environment.PROJECT_DIR)}")
    return 1 if errors or anomalies else 0
