"""Curators' structural changes (rename, merge, split), each leaving an alias behind so that
every published reference keeps leading somewhere sensible."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from archive.concepts.tagging import tag_passages
from archive.models import (
    AliasKind,
    Document,
    DocumentAlias,
    Passage,
    PassageAlias,
    RevisionReason,
)
from archive.signals import announce_passages_changed

# Positions are shifted through this offset so that no two passages share one mid-update.
POSITION_OFFSET = 1_000_000


@transaction.atomic
def rename_document(document: Document, new_slug: str, *, reason: str = "", user=None) -> None:
    """Give a document a new slug; its old URLs redirect (301) to the new ones."""
    new_slug = slugify(new_slug)
    if not new_slug or new_slug == document.slug:
        raise ValidationError(_("Give a new slug, different from the current one."))
    holder, former = resolve_document(new_slug)
    if holder and holder != document:
        if former:
            raise ValidationError(_("“%s” is a former slug of another document.") % new_slug)
        raise ValidationError(_("Another document already has the slug “%s”.") % new_slug)
    # Going back to a former slug: that alias would now point at itself.
    DocumentAlias.objects.filter(old_slug=new_slug, document=document).delete()
    DocumentAlias.objects.create(
        old_slug=document.slug, document=document, reason=reason, created_by=user
    )
    document.slug = new_slug
    document.save(update_fields=["slug", "updated_at"])
    announce_passages_changed(document.passages.values_list("pk", flat=True))


def record_alias(passage: Passage, kind: str, targets, *, reason: str, user) -> PassageAlias:
    alias = PassageAlias.objects.create(
        document=passage.document, n=passage.n, kind=kind, reason=reason, created_by=user
    )
    alias.targets.set(targets)
    return alias


def new_passage(document, *, text, section, position, reason, note, user) -> Passage:
    passage = Passage.objects.create(
        document=document,
        n=document.next_passage_number(),
        position=position,
        section=section,
        text=text,
        language="",
    )
    passage.record_revision(reason=reason, editor=user, note=note)
    return passage


@transaction.atomic
def merge_passages(first: Passage, second: Passage, *, reason: str = "", user=None) -> Passage:
    """Join two neighbouring passages into a new one; both old numbers redirect to it."""
    if first.document_id != second.document_id:
        raise ValidationError(_("Only passages of the same document can be merged."))
    if first.withdrawn or second.withdrawn:
        raise ValidationError(_("Withdrawn passages cannot be merged."))
    if first.position > second.position:
        first, second = second, first
    between = first.document.passages.current().filter(
        position__gt=first.position, position__lt=second.position
    )
    if between.exists():
        raise ValidationError(_("Only neighbouring passages can be merged."))
    position = first.position
    first.withdraw()
    second.withdraw()
    merged = new_passage(
        first.document,
        text=f"{first.text} {second.text}",
        section=first.section,
        position=position,
        reason=RevisionReason.MERGE,
        note=_("Merged from %(a)s and %(b)s.") % {"a": first.ref, "b": second.ref},
        user=user,
    )
    for old in (first, second):
        record_alias(old, AliasKind.MERGE, [merged], reason=reason, user=user)
    tag_passages([merged])
    announce_passages_changed([first.pk, second.pk, merged.pk])
    return merged


@transaction.atomic
def split_passage(passage: Passage, at: int, *, reason: str = "", user=None) -> list[Passage]:
    """Cut a passage in two at a character offset; its old number lists both parts."""
    head, tail = passage.text[:at].strip(), passage.text[at:].strip()
    if passage.withdrawn:
        raise ValidationError(_("A withdrawn passage cannot be split."))
    if not head or not tail:
        raise ValidationError(_("Both parts of a split need text."))
    document, position = passage.document, passage.position
    later = document.passages.current().filter(position__gt=position)
    # Every later passage moves one place down: the index orders by position too.
    moved = list(later.values_list("pk", flat=True))
    later.update(position=F("position") + POSITION_OFFSET)
    later.update(position=F("position") - POSITION_OFFSET + 1)
    passage.withdraw()
    note = _("Split from %s.") % passage.ref
    parts = [
        new_passage(
            document,
            text=text,
            section=passage.section,
            position=position + i,
            reason=RevisionReason.SPLIT,
            note=note,
            user=user,
        )
        for i, text in enumerate((head, tail))
    ]
    record_alias(passage, AliasKind.SPLIT, parts, reason=reason, user=user)
    tag_passages(parts)
    announce_passages_changed([passage.pk, *(p.pk for p in parts), *moved])
    return parts


def resolve_document(slug: str) -> tuple[Document | None, bool]:
    """The document a slug names now, and whether the slug is a former one."""
    document = Document.objects.filter(slug=slug).first()
    if document:
        return document, False
    alias = DocumentAlias.objects.select_related("document").filter(old_slug=slug).first()
    return (alias.document, True) if alias else (None, False)
