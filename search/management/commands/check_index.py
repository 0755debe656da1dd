"""Compare the search index with the database, and repair it if asked.

python manage.py check_index            # report; exit status 1 if anything differs
python manage.py check_index --repair   # queue every difference for reindexing
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from search.consistency import compare
from search.indexing import drain_if_free, queue_passages


class Command(BaseCommand):
    help = "Report passages missing from the index, ghost entries and stale entries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Queue the differences for reindexing (the worker applies them).",
        )

    def handle(self, *args, repair, verbosity, **options):
        found = compare()
        for name in ("missing", "ghost", "stale"):
            ids = sorted(getattr(found, name))
            sample = ", ".join(map(str, ids[:10])) + (" …" if len(ids) > 10 else "")
            self.stdout.write(f"{name}: {len(ids)}" + (f" (passage ids {sample})" if ids else ""))
        if not found.total:
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
            return
        if not repair:
            raise CommandError(f"{found.total} differences; run with --repair to fix them.")
        with transaction.atomic():
            queue_passages(found.all())
        applied = drain_if_free()
        self.stdout.write(
            f"Queued {found.total} passages for reindexing"
            + ("; applied now." if applied else "; the index worker will apply them.")
        )
