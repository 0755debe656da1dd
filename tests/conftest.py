"""Shared fixtures: the seed corpus, imported once per test session."""

import contextlib
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from haystack import connections

from archive.concepts.loading import load_thesaurus
from archive.ingest.catalogue import Catalogue
from archive.ingest.importer import import_paths

# The browser fixtures (Chromium, a live archive, screenshots), for every folder of tests.
pytest_plugins = ["tests.plugins.browser"]

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
SEED = {
    "000": "000_e0ae1ab68611c2eb.txt",
    "001": "001_5aa7d51724b71bbf.txt",
    "002": "002_46bac4e4e58ff968.txt",
    "003": "003_1648030d0e596f67.txt",
    "004": "004_ff22eedb3fb81119.txt",
}
SLUGS = {
    "000": "sovjetsko-njemacki-odnosi",
    "001": "relatiile-sovieto-germane-1918-1941",
    "002": "molotov-ribbentrop-pact",
    "003": "soviet-nazi-relations-1930s",
    "004": "german-soviet-axis-talks",
}


def slow_tests_wanted(config) -> bool:
    """Whether this run asked for the slow tests (`make test-reliability` runs
    `-m "reliability or slow"`; ARCHIVE_SLOW_TESTS=1 adds them to any run)."""
    expression = config.getoption("markexpr", "") or ""
    # Named without a "not" before it: "not browser and not reliability" asks for none.
    return bool(
        os.environ.get("ARCHIVE_SLOW_TESTS")
        or re.search(r"(?<!not )\b(?:reliability|slow)\b", expression)
    )


def on_solr() -> bool:
    """Whether the tests run on the Solr engine (under bin/with-solr)."""
    return settings.SEARCH_ENGINE == "solr"


def pytest_collection_modifyitems(config, items):
    # Skipped rather than deselected, so that `make test` says which tests it left out.
    if on_solr():
        skip_engine = pytest.mark.skip(reason="tests the Whoosh engine's own workings")
        for item in items:
            if "whoosh" in item.keywords:
                item.add_marker(skip_engine)
    else:
        skip_engine = pytest.mark.skip(reason="needs SolrCloud: run it under bin/with-solr")
        for item in items:
            if "solr" in item.keywords:
                item.add_marker(skip_engine)
    if slow_tests_wanted(config):
        return
    skip = pytest.mark.skip(reason="slow test: run it with make test-reliability")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# Playwright's sync API runs an event loop in the test thread; the ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def seed_text(key: str) -> str:
    return (CORPUS / SEED[key]).read_text(encoding="utf-8")


def import_seed_corpus():
    results = import_paths([CORPUS], Catalogue.load(settings.ARCHIVE_CATALOGUE))
    assert not [r for r in results if r.failed], [r.error for r in results if r.failed]
    return results


class SqliteCopy:
    """The whole SQLite database, copied with SQLite's backup API."""

    def __init__(self, connection):
        import sqlite3

        connection.ensure_connection()
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self.copy)

    def restore(self, connection) -> None:
        connection.ensure_connection()
        self.copy.backup(connection.connection)


class PostgresCopy:
    """Every table's rows copied into a schema of their own, put back in one transaction (the
    foreign keys Django makes on PostgreSQL are checked at its end), sequences reset after."""

    SCHEMA = "seed_snapshot"

    def __init__(self, connection):
        self.tables = [
            t for t in connection.introspection.table_names() if t != "django_migrations"
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.SCHEMA}")
            for table in self.tables:
                cursor.execute(f'CREATE TABLE {self.SCHEMA}."{table}" AS TABLE public."{table}"')

    def restore(self, connection) -> None:
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import transaction

        tables = ", ".join(f'public."{t}"' for t in self.tables)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")
            for table in self.tables:
                cursor.execute(
                    f'INSERT INTO public."{table}" SELECT * FROM {self.SCHEMA}."{table}"'
                )
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)


class SeedSnapshot:
    """The thesaurus and the seed corpus, with the index built from them, for tests that commit
    (a transactional test empties the database after it). The first such test imports them;
    with Whoosh (on SQLite or PostgreSQL) both are saved then and restored for the others, in
    a fraction of the time: the same rows with the same keys, and an index exactly in step with
    them (a re-import into an emptied database would give the passages new keys)."""

    COPIES = {"sqlite": SqliteCopy, "postgresql": PostgresCopy}

    def __init__(self):
        self.database = None
        self.index: Path | None = None

    def possible(self) -> bool:
        from django.db import connection

        return connection.vendor in self.COPIES and not on_solr()

    def seed(self) -> None:
        if self.database is not None and self.possible():
            self.restore()
            return
        load_thesaurus(settings.ARCHIVE_THESAURUS)
        import_seed_corpus()
        if self.possible():
            self.save()

    def save(self) -> None:
        from django.db import connection

        # Built afresh: entries of passages an earlier test's emptying removed are left out.
        BUILT_INDEXES.rebuild()
        self.database = self.COPIES[connection.vendor](connection)
        live = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        self.index = live.with_name(f"{live.name}.seeded")
        shutil.rmtree(self.index, ignore_errors=True)
        shutil.copytree(live.resolve(), self.index)

    def restore(self) -> None:
        from django.db import connection

        self.database.restore(connection)
        BuiltIndexes.copy_in(self.index, Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]))


