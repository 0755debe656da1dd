"""Several writers, several readers and the index worker at once, on the archive's real storage
(a SQLite file in WAL mode, a Whoosh index, the writer lock): nothing is lost, no ghost or stale
entry is left once the queue is drained, and every search answers 200 meanwhile.

Writers go through the domain functions curators' actions use, each change in its own
transaction that announces it: `Passage.revise` (threads in this process, and a second process
through `manage.py shell -c`), `save_annotation`/`delete_annotation`, and the admin's own
unpublish/publish actions posted to /admin/. The index worker runs as `manage.py index_worker`,
a separate process, as in production; a thread checks meanwhile that no one else can take the
writer lock.
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connections, transaction
from django.test import Client

from annotations.models import Annotation, AnnotationStatus
from annotations.services import delete_annotation, save_annotation
from archive.models import Document, Passage
from archive.signals import announce_passages_changed
from search.consistency import compare
from search.indexing import drain_if_free
from search.locking import writer_lock
from tests.conftest import SLUGS
from tests.factories import superuser
from tests.reliability import stack

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

RUN_SECONDS = 6
# Searches readers make: words, phrases, operators, prefixes, fuzzy words, facet filters.
QUERIES = [
    {"q": "Molotov"},
    {"q": "pakt", "language": "hr"},
    {"q": '"spheres of influence"'},
    {"q": "Polonia OR Poljska"},
    {"q": "negoti*"},
    {"q": "Ribentrop~"},
    {"q": "the", "year": "1939"},
    {"q": "treaty", "language": "en", "page": "2", "page_size": "5"},
    {"q": "", "concept": "vyacheslav-molotov"},
    {"q": "Hitler", "document": SLUGS["002"], "sort": "document"},
    {"q": "pact -Molotov", "expand": "0"},
    {"q": "Staljin", "annotated": "no"},
]
# The admin unpublishes and republishes this document; readers do not filter by it.
TOGGLED = SLUGS["004"]

SUBPROCESS_WRITER = """
import json, time
from django.db import transaction
from archive.models import Passage
from archive.signals import announce_passages_changed
passages = list(Passage.objects.filter(document__slug={slug!r}, withdrawn=False).order_by("n"))
originals = {{p.pk: p.text for p in passages}}
final, old, errors, k, edits = {{}}, [], [], 0, 0
deadline = time.monotonic() + {seconds}
letters = "abcdefghijklmnopqrstuvwxyz"
while time.monotonic() < deadline:
    p = passages[k % len(passages)]
    word, m = "Procw", k
    for _ in range(3):
        word, m = word + letters[m % 26], m // 26
    word += "qz"
    k += 1
    try:
        with transaction.atomic():
            p.refresh_from_db()
            p.revise(originals[p.pk] + " " + word, reason="edit")
            announce_passages_changed([p.pk])
    except Exception as error:
        errors.append(repr(error))
        continue
    finally:
        time.sleep(0.02)
    if p.pk in final:
        old.append(final[p.pk])
    final[p.pk] = word
    edits += 1
print("RESULT " + json.dumps({{"final": final, "old": old, "edits": edits, "errors": errors}}))
"""


def word(prefix: str, k: int) -> str:
    """A word found nowhere else, that no stemmer shortens: the prefix, k in three letters, qz
    (Revwaabqz): words of one length with no suffix of any language's, so no stem is shared."""
    letters = ""
    for _ in range(3):
        letters, k = letters + "abcdefghijklmnopqrstuvwxyz"[k % 26], k // 26
    return prefix + letters + "qz"


