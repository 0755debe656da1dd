"""Rebuild the search index from the database without taking searches down.

    python manage.py rebuild_index --noinput

The new index is written beside the live one and swapped in at once; searches meanwhile use the
old one, and changes made during the rebuild are applied to the new one right after. When the
index worker runs, it does the rebuild and this command waits for it.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from search.indexing import drain, queue, rebuild_index
from search.locking import writer_lock
from search.models import IndexTask, TaskKind


class Command(BaseCommand):
    help = "Rebuild the search index beside the live one, then swap it in (no downtime)."

    def add_arguments(self, parser):
        # haystack's options, kept so that scripts written for it keep working.
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing (nothing is asked anyway: nothing is deleted "
            "before the new index is ready).",
        )
        parser.add_argument("-b", "--batch-size", dest="batchsize", type=int, default=1000)
        parser.add_argument("-u", "--using", action="append", default=[])
        parser.add_argument("-r", "--remove", action="store_true")
        parser.add_argument(
            "-k",
            "--workers",
            type=int,
            default=0,
            help="Processes to build with, each writing part of the index "
            "(default: one per core, at most four).",
        )
        parser.add_argument("--nocommit", action="store_false", dest="commit")
        parser.add_argument(
            "--timeout",
            type=float,
            default=3600,
            help="Seconds to wait for a running index worker to finish the rebuild.",
        )

    def handle(self, *args, batchsize, verbosity, timeout, workers, **options):
        def progress(done, total):
            if verbosity > 1:
                self.stdout.write(f"  {done}/{total} passages")

        with writer_lock() as acquired:
            if acquired:
                drain()
                count = rebuild_index(batch=batchsize, progress=progress, processes=workers)
                applied = drain()
                if verbosity:
                    self.stdout.write(
                        f"Indexed {count} passages and swapped the new index in"
                        + (f"; then applied {applied} newer changes." if applied else ".")
                    )
                return
        with transaction.atomic():
            task = queue(TaskKind.REBUILD)
        if verbosity:
            self.stdout.write("The index worker is running; it is rebuilding the index …")
        deadline = time.monotonic() + timeout
        while IndexTask.objects.filter(pk=task.pk).exists():
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The index worker has not finished the rebuild after {timeout:.0f} s; it is "
                    "still queued (check the worker's log, or stop it and run this again)."
                )
            time.sleep(0.5)
        if verbosity:
            self.stdout.write("Rebuilt and swapped in.")
