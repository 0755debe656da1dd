"""On PostgreSQL (`make test-postgres`): the migrations apply, an import is one real transaction,
and imports running at the same time do not collide. Skipped on any other database."""

import contextlib
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from archive.ingest import importer
from archive.ingest.catalogue import Catalogue
from archive.models import Document, Passage, PassageRevision
from search.models import IndexTask

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: make test-postgres runs it (DATABASE_URL=postgres://…)",
    ),
    # Real transactions, committed and rolled back by the server, and threads that see them.
    pytest.mark.django_db(transaction=True),
]

PARAGRAPHS = [
    "The trade agreement signed in Berlin in August 1939 preceded the pact by a few days.",
    "Soviet deliveries of grain and oil continued until the German invasion in June 1941.",
    "Historians still debate how far either side trusted the other during those two years.",
]


def source(folder, name, extra=""):
    path = folder / name
    path.write_text("\n".join(PARAGRAPHS + [extra]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def catalogue():
    return Catalogue.load(settings.ARCHIVE_CATALOGUE)


def test_the_database_is_postgresql_with_every_migration_applied():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"
    call_command("migrate", "--check", verbosity=0)  # SystemExit(1) if one is unapplied


def test_a_failed_import_rolls_back_everything(tmp_path, catalogue, private_index, monkeypatch):
    before = (Document.objects.count(), Passage.objects.count(), PassageRevision.objects.count())
    tasks = IndexTask.objects.count()
    real = importer.store_passages

    def store_then_fail(passages, reason):
        real(passages, reason)
        assert Passage.objects.filter(document=passages[0].document).exists()
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(importer, "store_passages", store_then_fail)
    result = importer.import_file(source(tmp_path, "failing.txt"), catalogue)
    assert result.failed and "the disk filled up" in result.error
    after = (Document.objects.count(), Passage.objects.count(), PassageRevision.objects.count())
    assert after == before
    assert IndexTask.objects.count() == tasks
    monkeypatch.setattr(importer, "store_passages", real)
    assert importer.import_file(source(tmp_path, "failing.txt"), catalogue).status == "created"


def test_two_imports_at_once_get_their_own_slugs_and_numbers(
    tmp_path, catalogue, private_index, monkeypatch
):
    # Two new files whose names make the same slug, imported side by side; the barrier lets
    # both choose a slug before either stores its document (unless imports wait for each other).
    files = [
        source(tmp_path, "Trade 1939.txt", "A first copy of the notes."),
        source(tmp_path, "trade 1939.txt", "A second copy, kept by another archive."),
    ]
    barrier = threading.Barrier(len(files))
    real_unique_slug = importer.unique_slug

    def unique_slug_side_by_side(base):
        slug = real_unique_slug(base)
        # Imports that wait for each other never meet here: then go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=10)
        return slug

    monkeypatch.setattr(importer, "unique_slug", unique_slug_side_by_side)
    results = {}

    def run(path):
        try:
            results[path.name] = importer.import_file(path, catalogue)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {name: r.error for name, r in results.items() if r.failed} == {}
    documents = Document.objects.filter(source_file__in=[p.name for p in files])
    assert sorted(documents.values_list("slug", flat=True)) == ["trade-1939", "trade-1939-2"]
    for document in documents:
        numbers = list(document.passages.order_by("n").values_list("n", flat=True))
        assert numbers == list(range(1, len(PARAGRAPHS) + 2))
