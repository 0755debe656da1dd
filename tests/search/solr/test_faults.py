"""SolrCloud losing nodes: with two replicas, one node down is not an outage; with every node
down, search answers 503 and says why, edits wait in the queue, and the worker applies them
when Solr is back. Nodes are stopped and started through bin/with-solr's control server."""

import os
import threading
import time

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Passage
from search import plan
from search.engine import EngineUnavailable, engine
from search.engine.solr import admin
from search.models import IndexTask
from search.service import RESULTS
from tests import conftest
from tests.conftest import SLUGS
from tests.search.test_queue import edit, hits

pytestmark = [pytest.mark.solr, pytest.mark.django_db(transaction=True)]
# Seconds SolrCloud may take to elect a new leader or bring a node's replicas back.
FAILOVER_SECONDS = 30


class Nodes:
    """The with-solr cluster's nodes, stopped and started on request."""

    def __init__(self, control: str, count: int):
        self.control, self.count, self.stopped = control, count, set()

    def call(self, action: str, node: int) -> None:
        answer = requests.get(f"{self.control}/{action}/{node}", timeout=120)
        assert answer.status_code == 200, answer.text

    def stop(self, node: int) -> None:
        self.call("stop", node)
        self.stopped.add(node)

    def start(self, node: int) -> None:
        self.call("start", node)
        self.stopped.discard(node)


@pytest.fixture
def queued_edits(seeded_database, monkeypatch):
    """The seed corpus (a transactional test empties the database after it), and edits waiting
    in the queue for the index worker, as in production."""
    monkeypatch.setattr(settings, "ARCHIVE_INDEX_INLINE", False)


@pytest.fixture
def two_replicas(monkeypatch):
    """The test's collection with a replica on each of two nodes."""
    monkeypatch.setattr(conftest, "SOLR_REPLICAS", 2)


@pytest.fixture
def nodes(queued_edits, two_replicas, private_index):
    """The cluster's nodes, every one running again after the test, its replicas active."""
    control = os.environ.get("ARCHIVE_SOLR_CONTROL")
    if not control:
        pytest.skip("no control server: run it under bin/with-solr")
    found = Nodes(control, len(settings.HAYSTACK_CONNECTIONS["default"]["URLS"]))
    assert found.count >= 2, "the fault tests need a cluster of two nodes"
    RESULTS.clear()
    yield found
    for node in sorted(found.stopped):
        found.start(node)
    until_answering(all_replicas_active)
    RESULTS.clear()


def all_replicas_active() -> None:
    """Returns once every replica of every collection is active again (the session's too)."""
    state = admin.collections(engine().client.urls, "CLUSTERSTATUS")
    for name, collection in state["cluster"]["collections"].items():
        for shard in collection["shards"].values():
            if any(r["state"] != "active" for r in shard["replicas"].values()):
                raise EngineUnavailable(f"replicas of {name} are recovering")


def until_answering(call, seconds=FAILOVER_SECONDS):
    """What `call` returns once the engine answers it (during a failover it may not)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except (EngineUnavailable, CommandError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_with_one_node_down_searches_keep_answering_and_edits_apply(nodes, client):
    backend = engine()
    name = backend.behind_alias()
    shards = admin.collections(backend.client.urls, "CLUSTERSTATUS", collection=name)
    for shard in shards["cluster"]["collections"][name]["shards"].values():
        assert len({r["node_name"] for r in shard["replicas"].values()}) == 2
    query = plan.Term("text", "molotov")
    expected = engine().run(query, end=0).total
    outcomes: list[tuple[float, bool]] = []
    done = threading.Event()

    def search_all_along():
        while not done.is_set():
            try:
                ok = engine().run(query, end=10).total == expected
            except EngineUnavailable:
                ok = False
            outcomes.append((time.monotonic(), ok))
            time.sleep(0.05)

    searcher = threading.Thread(target=search_all_along)
    searcher.start()
    try:
        time.sleep(0.5)
        # The node the client asks first, and the one holding a replica of every shard.
        nodes.stop(0)
        stopped = time.monotonic()
        until_answering(lambda: engine().run(query, end=0))
        recovered = time.monotonic()
        time.sleep(2)
    finally:
        done.set()
        searcher.join()
    after = [ok for at, ok in outcomes if at > recovered]
    assert after and all(after), "errors after the failover"
    assert recovered - stopped < FAILOVER_SECONDS
    # The health check still answers, with one node live.
    health = client.get("/api/health/").json()
    assert health["status"] == "ok" and len(health["index"]["nodes"]) == nodes.count - 1
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, passage.text + " Failoverwort.")
    until_answering(lambda: call_command("index_worker", "--once", verbosity=0))
    assert hits(client, "Failoverwort") == 1


def test_with_every_node_down_search_answers_503_and_the_queue_waits(nodes, client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    for node in range(nodes.count):
        nodes.stop(node)
    health = client.get("/api/health/")
    assert health.status_code == 503
    assert "No Solr node answered" in health.json()["reason"]
    assert client.get("/api/search/", {"q": "Molotov"}).status_code == 503
    page = client.get("/search/", {"q": "Molotov"})
    assert page.status_code == 503 and "Search is unavailable" in page.content.decode()
    edit(passage, passage.text + " Outagewort.")
    with pytest.raises(CommandError, match="No Solr node answered"):
        call_command("index_worker", "--once", verbosity=0)
    assert IndexTask.objects.filter(passage_id=passage.pk).get().attempts == 1
    for node in range(nodes.count):
        nodes.start(node)
    until_answering(lambda: call_command("index_worker", "--once", verbosity=0))
    assert not IndexTask.objects.exists()
    assert hits(client, "Outagewort") == 1
    assert client.get("/api/health/").json()["status"] == "ok"