class Run:
    """What the threads did and saw."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.final: dict[int, str] = {}  # passage pk -> the word its text ends with now
        self.old: list[str] = []  # words revised away
        self.notes: dict[str, str] = {}  # annotation uuid -> the word its body holds now
        self.deleted_notes: list[str] = []
        self.edits: Counter = Counter()
        self.lock_checks = 0

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def fail(self, who: str, error) -> None:
        with self.lock:
            self.failures.append(f"{who}: {error!r}")


def thread(run: Run, who: str, body):
    def target():
        try:
            body()
        except Exception as error:  # a thread's failure is the test's failure
            run.fail(who, error)
        finally:
            connections.close_all()

    return threading.Thread(target=target, name=who, daemon=True)


def reviser(run: Run, slug: str, prefix: str):
    passages = list(Passage.objects.filter(document__slug=slug, withdrawn=False).order_by("n"))
    originals = {p.pk: p.text for p in passages}
    k = 0
    while run.running():
        passage = passages[k % len(passages)]
        new = word(prefix, k)
        k += 1
        try:
            with transaction.atomic():
                passage.refresh_from_db()
                passage.revise(originals[passage.pk] + " " + new, reason="edit")
                announce_passages_changed([passage.pk])
        except Exception as error:
            run.fail(f"revise {passage.ref}", error)
            continue
        with run.lock:
            if passage.pk in run.final:
                run.old.append(run.final[passage.pk])
            run.final[passage.pk] = new
            run.edits["revise"] += 1
        time.sleep(0.01)


def annotator(run: Run, slug: str, user):
    passages = list(Passage.objects.filter(document__slug=slug, withdrawn=False).order_by("n"))
    rng = random.Random(1939)
    k = 0
    while run.running():
        passage = passages[k % len(passages)]
        note = word("Notw", k)
        k += 1
        mine = list(Annotation.objects.filter(creator=user, passage__document__slug=slug))
        action = rng.choice(["create", "create", "edit", "delete"]) if mine else "create"
        try:
            annotate(run, action, passage, note, mine, rng, user)
        except Exception as error:
            run.fail(f"annotation {action}", error)
            continue
        finally:
            time.sleep(0.02)
        with run.lock:
            run.edits[f"annotation {action}"] += 1


def annotate(run: Run, action: str, passage, note: str, mine, rng, user):
    if action == "create":
        annotation = Annotation(
            passage=passage,
            exact=passage.text[:12],
            start=0,
            end=12,
            body=f"A note: {note}.",
            tags="reliability",
            status=AnnotationStatus.PUBLISHED,
        )
        save_annotation(annotation, user=user)
        with run.lock:
            run.notes[str(annotation.uuid)] = note
    elif action == "edit":
        annotation = rng.choice(mine)
        annotation.body = f"A corrected note: {note}."
        save_annotation(annotation, user=user)
        with run.lock:
            run.deleted_notes.append(run.notes[str(annotation.uuid)])
            run.notes[str(annotation.uuid)] = note
    else:
        annotation = rng.choice(mine)
        key = str(annotation.uuid)
        delete_annotation(annotation, user=user)
        with run.lock:
            run.deleted_notes.append(run.notes.pop(key))


def curator(run: Run, user):
    """Unpublish and republish a document with the admin's own actions; end published."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    pk = Document.objects.get(slug=TOGGLED).pk
    actions = ["unpublish", "publish"]
    k, hard_stop = 0, run.deadline + 30
    while (run.running() or k % 2) and time.monotonic() < hard_stop:
        action = actions[k % 2]
        response = client.post(
            "/admin/archive/document/",
            {"action": action, "_selected_action": [pk], "index": 0},
        )
        time.sleep(0.25)
        if response.status_code != 302:
            run.fail(f"admin {action}", f"status {response.status_code}")
            continue
        with run.lock:
            run.edits[f"document {action}"] += 1
        k += 1


def reader(run: Run, seed: int):
    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(seed)
    while run.running():
        params = rng.choice(QUERIES)
        response = client.get("/api/search/", params)
        with run.lock:
            run.statuses[response.status_code] += 1
        if response.status_code != 200:
            run.fail("reader", f"{params} → {response.status_code} {response.content[:300]!r}")
            continue
        data = response.json()
        if data["count"] < len(data["results"]):
            run.fail("reader", f"{params}: count {data['count']} < {len(data['results'])}")


