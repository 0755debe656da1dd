"""One safe writer: changes queue with the change, the worker applies them, nothing is lost."""

import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction

from archive.models import Passage
from search import indexing
from search.consistency import compare
from search.engine import engine
from search.locking import writer_lock
from search.models import IndexTask
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_mode(private_index, monkeypatch):
    """As in production: changes wait in the queue for the index worker."""
    monkeypatch.setattr(settings, "ARCHIVE_INDEX_INLINE", False)
    return private_index


def hits(client, q):
    return client.get("/api/search/", {"q": q, "expand": "0"}).json()["count"]


def edit(passage, text):
    with transaction.atomic():
        passage.revise(text, reason="edit")
        from archive.signals import announce_passages_changed

        announce_passages_changed([passage.pk])


@pytest.fixture
def seeded(seeded_database):
    return seeded_database


def test_a_change_is_queued_with_it_and_applied_by_the_worker(seeded, worker_mode, client):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    edit(passage, passage.text + " Quagmirewort.")
    assert IndexTask.objects.filter(passage_id=passage.pk).exists()
    assert hits(client, "Quagmirewort") == 0  # web processes never write the index
    call_command("index_worker", "--once", verbosity=0)
    assert hits(client, "Quagmirewort") == 1
    assert not IndexTask.objects.exists()


def test_a_rolled_back_change_queues_nothing(seeded, worker_mode):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    before = IndexTask.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        edit(passage, passage.text + " Never.")
        raise RuntimeError("the curator's save failed")
    assert IndexTask.objects.count() == before


def test_a_worker_that_fails_midway_loses_nothing(seeded, worker_mode, client, monkeypatch):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    edit(passage, passage.text + " Zwitterionic.")
    real = indexing.reindex_passages

    def crash(ids, **options):
        raise OSError("disk full")

    monkeypatch.setattr(indexing, "reindex_passages", crash)
    with writer_lock() as acquired, pytest.raises(OSError):
        assert acquired
        indexing.drain()
    task = IndexTask.objects.get(passage_id=passage.pk)
    assert task.attempts == 1 and "disk full" in task.last_error
    monkeypatch.setattr(indexing, "reindex_passages", real)
    call_command("index_worker", "--once", verbosity=0)
    assert hits(client, "Zwitterionic") == 1


def test_only_one_worker_runs(seeded, worker_mode):
    with writer_lock() as acquired:
        assert acquired
        with pytest.raises(CommandError, match="Another index worker is running"):
            call_command("index_worker", "--once", verbosity=0)


def test_check_index_finds_and_repairs_missing_ghost_and_stale(seeded, private_index, client):
    assert compare().total == 0
    passages = list(Passage.objects.filter(document__slug=SLUGS["003"]).order_by("n"))
    engine().apply([], [passages[0].pk])  # missing
    Passage.objects.filter(pk=passages[1].pk).update(text="Changed behind the index's back.")
    Passage.objects.filter(pk=passages[2].pk).update(withdrawn=True)  # ghost
    found = compare()
    assert found.missing == {passages[0].pk}
    assert found.stale == {passages[1].pk}
    assert found.ghost == {passages[2].pk}
    with pytest.raises(CommandError, match="3 differences"):
        call_command("check_index", verbosity=0)
    call_command("check_index", "--repair", verbosity=0)
    assert compare().total == 0
    assert hits(client, "behind the index") >= 1


def test_rebuild_keeps_searches_complete_and_takes_in_edits_made_meanwhile(
    seeded, worker_mode, client
):
    total = hits(client, "the OR je OR și")
    assert total > 100
    halfway, resume = threading.Event(), threading.Event()

    def progress(done, count):
        halfway.set()
        resume.wait(10)

    passage = Passage.objects.get(document__slug=SLUGS["003"], n=3)
    outcome = {}

    def rebuild():
        try:
            with writer_lock() as acquired:
                assert acquired
                outcome["count"] = indexing.rebuild_index(batch=50, progress=progress)
                outcome["applied"] = indexing.drain()
        finally:
            connections.close_all()

    thread = threading.Thread(target=rebuild)
    thread.start()
    assert halfway.wait(10)
    # Mid-rebuild: the live index still answers completely, and an edit is queued.
    assert hits(client, "the OR je OR și") == total
    edit(passage, passage.text + " Yttriumgate.")
    resume.set()
    thread.join(30)
    assert outcome["count"] == Passage.objects.published().count()
    assert outcome["applied"] >= 1
    assert hits(client, "the OR je OR și") == total
    assert hits(client, "Yttriumgate") == 1
    assert compare().total == 0


def test_the_index_worker_looks_at_an_empty_queue_ten_times_a_second():
    from search.management.commands.index_worker import Command

    # What an edit waits, at most, before the worker takes it up.
    assert Command().create_parser("manage.py", "index_worker").parse_args([]).interval == 0.1
