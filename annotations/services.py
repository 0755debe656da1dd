"""Writing annotations: checked selections, an audit trail of every change, re-anchoring when
their passage's text changes, and the reindexing each of these needs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from annotations.anchoring import anchor, context
from annotations.models import AnchorStatus, Annotation, AnnotationChange
from archive.models import Passage
from archive.signals import announce_passages_changed

AUDITED_FIELDS = (
    "exact",
    "start",
    "end",
    "body",
    "body_language",
    "motivation",
    "tags",
    "status",
    "link_passage_id",
    "link_concept_id",
    "passage_id",
)


def place_selection(text: str, exact: str, start: int | None, end: int | None):
    """The span of `exact` in `text` nearest the given offsets; ValidationError if absent."""
    if not exact or not exact.strip():
        raise ValidationError(_("Select the words to annotate."))
    if start is not None and end is not None and text[start:end] == exact:
        return start, end
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    if not found:
        raise ValidationError(_("The quote “%s” does not occur in the passage text.") % exact)
    best = min(found, key=lambda a: abs(a - (start or 0)))
    return best, best + len(exact)


def snapshot(annotation: Annotation) -> dict:
    return {f: str(getattr(annotation, f)) for f in AUDITED_FIELDS}


def record(annotation: Annotation, *, user, action: str, changes: dict, kept=True) -> None:
    """An entry of the audit trail; `kept` is false for a deletion (the row outlives it)."""
    AnnotationChange.objects.create(
        annotation=annotation if kept else None,
        annotation_uuid=annotation.uuid,
        user=user,
        action=action,
        changes=changes,
    )


@transaction.atomic
def save_annotation(
    annotation: Annotation, *, user, before: dict | None = None, expected_version: int | None = None
) -> Annotation:
    """Check and store an annotation, record who changed what, and reindex its passage."""
    if expected_version is not None and annotation.pk:
        current = (
            Annotation.objects.select_for_update()
            .filter(pk=annotation.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and current != expected_version:
            raise ValidationError(
                _(
                    "Someone else changed this annotation while you were editing it. Reload it "
                    "to see their changes, then make yours again."
                )
            )
    text = annotation.passage.text
    annotation.start, annotation.end = place_selection(
        text, annotation.exact, annotation.start, annotation.end
    )
    annotation.prefix, annotation.suffix = context(text, annotation.start, annotation.end)
    annotation.revision = annotation.passage.revisions.order_by("-number").first()
    annotation.anchor_status, annotation.anchor_score = AnchorStatus.EXACT, 1.0
    created = annotation.pk is None
    if created:
        if not annotation.creator_name:  # a creator an import kept is not the importer
            annotation.creator = annotation.creator or user
        annotation.original_exact = annotation.exact
    else:
        annotation.version += 1
    annotation.save()
    after = snapshot(annotation)
    changes = {
        k: [before.get(k) if before else None, v]
        for k, v in after.items()
        if not before or before.get(k) != v
    }
    record(annotation, user=user, action="created" if created else "changed", changes=changes)
    announce_passages_changed([annotation.passage_id])
    return annotation


@transaction.atomic
def delete_annotation(annotation: Annotation, *, user) -> None:
    record(annotation, user=user, action="deleted", changes=snapshot(annotation), kept=False)
    passage_id = annotation.passage_id
    annotation.delete()
    announce_passages_changed([passage_id])


@transaction.atomic
def set_status(annotations, status: str, *, user) -> list[Annotation]:
    """Publish, unpublish or send for review in bulk, with an audit entry for each; returns
    the annotations whose status changed."""
    changed = []
    for annotation in annotations.select_related("passage"):
        if annotation.status == status:
            continue
        before = annotation.status
        annotation.status = status
        annotation.version += 1
        annotation.save(update_fields=["status", "version", "modified_at"])
        record(annotation, user=user, action="status", changes={"status": [before, status]})
        changed.append(annotation)
    # Once for all: several notes on one passage ask for one re-indexing.
    announce_passages_changed([annotation.passage_id for annotation in changed])
    return changed


def reanchor(passage: Passage) -> list[Annotation]:
    """Find every annotation of a passage again in its current text; store how it went."""
    changed = []
    for annotation in passage.annotations.all():
        found = anchor(
            passage.text,
            annotation.exact,
            annotation.prefix,
            annotation.suffix,
            annotation.start,
            annotation.end,
        )
        if found.status == AnchorStatus.EXACT:
            continue
        old = (annotation.start, annotation.end, annotation.exact)
        if found.status == AnchorStatus.ORPHANED:
            annotation.anchor_status, annotation.anchor_score = AnchorStatus.ORPHANED, 0.0
        else:
            annotation.start, annotation.end = found.start, found.end
            annotation.exact = passage.text[found.start : found.end]
            annotation.prefix, annotation.suffix = context(passage.text, found.start, found.end)
            annotation.anchor_status, annotation.anchor_score = AnchorStatus.MOVED, found.score
        annotation.save()
        now = [
            annotation.start,
            annotation.end,
            annotation.exact,
            annotation.anchor_status,
            annotation.anchor_score,
        ]
        record(annotation, user=None, action="reanchored", changes={"anchor": [list(old), now]})
        changed.append(annotation)
    return changed
