"""The benchmark's table judges the speed and memory goals set for its size (bench/goals.py);
`--engine solr` asks for the cluster's nodes."""

import pytest

from bench.goals import first_run_goal, goals_for, repeat_goal
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
