"""Import W3C Web Annotations (JSON-LD) onto the archive's passages.

python manage.py import_annotations fixtures/annotations.jsonld
python manage.py import_annotations backup.jsonld --dry-run
python manage.py import_annotations other-tool.jsonld --user curator --status draft
python manage.py import_annotations fixtures/annotations.jsonld --skip-existing   # make setup

Each annotation is checked and stored by `annotations.services.save_annotation`, in a transaction
of its own: a bad one is reported by its position with the reason, the good ones still import,
and the command fails at the end. An id already in the archive is refused, never overwritten;
with --skip-existing it is skipped instead, and so is an id a curator has deleted, so that a
seed file run again changes nothing and brings back nothing a curator removed.
"""

import json
import sys
from collections import defaultdict
from contextlib import nullcontext

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils.text import Truncator

from annotations.models import Annotation, AnnotationChange, AnnotationStatus
from annotations.services import save_annotation
from annotations.w3c import annotations_in, w3c_to_annotation


def label(item) -> str:
    """How a report line names an item: its id, when it has one."""
    return f" {item['id']}" if isinstance(item, dict) and isinstance(item.get("id"), str) else ""


class Refused(Exception):
    """An annotation that is not imported, with the reason."""


class Skipped(Exception):
    """An annotation left alone under --skip-existing, with the reason."""


class Command(BaseCommand):
    help = "Create annotations from a W3C Web Annotation file; each quote is checked."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A JSON-LD file (collection, page or list), or -.")
        parser.add_argument("--dry-run", action="store_true", help="Check all; store nothing.")
        parser.add_argument(
            "--user", help="Who imports (audit trail); also the creator when the file's is unknown."
        )
        parser.add_argument(
            "--status",
            choices=AnnotationStatus.values,
            default=AnnotationStatus.PUBLISHED,
            help="Status of annotations the file gives none (archive:status). Default: published.",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Skip ids already here or deleted here, rather than refusing them.",
        )

    def handle(self, *args, path, dry_run, user, status, skip_existing, verbosity, **options):
        try:
            if path == "-":
                data = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as stream:
                    data = json.load(stream)
            items, notes = annotations_in(data)
        except (OSError, ValueError) as error:  # JSONDecodeError is a ValueError
            raise CommandError(f"{path}: {error}") from error
        if user:
            username, user = user, get_user_model().objects.filter(username=user).first()
            if not user:
                raise CommandError(f"no user {username!r}")
        counts, failed, warned = defaultdict(int), [], defaultdict(list)
        # A dry run is one transaction rolled back; a real run commits each annotation alone.
        with transaction.atomic() if dry_run else nullcontext():
            for position, item in enumerate(items, 1):
                prefix = f"[{position}/{len(items)}]"
                try:
                    annotation, warnings = self.import_one(item, user, status, skip_existing)
                except Skipped as reason:
                    counts["skipped"] += 1
                    if verbosity:
                        self.stdout.write(f"{prefix}{label(item)} skipped — {reason}")
                    continue
                except Refused as reason:
                    failed.append(position)
                    self.stdout.write(self.style.ERROR(f"{prefix}{label(item)} FAILED — {reason}"))
                    continue
                counts["imported"] += 1
                for warning in warnings:
                    warned[warning].append(position)
                if verbosity:
                    quote = Truncator(annotation.exact).chars(40)
                    self.stdout.write(f"{prefix} {annotation.passage.ref} “{quote}”: imported")
            if dry_run:
                transaction.set_rollback(True)
        for warning in notes if verbosity else ():
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for warning, positions in warned.items() if verbosity else ():
            where = ", ".join(map(str, positions))
            self.stdout.write(self.style.WARNING(f"warning (items {where}): {warning}"))
        if verbosity:
            verb = "Would import" if dry_run else "Imported"
            self.stdout.write(
                f"{verb} {counts['imported']}, skipped {counts['skipped']}, failed {len(failed)} "
                f"of {len(items)} annotations from {path}."
            )
            if dry_run:
                self.stdout.write("Dry run: nothing was stored.")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(items)} annotations failed: items "
                + ", ".join(map(str, failed))
            )

    def import_one(self, item, user, status, skip_existing):
        """Check and store one annotation in its own transaction; Refused or Skipped if not."""
        try:
            annotation, warnings = w3c_to_annotation(item, default_status=status)
        except ValueError as error:
            raise Refused(error) from error
        uuid = annotation.uuid
        if Annotation.objects.filter(uuid=uuid).exists():
            if skip_existing:
                raise Skipped("already here")
            raise Refused("already here (duplicates are refused, not overwritten)")
        deleted = AnnotationChange.objects.filter(annotation_uuid=uuid, action="deleted")
        if skip_existing and deleted.exists():
            raise Skipped("deleted here by a curator")
        modified = annotation.modified_at
        try:
            with transaction.atomic():
                save_annotation(annotation, user=user)
                if modified:  # keep the file's time, not the moment of import
                    Annotation.objects.filter(pk=annotation.pk).update(modified_at=modified)
        except ValidationError as error:
            raise Refused(" ".join(error.messages)) from error
        except IntegrityError as error:
            raise Refused(f"could not be stored: {error}") from error
        return annotation, warnings
