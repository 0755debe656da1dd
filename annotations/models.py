"""Curators' notes on words of passages, and the audit trail of every change to them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from annotations.rendering import body_text
from archive.models import Concept, Language, Passage, PassageRevision

# Who signs the notes no single curator wrote (the seed notes, W3C imports by an organisation).
COLLECTIVE_CREATOR = _("Archive curators")
# Who signs the note of a curator whose account gives no full name (a login is no name).
A_CURATOR = _("Archive curator")


def is_collective(name: str) -> bool:
    """Whether an imported creator's name is the archive's curators together, as the seed file
    names them in English: they sign in the reader's language."""
    with translation.override(None):
        return name == str(COLLECTIVE_CREATOR)


class Motivation(models.TextChoices):
    """Why an annotation was made (the W3C Web Annotation motivations that fit an archive)."""

    COMMENTING = "commenting", _("Comment")
    DESCRIBING = "describing", _("Description")
    IDENTIFYING = "identifying", _("Identification (a person, place, …)")
    LINKING = "linking", _("Link to another passage")
    CORRECTING = "correcting", _("Correction")
    TAGGING = "tagging", _("Tags only")


class AgentType(models.TextChoices):
    """What made a note, in the Web Annotation model's classes of agent."""

    PERSON = "Person", _("Person")
    ORGANIZATION = "Organization", _("Organisation")
    SOFTWARE = "Software", _("Software")


class AnnotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Awaiting review")
    PUBLISHED = "published", _("Published")


class AnchorStatus(models.TextChoices):
    EXACT = "exact", _("Exact: the quote is where it was")
    MOVED = "moved", _("Moved: found again after a revision")
    ORPHANED = "orphaned", _("Orphaned: the quote is gone; a curator must look")


class AnnotationQuerySet(models.QuerySet):
    def readable(self):
        """What readers may see: published, still anchored to its words, on a passage readers
        may open. The one definition; `Annotation.readable` says the same of a loaded note."""
        readable_passage = Passage.objects.readable().filter(pk=OuterRef("passage_id"))
        return (
            self.filter(status=AnnotationStatus.PUBLISHED)
            .exclude(anchor_status=AnchorStatus.ORPHANED)
            .filter(Exists(readable_passage))
        )

    def with_links(self):
        """With what a note shows besides itself: its linked passage, concept and creator."""
        return self.select_related("link_passage__document", "link_concept", "creator")

    def orphaned(self):
        return self.filter(anchor_status=AnchorStatus.ORPHANED)


