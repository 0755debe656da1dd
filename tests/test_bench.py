"""The benchmark's table judges the speed and memory goals set for its size (bench/goals.py);
`--engine solr` asks for the cluster's nodes; the load's report judges its goals."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.goals import first_run_goal, goals_for, repeat_goal
from bench.load_report import Edits, Sample, report
from bench.run import stats_rows


class Timed:
    def __init__(self, ms):
        self.seconds = ms / 1000


def first_run_rows(n, mine_ms, fts_ms):
    mine, theirs = [Timed(v) for v in mine_ms], [Timed(v) for v in fts_ms]
    return stats_rows("all, first run", mine, theirs, goal_for=first_run_goal(goals_for(n)))


def test_at_100k_a_first_run_is_judged_against_fts5():
    p50, p95, worst = first_run_rows(100_000, [30.0] * 10, [29.0] * 9 + [400.0])
    assert (p50.goal, p50.met) == ("≤ 1× FTS5", False)
    assert (p95.goal, p95.met) == ("≤ 0.5× FTS5", True)
    assert worst.met is None


def test_at_a_million_the_p95_is_judged_in_milliseconds():
    p50, p95, _ = first_run_rows(1_000_000, [300.0] * 18 + [450.0] * 2, [310.0] * 20)
    assert (p50.goal, p50.met) == ("≤ 1× FTS5", True)
    assert (p95.goal, p95.met) == ("≤ 400 ms", False)
    assert goals_for(1_000_000).open_s == 1.0 and goals_for(1_000_000).worker_mib == 400


def test_at_other_sizes_nothing_is_judged_but_shown():
    rows = first_run_rows(10_000, [30.0] * 10, [1.0] * 10)
    assert [(r.goal, r.met) for r in rows] == [("", None)] * 3
    mine = [Timed(50.0)] * 10
    repeat = stats_rows("all, repeat", mine, mine, goal_for=repeat_goal(goals_for(10_000)))
    assert repeat[1].met is None
    repeat = stats_rows("all, repeat", mine, mine, goal_for=repeat_goal(goals_for(100_000)))
    assert (repeat[1].goal, repeat[1].met) == ("≤ 20 ms", False)


def test_a_kept_folder_is_made_and_a_temporary_one_is_new(tmp_path):
    from bench import data_folder

    kept = data_folder(tmp_path / "kept", "x-")
    assert kept == (tmp_path / "kept").resolve() and kept.is_dir()
    temporary = data_folder(None, "archive-test-")
    try:
        assert temporary.is_dir() and temporary.name.startswith("archive-test-")
    finally:
        temporary.rmdir()


def test_the_solr_run_needs_the_nodes_and_says_how_to_get_them(monkeypatch, capsys):
    from bench.__main__ import arguments

    monkeypatch.delenv("ARCHIVE_SOLR_URLS", raising=False)
    with pytest.raises(SystemExit):
        arguments(["--size", "10k", "--engine", "solr"])
    assert "make bench ENGINE=solr runs it under bin/with-solr" in capsys.readouterr().err
    monkeypatch.setenv("ARCHIVE_SOLR_URLS", "http://127.0.0.1:8983/solr")
    assert arguments(["--engine", "solr"]).engine == "solr"
    assert arguments([]).engine == "whoosh"


def test_the_engines_table_judges_each_engine_by_the_goals_of_its_size():
    from types import SimpleNamespace

    from bench.queries import QUERIES
    from bench.solr import SolrRun, engines_table

    def runs(ms):
        timed = [Timed(ms)] * 20
        return SimpleNamespace(cold=timed, warm=timed, unexpanded=timed)

    solr = SolrRun(200.0, 100_000, runs(50.0), {}, {"status_kib": {"VmHWM": 200 * 1024}})
    rebuild = SimpleNamespace(passages=100_000, seconds=80.0)
    fts_build = SimpleNamespace(rows=100_000, seconds=10.0)
    whoosh_worker = {"status_kib": {"VmHWM": 350 * 1024}}
    text = engines_table(
        runs(20.0), solr, runs(30.0), rebuild, fts_build, whoosh_worker, goals_for(100_000)
    )
    lines = {line.split("  ")[0].strip(): line.split() for line in text.splitlines()}
    assert lines["search p50, first run (ms)"][-2:] == ["yes", "NO"]
    assert lines["rebuild (passages/s)"][-2:] == ["yes", "NO"]
    assert lines["a fresh web worker's peak memory (MiB)"][-2:] == ["NO", "yes"]
    assert lines["queries with Whoosh's passages and facets"][-1] == "yes"
    assert f"{len(QUERIES)}/{len(QUERIES)}" in text


def load_report(synthetic: int, *, seconds_each: float, freshness: list[float]):
    samples = [
        Sample("api search", i / 250, seconds_each, 200, "/api/search/?q=x") for i in range(250)
    ]
    samples.append(Sample("passage page", 0.5, 0.01, 500, "/documents/x/1/"))
    edits = Edits(applied=len(freshness), freshness=freshness)
    text, record, _ = report(
        samples=samples,
        seconds=1.0,
        edits=edits,
        setup={"synthetic_passages": synthetic},
        after={"index_differences": 0},
        write=False,
    )
    return text, {g["metric"]: g for g in record["goals"]}


def test_the_load_report_judges_its_goals_on_the_seed_corpus():
    text, goals = load_report(0, seconds_each=0.05, freshness=[0.3] * 18 + [1.5] * 2)
    assert "met?" in text
    assert goals["requests/s"]["met"] is True  # 251 in a second
    assert goals["p95 ms, all requests"]["met"] is True
    assert goals["errors"]["met"] is False  # the one 500
    assert goals["edit searchable, p95 s"]["met"] is False  # p95 1.5 s
    assert goals["check_index differences"]["met"] is True


def test_at_100k_the_load_report_judges_latency_against_its_own_goal():
    _, goals = load_report(100_000, seconds_each=0.2, freshness=[0.3])
    assert goals["p95 ms, all requests"]["goal"] == "≤ 300"
    assert goals["p95 ms, all requests"]["met"] is True
    assert goals["requests/s"]["met"] is None  # set for the seed corpus only


def test_reuse_needs_a_folder_a_kept_run_finished(tmp_path, capsys):
    from bench import SETUP_RECORD
    from bench.__main__ import arguments

    with pytest.raises(SystemExit):
        arguments(["--size", "1m", "--reuse", str(tmp_path)])
    assert f"no finished corpus there ({SETUP_RECORD} is missing)" in capsys.readouterr().err
    (tmp_path / SETUP_RECORD).write_text("{}")
    assert arguments(["--size", "1m", "--reuse", str(tmp_path)]).reuse == tmp_path
    with pytest.raises(SystemExit):
        arguments(["--reuse", str(tmp_path), "--keep", str(tmp_path / "other")])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("given", "expected"), [([], None), (["SIZE=100k"], "100k"), (["SIZE=25k"], "25k")]
)
def test_make_bench_load_loads_the_size_it_is_given_and_else_the_seed_corpus(given, expected):
    # Not under the make that runs the tests: its SIZE, flags and job server are its own.
    env = {k: v for k, v in os.environ.items() if k not in ("SIZE", "MAKEFLAGS", "MAKELEVEL")}
    dry = subprocess.run(
        ["make", "-n", "bench-load", *given],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    command = " ".join(line.strip(" \\\t") for line in dry.splitlines() if line.strip())
    assert "-m bench.load" in command
    if expected is None:
        assert "--size" not in command
    else:
        assert f"--size {expected}" in command