SEED_SNAPSHOT = SeedSnapshot()


@pytest.fixture
def seeded_database(django_db_setup, session_index):
    """The thesaurus and the seed corpus in the database and the session's index, for a test
    that commits (`transactional_db`)."""
    use_index(session_index)
    SEED_SNAPSHOT.seed()


# Solr aliases the tests made, dropped (with their collections) when the session ends.
SOLR_ALIASES: set[str] = set()
# Replicas of a test collection: one is half the writing (the fault tests ask for two).
SOLR_REPLICAS = 1


def use_index(path: Path) -> None:
    """Point the search connection at an index folder (a fresh Whoosh index if empty); on Solr
    at a collection alias named after it (nothing until the first write makes it)."""
    if on_solr():
        alias = "test_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
        settings.HAYSTACK_CONNECTIONS["default"]["COLLECTION"] = alias
        settings.HAYSTACK_CONNECTIONS["default"]["REPLICAS"] = SOLR_REPLICAS
        SOLR_ALIASES.add(alias)
    else:
        settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(path)
    connections.reload("default")


def drop_index() -> None:
    """Remove the index the connection points at, on Solr (a folder goes with tmp_path)."""
    if on_solr():
        connections["default"].get_backend().drop()
        SOLR_ALIASES.discard(settings.HAYSTACK_CONNECTIONS["default"]["COLLECTION"])


def rebuild_index() -> None:
    from django.core.management import call_command

    call_command("rebuild_index", interactive=False, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The interface's translations compiled as the .po files read now (make does the same;
    this covers pytest run on its own). Only changed catalogues are compiled again."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    with contextlib.chdir(settings.BASE_DIR):
        call_command(
            "compilemessages",
            verbosity=0,
            ignore_patterns=[".git", ".venv", "node_modules", "data"],
        )
    # Catalogues read before the compile (none should be) are read again.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(scope="session")
def session_index(tmp_path_factory) -> Path:
    # No index worker runs in the tests: each change is applied as soon as it commits. The
    # writer lock lives in a folder of the tests' own, so a worker serving ./data does not block.
    settings.ARCHIVE_INDEX_INLINE = True
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
    path = tmp_path_factory.mktemp("whoosh")
    use_index(path / "index")
    yield path / "index"
    for alias in list(SOLR_ALIASES):
        settings.HAYSTACK_CONNECTIONS["default"]["COLLECTION"] = alias
        connections.reload("default")
        drop_index()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, session_index):
    """The test database with the thesaurus and the seed corpus, indexed in a temporary folder."""
    with django_db_blocker.unblock():
        load_thesaurus(settings.ARCHIVE_THESAURUS)
        import_seed_corpus()


class BuiltIndexes:
    """Whoosh indexes rebuilt from the database, kept under what they were built from, so that
    another rebuild from the same entries is a copy (a tenth of the time). The key is every
    entry the build would write, by its passage and digest (`PassageIndex.prepare`), read from
    the database now: a database that differs in anything the index holds builds afresh."""

    def __init__(self):
        self.folder: Path | None = None
        self.built: dict[str, Path] = {}

    def key(self) -> str:
        from search.indexing import passage_index, prepared_batches

        ids = list(passage_index().index_queryset().values_list("pk", flat=True))
        entries = [
            (data["id"], data["digest"], data.get("boost"))
            for batch in prepared_batches(ids, 1000)
            for data in batch
        ]
        return hashlib.sha1(repr(entries).encode()).hexdigest()

    def rebuild(self) -> None:
        """What `rebuild_index` makes of the database, into the index the connection uses."""
        from search.locking import writer_lock
        from search.models import IndexTask

        if on_solr():
            rebuild_index()
            return
        live = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        # The command applies queued changes too, and waits for a worker holding the lock.
        with writer_lock() as acquired:
            if acquired and not IndexTask.objects.exists():
                key = self.key()
                if key in self.built:
                    self.copy_in(self.built[key], live)
                    return
            else:
                key = None
        rebuild_index()
        if key is not None:
            if self.folder is None:
                self.folder = Path(settings.DATA_DIR) / "built-indexes"
            self.built[key] = self.folder / key
            shutil.copytree(live.resolve(), self.built[key])

    @staticmethod
    def copy_in(source: Path, live: Path) -> None:
        from search.engine import engine
        from search.engine.whoosh.swap import fresh_folder, swap_in
        from search.service import RESULTS

        # Left as a rebuild leaves it: the engine set up, then the new folder swapped in.
        backend = engine()
        if not backend.setup_complete:
            backend.setup()
        fresh = fresh_folder(live)
        shutil.copytree(source, fresh, dirs_exist_ok=True)
        # Every thread's searcher sees the swap and reopens (the live server's too).
        swap_in(live, fresh)
        RESULTS.clear()


BUILT_INDEXES = BuiltIndexes()


@pytest.fixture
def private_index(tmp_path, session_index):
    """A separate index, built from the database, for a test that changes what is indexed."""
    use_index(tmp_path / "whoosh" / "index")
    BUILT_INDEXES.rebuild()
    yield tmp_path / "whoosh" / "index"
    drop_index()
    use_index(session_index)


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.load(settings.ARCHIVE_CATALOGUE)
