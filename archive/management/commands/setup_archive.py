"""Bring a local archive up to date, each step only when what it reads has changed: what
`make setup` (and so `make run`) does after installing.

python manage.py setup_archive            # migrate, static files, thesaurus, seed corpus, notes,
                                          # search index, curator login
python manage.py setup_archive --force    # every step, whatever changed
HOST=0.0.0.0 PORT=8080 python manage.py setup_archive   # the login line names that address

The seed steps (collectstatic, load_thesaurus, import_documents, import_annotations) run when a
stamp of the fixtures, the static files and the code differs from the one of the last run (kept
in the data folder, with the database it was made for), or when a migration was applied. The
index is rebuilt only when `check_index`'s comparison finds it differs from the database.
"""

import hashlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.consistency import compare

# What the seed steps read: a change to any of these files runs them again.
INPUTS = ("fixtures", "static", "archive", "annotations", "search", "config")
SUFFIXES = {".py", ".toml", ".txt", ".jsonld", ".json", ".css", ".js", ".svg", ".md", ".html"}


def inputs_stamp(base: Path) -> str:
    """A digest of the seed steps' inputs (contents, not times: a checkout changes those) and of
    the database they were loaded into."""
    digest = hashlib.sha256(json.dumps(settings.DATABASES["default"]["NAME"], default=str).encode())
    for folder in INPUTS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Migrate, seed and index a local archive, skipping what is already up to date."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run every step.")

    def handle(self, *args, force, verbosity, **options):
        started = time.monotonic()
        stamp_file = settings.DATA_DIR / "setup-stamp.txt"
        migrated = force or pending_migrations()
        if migrated:
            call_command("migrate", interactive=False, verbosity=verbosity)
        stamp = inputs_stamp(settings.BASE_DIR)
        recorded = stamp_file.read_text().strip() if stamp_file.exists() else ""
        if migrated or stamp != recorded:
            self.seed(verbosity)
            stamp_file.write_text(stamp + "\n")
        elif verbosity:
            self.stdout.write("Seed corpus, thesaurus and notes: unchanged, not imported again.")
        if force or self.index_differs():
            call_command("rebuild_index", interactive=False, verbosity=0)
            if verbosity:
                self.stdout.write("Search index rebuilt.")
        elif verbosity:
            self.stdout.write("Search index: matches the database.")
        call_command("create_local_admin")
        if verbosity:
            self.stdout.write(f"Set up in {time.monotonic() - started:.1f} s.")

    def seed(self, verbosity):
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_thesaurus", str(settings.ARCHIVE_THESAURUS), verbosity=verbosity)
        call_command("import_documents", str(settings.BASE_DIR / "fixtures" / "corpus"))
        call_command(
            "import_annotations",
            str(settings.BASE_DIR / "fixtures" / "annotations.jsonld"),
            skip_existing=True,
            verbosity=verbosity,
        )

    def index_differs(self) -> bool:
        try:
            return compare().total > 0
        except Exception:  # noqa: BLE001 — no index, or one that cannot be read: build it
            return True
