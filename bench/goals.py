"""What the benchmark judges, by archive size: the speed and memory an archive of that many
synthetic passages must reach on a 2-core machine. A size without goals of its own shows its
measurements unjudged; the seed-import and same-results goals hold at any size (bench.run)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Goals:
    """Upper bounds (rates: lower bounds); None where the size sets none."""

    first_p50_ratio: float | None = None  # a query's first run, p50, as a multiple of FTS5's
    first_p95_ratio: float | None = None
    first_p95_ms: float | None = None
    repeat_p95_ms: float | None = None
    rebuild_per_s: float | None = None  # at least
    open_s: float | None = None  # opening the rebuilt index for the first search
    worker_mib: float | None = None  # a fresh worker's peak after the query set


BY_SIZE = {
    100_000: Goals(
        first_p50_ratio=1.0,
        first_p95_ratio=0.5,
        repeat_p95_ms=20.0,
        rebuild_per_s=1_000.0,
        worker_mib=300.0,
    ),
    1_000_000: Goals(
        first_p50_ratio=1.0,
        first_p95_ms=400.0,
        rebuild_per_s=1_000.0,
        open_s=1.0,
        worker_mib=400.0,
    ),
}


def goals_for(n: int) -> Goals:
    return BY_SIZE.get(n, Goals())


def at_most(value: float | None, limit: float | None, text: str) -> tuple[str, bool | None]:
    """The goal's cell (`text` formatted with the limit) and whether `value` meets it."""
    if limit is None:
        return "", None
    return text.format(limit), None if value is None else value <= limit


def at_least(value: float | None, limit: float | None, text: str) -> tuple[str, bool | None]:
    if limit is None:
        return "", None
    return text.format(limit), None if value is None else value >= limit


def first_run_goal(goals: Goals):
    """Judges a first-run row: p50 against FTS5's, p95 against FTS5's or in milliseconds."""

    def judge(name, mine, theirs):
        ratio = mine / theirs if theirs else None
        if name == "p50":
            return at_most(ratio, goals.first_p50_ratio, "≤ {:g}× FTS5")
        if name == "p95":
            cells = [
                at_most(ratio, goals.first_p95_ratio, "≤ {:g}× FTS5"),
                at_most(mine, goals.first_p95_ms, "≤ {:,.0f} ms"),
            ]
            cells = [(text, met) for text, met in cells if text]
            if cells:
                verdicts = [met for _, met in cells]
                met = None if None in verdicts else all(verdicts)
                return " and ".join(text for text, _ in cells), met
        return None

    return judge


def repeat_goal(goals: Goals):
    def judge(name, mine, theirs):
        if name == "p95":
            return at_most(mine, goals.repeat_p95_ms, "≤ {:g} ms")
        return None

    return judge


@dataclass(frozen=True)
class LoadGoals:
    """The load benchmark's goals (bench.load) by synthetic passages added to the seed corpus;
    None where the size sets none. No errors and an index equal to the database hold at any
    size."""

    requests_per_s: float | None = None  # at least, all requests
    p95_ms: float | None = None  # all requests
    searchable_p95_s: float | None = None  # an edit, from its commit


LOAD_BY_SIZE = {
    0: LoadGoals(requests_per_s=200.0, p95_ms=100.0, searchable_p95_s=1.0),
    100_000: LoadGoals(p95_ms=300.0),
}


def load_goals_for(n: int) -> LoadGoals:
    return LOAD_BY_SIZE.get(n, LoadGoals())
