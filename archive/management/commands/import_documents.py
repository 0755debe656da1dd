"""Import source files or folders into the archive.

python manage.py import_documents fixtures/corpus/
python manage.py import_documents new-source.txt --dry-run
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.ingest.align import Change
from archive.ingest.catalogue import Catalogue
from archive.ingest.importer import ImportResult, import_paths
from archive.ingest.source import SourceError


def describe(result: ImportResult) -> str:
    """One line a curator reads: what happened to the file."""
    if result.failed:
        return f"{result.name}: FAILED — {result.error}"
    doc = result.document
    if result.status == "unchanged":
        return f"{result.name}: unchanged ({doc.slug})"
    if result.status == "created":
        return (
            f"{result.name}: imported as {doc.slug} — {result.changes['new']} passages, "
            f"{doc.language}, read as {doc.shape}"
        )
    # Each passage of the revised source is counted once; withdrawn ones were in the old text.
    counts = ", ".join(f"{result.changes[change]} {change}" for change in Change)
    return f"{result.name}: revised {doc.slug} — {counts}"


class Command(BaseCommand):
    help = "Import source files or folders; unchanged files are left alone, changed ones revised."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Source files or folders.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; store nothing."
        )
        parser.add_argument(
            "--catalogue",
            type=Path,
            default=None,
            help="Catalogue of titles and metadata (default: settings.ARCHIVE_CATALOGUE).",
        )

    def handle(self, *args, paths, dry_run, catalogue, verbosity, **options):
        try:
            catalogue = Catalogue.load(catalogue or settings.ARCHIVE_CATALOGUE)
        except SourceError as error:
            raise CommandError(str(error)) from error

        def progress(i, total, result):
            style = self.style.ERROR if result.failed else self.style.SUCCESS
            if verbosity or result.failed:
                self.stdout.write(style(f"[{i}/{total}] {describe(result)}"))

        results = import_paths(paths, catalogue, dry_run=dry_run, progress=progress)
        failed = [r for r in results if r.failed]
        if dry_run and verbosity:
            self.stdout.write("Dry run: nothing was stored.")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(results)} files failed: "
                + ", ".join(r.name for r in failed)
            )
        if not results:
            raise CommandError("no source files found in " + ", ".join(map(str, paths)))
