"""Run the index worker: the one process that writes the search index.

python manage.py index_worker            # runs until stopped (make run and make serve start it)
python manage.py index_worker --once     # apply what is queued, then stop
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from search.indexing import work
from search.locking import writer_lock
from search.models import IndexTask

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Apply queued index changes as they come; only one worker runs at a time."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Drain the queue and stop.")
        # An edit waits for the next look before it is applied: a look costs a query or two,
        # and ten a second keep an edit searchable within a second under load.
        parser.add_argument(
            "--interval", type=float, default=0.1, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args, once, interval, verbosity, **options):
        stopping = []
        previous = {
            sig: signal.signal(sig, lambda *_: stopping.append(True))
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.work(stopping, once, interval, verbosity)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def work(self, stopping, once, interval, verbosity):
        with writer_lock() as acquired:
            if not acquired:
                raise CommandError("Another index worker is running (it holds the writer lock).")
            pending = IndexTask.objects.count()
            if verbosity:
                self.stdout.write(f"Index worker started; {pending} changes queued.")
            failures = 0
            while not stopping:
                close_old_connections()
                try:
                    done = work(stop=lambda: bool(stopping))
                    failures = 0
                except Exception as error:
                    # The tasks stay queued; back off and try again.
                    failures += 1
                    logger.exception("Index worker: applying queued changes failed")
                    if once:
                        raise CommandError(f"Applying queued changes failed: {error}") from error
                    time.sleep(min(30, 2**failures))
                    continue
                if done and verbosity > 1:
                    self.stdout.write(f"Applied {done} changes.")
                if once:
                    break
                time.sleep(interval)
        if verbosity:
            self.stdout.write("Index worker stopped.")
