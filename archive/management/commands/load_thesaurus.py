"""Load the curated thesaurus (concepts and their labels in each language).

python manage.py load_thesaurus fixtures/thesaurus.toml
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.concepts.loading import ThesaurusError, load_thesaurus


class Command(BaseCommand):
    help = "Add concepts and labels from a thesaurus file; curators' own additions are kept."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=None)
        parser.add_argument("--dry-run", action="store_true", help="Report; store nothing.")

    def handle(self, *args, path, dry_run, **options):
        path = path or settings.ARCHIVE_THESAURUS
        try:
            with transaction.atomic():
                report = load_thesaurus(path)
                transaction.set_rollback(dry_run)
        except ThesaurusError as error:
            raise CommandError(str(error)) from error
        prefix = "Dry run: would add" if dry_run else "Added"
        self.stdout.write(
            f"{prefix} {report.created} concepts and {report.labels_added} labels "
            f"({report.updated} existing concepts gained labels) from {path}."
        )
