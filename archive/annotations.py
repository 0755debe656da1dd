"""Annotations as the archive handles them: checked selections, safe note bodies, an audit
trail, and re-anchoring when their passage's text changes."""

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from archive.anchoring import anchor, context
from archive.models import Annotation, AnnotationChange, Passage
from archive.signals import announce_passages_changed

# The HTML a note may contain once rendered: enough for scholarly notes, nothing that runs.
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "i",
    "b",
    "a",
    "code",
    "blockquote",
    "ul",
    "ol",
    "li",
    "span",
    "sup",
    "sub",
    "q",
    "cite",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "*": {"lang"}}
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


def render_body(body: str) -> str:
    """A note's Markdown as a small, safe HTML subset (language marks kept)."""
    html = markdown.markdown(body or "", extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
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
    annotation.anchor_status, annotation.anchor_score = "exact", 1.0
    created = annotation.pk is None
    if created:
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
    AnnotationChange.objects.create(
        annotation=annotation,
        annotation_uuid=annotation.uuid,
        user=user,
        action="created" if created else "changed",
        changes=changes,
    )
    announce_passages_changed([annotation.passage_id])
    return annotation


@transaction.atomic
def delete_annotation(annotation: Annotation, *, user) -> None:
    AnnotationChange.objects.create(
        annotation=None,
        annotation_uuid=annotation.uuid,
        user=user,
        action="deleted",
        changes=snapshot(annotation),
    )
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
        before = snapshot(annotation)
        annotation.status = status
        annotation.version += 1
        annotation.save(update_fields=["status", "version", "modified_at"])
        AnnotationChange.objects.create(
            annotation=annotation,
            annotation_uuid=annotation.uuid,
            user=user,
            action="status",
            changes={"status": [before["status"], status]},
        )
        announce_passages_changed([annotation.passage_id])
        changed.append(annotation)
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
        if found.status == "exact":
            continue
        old = (annotation.start, annotation.end, annotation.exact)
        if found.status == "orphaned":
            annotation.anchor_status, annotation.anchor_score = "orphaned", 0.0
        else:
            annotation.start, annotation.end = found.start, found.end
            annotation.exact = passage.text[found.start : found.end]
            annotation.prefix, annotation.suffix = context(passage.text, found.start, found.end)
            annotation.anchor_status, annotation.anchor_score = "moved", found.score
        annotation.save()
        AnnotationChange.objects.create(
            annotation=annotation,
            annotation_uuid=annotation.uuid,
            user=None,
            action="reanchored",
            changes={
                "anchor": [
                    list(old),
                    [
                        annotation.start,
                        annotation.end,
                        annotation.exact,
                        annotation.anchor_status,
                        annotation.anchor_score,
                    ],
                ]
            },
        )
        changed.append(annotation)
    return changed


def marked_text(text: str, annotations) -> str:
    """The passage text, escaped, with each annotated quote in a <mark> that links to its note
    (numbered like footnotes, so the marks do not rely on colour alone)."""
    from django.utils.html import escape

    cuts = sorted({0, len(text), *(a.start for a in annotations), *(a.end for a in annotations)})
    numbered = list(enumerate(annotations, 1))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(i, note) for i, note in numbered if note.start <= a and b <= note.end]
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        refs = " ".join(f"note-{note.uuid}" for _, note in covering)
        out.append(f'<mark class="annotated" aria-describedby="{refs}">{piece}</mark>')
        ends_here = [(i, note) for i, note in covering if note.end == b]
        for i, note in ends_here:
            out.append(
                f'<a class="note-ref" href="#note-{note.uuid}" id="ref-{note.uuid}">'
                f"<sup>[{i}]</sup></a>"
            )
    return "".join(out)
