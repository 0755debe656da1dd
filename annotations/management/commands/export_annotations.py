"""Export annotations as a W3C Web Annotation collection (JSON-LD).

python manage.py export_annotations annotations.jsonld
python manage.py export_annotations - --document molotov-ribbentrop-pact
python manage.py export_annotations backup.jsonld --all-statuses   # a curator's backup
"""

import json
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.models import Annotation
from annotations.w3c import EXPORT_ORDER, collection, public_annotations
from archive.aliases import resolve_document

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Write annotations as a W3C AnnotationCollection: published ones by default, every one "
        "with its status under --all-statuses."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file, or - for stdout.")
        parser.add_argument("--document", help="Only the annotations on this document (slug).")
        parser.add_argument(
            "--all-statuses",
            action="store_true",
            help="Drafts, annotations in review and orphans too, each with its status kept "
            "(archive:status) so that import_annotations restores it.",
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "ARCHIVE_BASE_URL", DEFAULT_BASE_URL),
            help=f"Scheme and host of the archive's URLs in the file (default {DEFAULT_BASE_URL}).",
        )

    def handle(self, *args, path, document, all_statuses, base_url, verbosity, **options):
        base_url = base_url.rstrip("/")
        if all_statuses:
            annotations = (
                Annotation.objects.with_links()
                .select_related("passage__document")
                .order_by(*EXPORT_ORDER)
            )
        else:
            annotations = public_annotations()
        id_url = f"{base_url}/api/annotations/"
        if document:
            found, _former = resolve_document(document)
            if not found:
                raise CommandError(f"no document {document!r}")
            annotations = annotations.filter(passage__document=found)
            id_url += "?" + urlencode({"document": found.slug})
        data = collection(annotations, base_url, id_url=id_url, include_status=all_statuses)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
        else:
            Path(path).write_text(text, encoding="utf-8")
        which = "annotations" if all_statuses else "published annotations"
        if verbosity and path != "-":
            self.stdout.write(f"Exported {data['total']} {which} to {path}.")
        elif verbosity:  # stdout holds the JSON
            self.stderr.write(f"Exported {data['total']} {which}.", style_func=str)