class Annotation(models.Model):
    """A curator's note on words of a passage, anchored by W3C text selectors."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, related_name="annotations", verbose_name=_("passage")
    )
    revision = models.ForeignKey(
        PassageRevision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made on revision"),
    )
    exact = models.TextField(
        _("quote"), help_text=_("The annotated words, exactly as in the passage text.")
    )
    prefix = models.CharField(_("text before"), max_length=64, blank=True)
    suffix = models.CharField(_("text after"), max_length=64, blank=True)
    start = models.PositiveIntegerField(_("start"), help_text=_("Character offset of the quote."))
    end = models.PositiveIntegerField(_("end"))
    original_exact = models.TextField(
        _("original quote"),
        blank=True,
        editable=False,
        help_text=_("The quote as first annotated, kept if the text later changes."),
    )
    body = models.TextField(
        _("note"),
        blank=True,
        help_text=_(
            "Markdown: *emphasis*, **strong**, [links](https://…), lists, "
            "and a span with a lang attribute for words in another language."
        ),
    )
    body_language = models.CharField(
        _("language of the note"), max_length=8, choices=Language.choices, default="en"
    )
    motivation = models.CharField(
        _("motivation"),
        max_length=20,
        choices=Motivation.choices,
        default=Motivation.COMMENTING,
    )
    tags = models.CharField(
        _("tags"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. “person, typo”.")
    )
    link_passage = models.ForeignKey(
        Passage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_from",
        verbose_name=_("linked passage"),
        help_text=_("For a link: the passage this one refers to."),
    )
    link_concept = models.ForeignKey(
        Concept,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        verbose_name=_("identified concept"),
        help_text=_("For an identification: who or what the words name."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AnnotationStatus.choices,
        default=AnnotationStatus.DRAFT,
    )
    anchor_status = models.CharField(
        _("anchor"),
        max_length=12,
        choices=AnchorStatus.choices,
        default=AnchorStatus.EXACT,
        editable=False,
    )
    anchor_score = models.FloatField(_("anchor score"), default=1.0, editable=False)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        verbose_name=_("creator"),
    )
    # Who made a note that came from elsewhere, when they are not an account of this archive.
    creator_name = models.CharField(
        _("creator's name"),
        max_length=200,
        blank=True,
        help_text=_("For a note by someone with no account here, as the imported file names them."),
    )
    creator_type = models.CharField(
        _("kind of creator"), max_length=20, choices=AgentType.choices, blank=True
    )
    creator_iri = models.CharField(
        _("creator's identifier"),
        max_length=500,
        blank=True,
        help_text=_("The IRI the imported file gives the creator, kept for the export."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        # The table it had when annotations were part of the archive app.
        db_table = "archive_annotation"
        ordering = ["passage", "start", "created_at"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        constraints = [
            # A selector spans at least one character, forwards.
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="annotation_span_not_empty"
            ),
            # An annotation says something about some words.
            models.CheckConstraint(condition=~Q(exact=""), name="annotation_quote_not_empty"),
        ]

    def __str__(self):
        return f"{self.passage.ref} “{Truncator(self.exact).chars(40)}”"

    def get_absolute_url(self):
        return f"{self.passage.get_absolute_url()}#note-{self.uuid}"

    @property
    def signature(self) -> str:
        """How the note is signed for readers: its curator's full name. A login is no name to
        publish, so a curator without one signs as "Archive curator"; the seed notes, which
        have no curator, as the archive's curators together; an imported note by the name its file
        gives."""
        if self.creator is None and is_collective(self.creator_name):
            return str(COLLECTIVE_CREATOR)
        if self.creator_display_name.strip():
            return self.creator_display_name
        return str(A_CURATOR if self.creator else COLLECTIVE_CREATOR)

    @property
    def readable(self) -> bool:
        """Whether readers may see this note: `AnnotationQuerySet.readable` for a note already
        loaded (a prefetched list), so that a page needs no query per passage."""
        return (
            self.status == AnnotationStatus.PUBLISHED
            and self.anchor_status != AnchorStatus.ORPHANED
            and self.passage.readable
        )

    @property
    def creator_display_name(self) -> str:
        """Who made the note, as readers see it: the account's full name or the name an import
        kept, never a login; empty when the archive's curators stand for it."""
        if self.creator:
            return self.creator.get_full_name()
        return self.creator_name

    @property
    def searched_text(self) -> str:
        """What a search finds the note by, and shows of it: its words as readers read them
        (not its Markdown and HTML) and its tags."""
        return f"{body_text(self.body)} {self.tags}".strip()

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def readable_link(self) -> "Passage | None":
        """The linked passage if readers may open it; a link into an unpublished document is
        kept for curators but shown to no reader."""
        link = self.link_passage
        return link if link is not None and link.readable else None


class AnnotationChange(models.Model):
    """One entry of an annotation's audit trail: who changed what, when."""

    annotation_uuid = models.UUIDField(_("annotation"), db_index=True)
    annotation = models.ForeignKey(
        Annotation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
        verbose_name=_("annotation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("curator"),
    )
    action = models.CharField(_("action"), max_length=20)
    changes = models.JSONField(_("changes"), default=dict)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        db_table = "archive_annotationchange"
        ordering = ["-at"]
        verbose_name = _("annotation change")
        verbose_name_plural = _("annotation changes")

    def __str__(self):
        return f"{self.action} {self.annotation_uuid} {self.at:%Y-%m-%d %H:%M}"