def lock_checker(run: Run):
    """While the worker runs, nobody else may write the index."""
    while run.running():
        with writer_lock() as acquired:
            if acquired:
                run.fail("lock", "the writer lock was free while the index worker ran")
                return
        if drain_if_free() != 0:
            run.fail("lock", "a web process applied queued changes itself")
        run.lock_checks += 1
        time.sleep(0.1)


def hits(client, q: str) -> int:
    response = client.get("/api/search/", {"q": q, "expand": "0"})
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_writers_readers_and_the_worker_at_once_lose_nothing(live_data):
    data_dir = live_data
    user = superuser("reliability")
    worker = stack.start(data_dir, "index_worker", "--interval", "0.1")
    try:
        stack.wait_until(worker_holds_lock, timeout=30, what="the index worker to start")
        other = stack.start(
            data_dir,
            "shell",
            "-c",
            SUBPROCESS_WRITER.format(slug=SLUGS["000"], seconds=RUN_SECONDS),
        )
        run = Run(RUN_SECONDS)
        threads = [
            thread(run, "reviser-en", lambda: reviser(run, SLUGS["003"], "Revw")),
            thread(run, "reviser-en2", lambda: reviser(run, SLUGS["002"], "Revx")),
            thread(run, "annotator", lambda: annotator(run, SLUGS["001"], user)),
            thread(run, "curator", lambda: curator(run, user)),
            thread(run, "lock", lambda: lock_checker(run)),
            *(thread(run, f"reader-{i}", lambda i=i: reader(run, i)) for i in range(3)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(RUN_SECONDS + 60)
        assert not [t.name for t in threads if t.is_alive()], "a thread did not finish"
        out, _ = other.communicate(timeout=RUN_SECONDS + 60)
        result = stack.result_of(out)
        run.final.update({int(pk): w for pk, w in result["final"].items()})
        run.old += result["old"]
        run.edits["revise (other process)"] = result["edits"]
        for error in result["errors"]:
            run.fail("revise (other process)", error)

        stack.wait_until(
            lambda: stack.queued(data_dir) == 0, timeout=120, what="the queue to drain"
        )
    finally:
        log = stack.stop(worker)
    assert "Index worker stopped." in log, log[-3000:]
    for _ in range(log.count("applying queued changes failed")):
        run.fail("index worker", "applying queued changes failed (retried after a pause)")

    # What was written is all in the index, and nothing else.
    differences = compare()
    assert differences.total == 0, differences
    check = stack.manage(data_dir, "check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    client = Client(HTTP_HOST="127.0.0.1")
    for passage_pk, last in run.final.items():
        assert hits(client, last) == 1, (passage_pk, last)
    for gone in run.old[-20:] + run.deleted_notes[-20:]:
        assert hits(client, gone) == 0, gone
    for note in list(run.notes.values())[-20:]:
        assert hits(client, note) == 1, note
    assert Document.objects.get(slug=TOGGLED).published
    assert hits(client, "Reichswehr") >= 1

    # Every search answered, every change went through, and no one else wrote the index.
    assert set(run.statuses) == {200}, run.statuses
    assert sum(run.statuses.values()) > 20, run.statuses
    kinds = Counter(f.split(":")[0] for f in run.failures)
    assert not run.failures, (
        f"{len(run.failures)} failures {dict(kinds)} (edits that went through: "
        f"{dict(run.edits)}); first ones:\n" + "\n".join(run.failures[:5])
    )
    assert run.edits["revise"] > 20 and run.edits["revise (other process)"] > 20, run.edits
    assert run.edits["document unpublish"] >= 2 and run.lock_checks > 10, run.edits


def worker_holds_lock() -> bool:
    with writer_lock() as acquired:
        return not acquired
