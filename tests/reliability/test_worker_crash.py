"""The index worker killed outright (SIGKILL, no clean-up) in the middle of applying the queue,
several times, then restarted: nothing queued is lost and nothing extra is left in the index.

Everything runs as in production, as separate processes over one data folder: the changes are
made by `manage.py shell -c` (the index is not written inline), the worker is
`manage.py index_worker`, and the checks are `manage.py check_index` and searches through the
API.
"""

import json
import os
import signal
import time

import pytest

from tests.conftest import SLUGS
from tests.reliability import stack

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ROUNDS = 8  # each revises every published passage once: ~1,300 queued changes
UNPUBLISHED = SLUGS["004"]

QUEUE_CHANGES = """
import json
from django.db import transaction
from archive.models import Document, Passage
from archive.signals import announce_passages_changed

def word(r, i):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "Kil" + letters[r % 26] + letters[i // 26 % 26] + letters[i % 26] + "qz"

passages = list(Passage.objects.published().select_related("document").order_by("pk"))
originals = {{p.pk: p.text for p in passages}}
final, old = {{}}, []
for r in range({rounds}):
    for i, p in enumerate(passages):
        with transaction.atomic():
            p.revise(originals[p.pk] + " " + word(r, i), reason="edit")
            announce_passages_changed([p.pk])
        if p.pk in final:
            old.append(final[p.pk])
        final[p.pk] = word(r, i)
# The admin's unpublish action: the document's passages must leave the index.
with transaction.atomic():
    Document.objects.filter(slug={unpublished!r}).update(published=False)
    announce_passages_changed(
        Passage.objects.filter(document__slug={unpublished!r}).values_list("pk", flat=True)
    )
hidden = {{p.pk for p in passages if p.document.slug == {unpublished!r}}}
print("RESULT " + json.dumps({{
    "final": {{str(pk): w for pk, w in final.items() if pk not in hidden}},
    "hidden": [w for pk, w in final.items() if pk in hidden],
    "old": old[::37],
}}))
"""

COUNT_HITS = """
import json
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
words = json.loads({words!r})
counts = {{}}
for w in words:
    response = client.get("/api/search/", {{"q": w, "expand": "0"}})
    counts[w] = response.json()["count"] if response.status_code == 200 else response.status_code
print("RESULT " + json.dumps(counts))
"""


def kill(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def test_a_worker_killed_mid_drain_loses_nothing(data_dir):
    changes = stack.manage(
        data_dir,
        "shell",
        "-c",
        QUEUE_CHANGES.format(rounds=ROUNDS, unpublished=UNPUBLISHED),
        timeout=180,
    )
    expected = stack.result_of(changes.stdout)
    queued = stack.queued(data_dir)
    assert queued > ROUNDS * 100, queued

    # Killed while tagging and indexing its first batches, at different moments.
    remaining = [queued]
    for delay in (0.4, 1.1, 1.9):
        worker = stack.start(data_dir, "index_worker", "--interval", "0.1")
        stack.wait_for_line(worker, "Index worker started", timeout=60)
        time.sleep(delay)
        kill(worker)
        remaining.append(stack.queued(data_dir))
    # Killed right after a batch was applied and removed from the queue.
    worker = stack.start(data_dir, "index_worker", "--interval", "0.1")
    stack.wait_for_line(worker, "Index worker started", timeout=60)
    before = stack.queued(data_dir)
    stack.wait_until(
        lambda: stack.queued(data_dir) < before, timeout=60, what="a batch to be applied"
    )
    kill(worker)
    remaining.append(stack.queued(data_dir))
    assert remaining[-1] > 0, f"the queue drained before the last kill: {remaining}"
    assert remaining == sorted(remaining, reverse=True), remaining

    # Restarted, it takes up the queue where it was left and empties it.
    worker = stack.start(data_dir, "index_worker", "--interval", "0.1")
    try:
        stack.wait_until(
            lambda: stack.queued(data_dir) == 0, timeout=120, what="the queue to drain"
        )
    finally:
        log = stack.stop(worker)
    assert "Index worker stopped." in log, log
    assert "failed" not in log, log

    check = stack.manage(data_dir, "check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "missing: 0" in check.stdout and "ghost: 0" in check.stdout, check.stdout

    words = [*expected["final"].values(), *expected["hidden"], *expected["old"]]
    counts = stack.result_of(
        stack.manage(
            data_dir, "shell", "-c", COUNT_HITS.format(words=json.dumps(words)), timeout=180
        ).stdout
    )
    assert {w: counts[w] for w in expected["final"].values() if counts[w] != 1} == {}
    assert {w: counts[w] for w in expected["hidden"] if counts[w] != 0} == {}
    assert {w: counts[w] for w in expected["old"] if counts[w] != 0} == {}
