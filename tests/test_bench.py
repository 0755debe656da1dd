"""The benchmark's table judges the speed and memory goals only at the size they are set for;
`--engine solr` asks for the cluster's nodes."""

import pytest

from bench.report import Row
from bench.run import GOAL_SIZE, judged_at_size


def rows():
    return [
        Row("seed corpus import + index (s)", 1.7, goal="< 10 s", met=True),
        Row("all, first run p50 (ms)", 3.0, 1.0, goal="≤ 2× FTS5", met=False),
        Row(
            "queries whose hits, order and facet counts equal Whoosh's matchers'",
            48,
            goal="all 48",
            met=True,
        ),
    ]


def test_goals_are_judged_at_the_size_they_are_set_for():
    judged = judged_at_size(rows(), GOAL_SIZE)
    assert [r.met for r in judged] == [True, False, True]


def test_at_other_sizes_speed_goals_are_shown_not_judged():
    seed, p50, same = judged_at_size(rows(), 10_000)
    assert (p50.goal, p50.met) == ("≤ 2× FTS5 at 100k", None)
    assert seed.met is True and same.met is True


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
