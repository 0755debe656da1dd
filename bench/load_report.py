"""The load benchmark's table and JSON record (`python -m bench.load`)."""

import json
import math
import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.goals import at_least, at_most, load_goals_for
from bench.report import percentile, simple_table, verdict

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Sample:
    """One request the load generator made."""

    kind: str  # "api search", "page search", "passage page"
    started: float  # seconds since the load began
    seconds: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    path: str
    error: str = ""


@dataclass
class Edits:
    """What the editor process did, and how soon its edits could be found."""

    applied: int = 0
    failed: int = 0
    errors: Counter = field(default_factory=Counter)
    freshness: list[float] = field(default_factory=list)  # seconds from commit to searchable
    unresolved: int = 0  # edits probed but never found within the probe's limit


def latency_ms(samples: list[Sample]) -> dict[str, float]:
    times = [s.seconds * 1000 for s in samples]
    return {
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "max": max(times, default=math.nan),
    }


def failed(sample: Sample) -> bool:
    return sample.status != 200


def summary(samples: list[Sample], seconds: float) -> dict:
    errors = [s for s in samples if failed(s)]
    return {
        "requests": len(samples),
        "throughput_per_s": len(samples) / seconds if seconds else math.nan,
        "latency_ms": latency_ms(samples),
        "errors": len(errors),
        "error_statuses": dict(Counter(s.status for s in errors)),
    }


def fmt(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


HEADER = ["traffic", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]


def table(by_kind: dict[str, dict], overall: dict) -> str:
    rows = []
    for name, s in [*by_kind.items(), ("all", overall)]:
        lat = s["latency_ms"]
        rows.append(
            [
                name,
                fmt(s["requests"]),
                fmt(s["throughput_per_s"]),
                fmt(lat["p50"]),
                fmt(lat["p95"]),
                fmt(lat["p99"]),
                fmt(lat["max"]),
                fmt(s["errors"]),
            ]
        )
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]

    def line(cells):
        return " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(HEADER), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows[:-1]]
    out += ["-+-".join("-" * w for w in widths), line(rows[-1])]
    return "\n".join(out)


def searchable_goal(searchable: dict, limit: float | None) -> tuple[str, bool | None]:
    """An edit never found misses the goal, whatever the p95 of those found."""
    goal, met = at_most(searchable["p95"], limit, "≤ {:g}")
    return goal, met and not searchable["never_found"] if met is not None else None


def goal_rows(overall: dict, searchable: dict, after: dict, synthetic: int) -> list[dict]:
    """The goals of the size (bench/goals.py) beside what was measured; `met` is None where
    the size sets no such goal."""
    goals = load_goals_for(synthetic)
    rows = [
        (
            "requests/s",
            overall["throughput_per_s"],
            at_least(overall["throughput_per_s"], goals.requests_per_s, "≥ {:g}"),
        ),
        (
            "p95 ms, all requests",
            overall["latency_ms"]["p95"],
            at_most(overall["latency_ms"]["p95"], goals.p95_ms, "≤ {:g}"),
        ),
        ("errors", overall["errors"], at_most(overall["errors"], 0, "{:g}")),
        (
            "edit searchable, p95 s",
            searchable["p95"],
            searchable_goal(searchable, goals.searchable_p95_s),
        ),
        (
            "check_index differences",
            after.get("index_differences"),
            at_most(after.get("index_differences"), 0, "{:g}"),
        ),
    ]
    return [
        {"metric": metric, "measured": value, "goal": goal or "—", "met": met}
        for metric, value, (goal, met) in rows
    ]


def goals_table(rows: list[dict]) -> str:
    digits = {"edit searchable, p95 s": 2}
    lines = [
        [
            r["metric"],
            fmt(r["measured"], digits.get(r["metric"], 1)),
            r["goal"],
            verdict(r["met"]),
        ]
        for r in rows
    ]
    return simple_table(["goal", "measured", "target", "met?"], lines, right={1})


def report(
    *,
    samples: list[Sample],
    seconds: float,
    edits: Edits,
    setup: dict,
    after: dict,
    write: bool = True,
) -> tuple[str, dict, Path | None]:
    """The printed report, the JSON record, and where the record was written."""
    kinds = sorted({s.kind for s in samples})
    by_kind = {k: summary([s for s in samples if s.kind == k], seconds) for k in kinds}
    overall = summary(samples, seconds)
    fresh = edits.freshness
    edit_summary = {
        "applied": edits.applied,
        "failed": edits.failed,
        "errors": dict(edits.errors),
        "searchable_after_s": {
            "p50": percentile(fresh, 50),
            "p95": percentile(fresh, 95),
            "max": max(fresh, default=math.nan),
            "probed": len(fresh) + edits.unresolved,
            "never_found": edits.unresolved,
        },
    }
    error_samples = [
        {"kind": s.kind, "status": s.status, "path": s.path, "error": s.error}
        for s in samples
        if failed(s)
    ][:20]
    goals = goal_rows(
        overall, edit_summary["searchable_after_s"], after, setup.get("synthetic_passages", 0)
    )
    lines = [
        table(by_kind, overall),
        "",
        f"edits applied by the editor process: {edits.applied:,}"
        + (f" ({edits.failed:,} refused: {dict(edits.errors)})" if edits.failed else ""),
        "edit → searchable (s): p50 {} · p95 {} · max {} ({} probed, {} never found)".format(
            fmt(edit_summary["searchable_after_s"]["p50"], 2),
            fmt(edit_summary["searchable_after_s"]["p95"], 2),
            fmt(edit_summary["searchable_after_s"]["max"], 2),
            edit_summary["searchable_after_s"]["probed"],
            edits.unresolved,
        ),
        "after the load: queue drained in {} s, check_index differences: {}".format(
            fmt(after.get("drain_seconds"), 1), after.get("index_differences", "—")
        ),
    ]
    lines += ["", goals_table(goals)]
    if error_samples:
        lines += ["", "first errors:"]
        lines += [
            f"  {e['status']} {e['kind']} {e['path'][:120]} {e['error']}" for e in error_samples
        ]
    record = {
        "benchmark": "load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cores": setup.get("cores"),
        },
        "setup": setup,
        "seconds": seconds,
        "overall": overall,
        "by_kind": by_kind,
        "edits": edit_summary,
        "after": after,
        "goals": goals,
        "error_samples": error_samples,
    }
    path = None
    if write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")
    return "\n".join(lines), record, path
