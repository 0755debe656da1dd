"""ARCHIVE_SEARCH_ENGINE chooses the engine `engine()` returns: Whoosh unless Solr is asked for,
and a value it cannot use stops the start with the reason."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from search.engine import engine; e = engine(); "
    "print(e.name, getattr(e, 'client', None) and e.client.urls, getattr(e, 'replicas', ''))"
)


def shell(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_SOLR")}
    environment.pop("ARCHIVE_SEARCH_ENGINE", None)
    environment.update(ARCHIVE_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_whoosh_by_default_and_solr_when_asked_for_with_a_replica_per_node(tmp_path):
    assert shell(tmp_path).stdout.split() == ["whoosh", "None"]
    urls = "http://solr1:8983/solr,http://solr2:8983/solr/"
    solr = shell(tmp_path, ARCHIVE_SEARCH_ENGINE="solr", ARCHIVE_SOLR_URLS=urls)
    assert solr.stdout.split() == [
        "solr",
        "['http://solr1:8983/solr',",
        "'http://solr2:8983/solr']",
        "2",
    ]


def test_an_engine_it_cannot_use_stops_the_start_with_the_reason(tmp_path):
    unknown = shell(tmp_path, ARCHIVE_SEARCH_ENGINE="elastic")
    assert unknown.returncode != 0
    assert "ARCHIVE_SEARCH_ENGINE must be whoosh or solr, not 'elastic'" in unknown.stderr
    no_nodes = shell(tmp_path, ARCHIVE_SEARCH_ENGINE="solr")
    assert no_nodes.returncode != 0 and "ARCHIVE_SOLR_URLS must list" in no_nodes.stderr
