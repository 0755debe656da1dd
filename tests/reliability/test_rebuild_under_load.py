"""Rebuilding the index while readers search: every search answers, with the complete count.

The rebuild runs as production runs it, in another process over the same data folder: by
`manage.py rebuild_index` itself, or (when the index worker holds the writer lock) by the worker
at that command's request. The readers are threads of this process searching through the API.
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connections
from django.test import Client

from tests.reliability import stack

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

READERS = 3
REBUILDS = 3
QUERIES = [
    {"q": "the OR je OR și"},
    {"q": "Molotov"},
    {"q": "pakt", "language": "hr"},
    {"q": '"spheres of influence"'},
    {"q": "negoti*"},
    {"q": "treaty", "year": "1939"},
    {"q": "", "concept": "vyacheslav-molotov"},
    {"q": "Hitler", "sort": "document", "page": "2", "page_size": "5"},
]


def answer(client, params) -> tuple[int, dict]:
    response = client.get("/api/search/", params)
    if response.status_code != 200:
        return response.status_code, {}
    data = response.json()
    facets = {name: {r["value"]: r["count"] for r in rows} for name, rows in data["facets"].items()}
    return 200, {"count": data["count"], "results": len(data["results"]), "facets": facets}


def search_while(rebuild) -> tuple[Counter, list[str], int]:
    """Readers search until `rebuild()` returns; what they saw that differs from before."""
    client = Client(HTTP_HOST="127.0.0.1")
    expected = {}
    for params in QUERIES:
        status, seen = answer(client, params)
        assert status == 200 and seen["count"] > 0, (params, status)
        expected[str(params)] = seen
    done = threading.Event()
    statuses: Counter = Counter()
    problems: list[str] = []
    lock = threading.Lock()

    def read(seed):
        mine = Client(HTTP_HOST="127.0.0.1")
        rng = random.Random(seed)
        try:
            while not done.is_set():
                params = rng.choice(QUERIES)
                try:
                    status, seen = answer(mine, params)
                except Exception as error:
                    status, seen = 500, {"error": repr(error)}
                with lock:
                    statuses[status] += 1
                    if seen != expected[str(params)]:
                        problems.append(f"{params}: {status} {seen} != {expected[str(params)]}")
        finally:
            connections.close_all()

    readers = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        rebuilt = rebuild()
    finally:
        done.set()
        for reader in readers:
            reader.join(30)
    return statuses, problems, rebuilt


def test_rebuild_index_command_beside_live_searches(live_data):
    def rebuild():
        for _ in range(REBUILDS):
            out = stack.manage(live_data, "rebuild_index", "--noinput", timeout=120).stdout
            assert "swapped the new index in" in out, out
            time.sleep(0.2)
        return REBUILDS

    statuses, problems, _ = search_while(rebuild)
    assert problems == [], "\n".join(problems[:10])
    assert set(statuses) == {200} and sum(statuses.values()) > 30, statuses
    assert stack.manage(live_data, "check_index", check=False).returncode == 0


def test_rebuild_done_by_the_running_worker_beside_live_searches(live_data):
    worker = stack.start(live_data, "index_worker", "--interval", "0.1")
    try:
        stack.wait_for_line(worker, "Index worker started", timeout=60)

        def rebuild():
            for _ in range(REBUILDS):
                out = stack.manage(live_data, "rebuild_index", "--noinput", timeout=120).stdout
                assert "it is rebuilding the index" in out and "Rebuilt and swapped in" in out
            return REBUILDS

        statuses, problems, _ = search_while(rebuild)
    finally:
        log = stack.stop(worker)
    assert "Index worker stopped." in log and "failed" not in log, log
    assert problems == [], "\n".join(problems[:10])
    assert set(statuses) == {200} and sum(statuses.values()) > 30, statuses
    assert stack.manage(live_data, "check_index", check=False).returncode == 0
