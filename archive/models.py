"""What the archive stores: documents, their citable passages, and every revision of each."""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from archive.concepts.thesaurus import preferred_label
from archive.links import passage_path
from archive.signals import announce_passages_changed, passage_revised
from archive.text import count_words, years_mentioned


class Language(models.TextChoices):
    """Languages the archive holds and detects."""

    CROATIAN = "hr", _("Croatian")
    ROMANIAN = "ro", _("Romanian")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    RUSSIAN = "ru", _("Russian")


class SourceShape(models.TextChoices):
    """The layout a source file came in, which decides how it is read."""

    PARAGRAPHS = "paragraphs", _("Plain paragraphs, one per line")
    WIKI = "wiki", _("Wiki export with front matter and == headings ==")
    WEBPAGE = "webpage", _("Scraped web page with link glosses")
    ESSAY = "essay", _("Essay with a title line")
    TOKENS = "tokens", _("Token stream (lower-cased, stop words stripped)")


class DocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def in_language(self, code: str):
        return self.filter(language=code)

    def with_passage_counts(self):
        return self.annotate(
            passage_count=Count("passages", filter=Q(passages__withdrawn=False), distinct=True)
        )

    @transaction.atomic
    def set_published(self, published: bool) -> list["Document"]:
        """Publish or unpublish these documents and queue their passages for reindexing;
        returns the documents that changed. What changes is read before the update, which
        can make the queryset select nothing (a changelist filtered on `published`)."""
        changing = list(self.exclude(published=published).order_by("pk"))
        ids = [document.pk for document in changing]
        Document.objects.filter(pk__in=ids).update(published=published, updated_at=timezone.now())
        announce_passages_changed(
            Passage.objects.filter(document__in=ids).values_list("pk", flat=True)
        )
        for document in changing:
            document.published = published
        return changing


class Document(models.Model):
    """A source text in the archive, with where it came from and how it was read."""

    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "Permanent identifier in every citation and URL of this document. Changing it breaks "
            "published references."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    title_supplied = models.BooleanField(
        _("title supplied by the archive"),
        default=False,
        help_text=_("Ticked when the source has no title of its own and a curator gave one."),
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    publisher = models.CharField(
        _("publisher or site"), max_length=300, blank=True, help_text=_("E.g. “Wikipedia (ro)”.")
    )
    source_date = models.CharField(
        _("date of the source"),
        max_length=40,
        blank=True,
        help_text=_("As precise as known: 2023, 2023-05 or 2023-05-01."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        help_text=_("The document's main language. Passages default to it."),
    )
    detected_language = models.CharField(
        _("detected language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        editable=False,
        help_text=_("What automatic detection found at the last import."),
    )
    source_file = models.CharField(
        _("source file"),
        max_length=255,
        help_text=_("File name of the source; a re-import of the same name revises this document."),
    )
    checksum = models.CharField(
        _("checksum"), max_length=64, help_text=_("SHA-256 of the source file as imported.")
    )
    encoding = models.CharField(_("encoding"), max_length=40, default="utf-8")
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_revision = models.CharField(
        _("source revision"),
        max_length=100,
        blank=True,
        help_text=_("The revision identifier the source gives, e.g. a wiki revision number."),
    )
    shape = models.CharField(_("source shape"), max_length=20, choices=SourceShape.choices)
    raw_text = models.TextField(_("source text"), help_text=_("The source file, verbatim."))
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished documents are hidden from readers.")
    )
    notes = models.TextField(_("curator notes"), blank=True)
    imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            # A source file is the identity a re-import is matched on.
            models.UniqueConstraint(fields=["source_file"], name="document_source_file_unique"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Passages that followed the document's language keep following it.
        if self.pk:
            previous = (
                Document.objects.filter(pk=self.pk).values_list("language", flat=True).first()
            )
            if previous and previous != self.language:
                self.passages.filter(language=previous).update(language=self.language)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:document", kwargs={"slug": self.slug})

    def next_passage_number(self) -> int:
        """The first passage number never used in this document: a number once given is never
        given to other text, withdrawn and merged-away passages included."""
        top = self.passages.aggregate(top=Max("n"))["top"] or 0
        aliased = self.passage_aliases.aggregate(top=Max("n"))["top"] or 0
        return max(top, aliased) + 1

    @property
    def linkable_source_url(self) -> str:
        """The source URL if it is a web address a reader may follow; never javascript: etc."""
        return self.source_url if self.source_url.startswith(("https://", "http://")) else ""

    @property
    def readable_source_url(self) -> str:
        """The source URL with percent-escapes decoded, as a person would type it."""
        return unquote(self.source_url)

    @property
    def source_label(self) -> str:
        """Where the text comes from, as a catalogue names it: the publisher, else the site it
        was taken from; empty when neither is recorded (the file name is no name for a reader)."""
        if self.publisher:
            return self.publisher
        if self.linkable_source_url:
            return urlsplit(self.source_url).hostname or ""
        return ""

    @property
    def display_title(self) -> str:
        """The title as a catalogue shows it: supplied titles in square brackets."""
        return f"[{self.title}]" if self.title_supplied else self.title


class PassageQuerySet(models.QuerySet):
    def current(self):
        """Passages still part of their document's text (not withdrawn)."""
        return self.filter(withdrawn=False)

    def published(self):
        """Passages readers find: current, in a published document."""
        return self.current().filter(document__published=True)

    def readable(self):
        """Passages readers may open (`Passage.readable`): in a published document, withdrawn
        ones too, as their URL keeps answering."""
        return self.filter(document__published=True)

    def in_language(self, code: str):
        return self.filter(language=code)

    def numbers_around(self, position: int) -> tuple[int | None, int | None]:
        """The numbers of the passages just before and just after `position` (None at an end)."""
        # Numbers alone: a page links its neighbours, and whole passages took half again as long.
        before = self.filter(position__lt=position).order_by("-position")
        after = self.filter(position__gt=position).order_by("position")
        return (
            before.values_list("n", flat=True).first(),
            after.values_list("n", flat=True).first(),
        )


class Passage(models.Model):
    """A span of a document's text: the unit we index and cite."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="passages", verbose_name=_("document")
    )
    n = models.PositiveIntegerField(
        _("number"),
        # Admin help texts are HTML: the placeholders are written without angle brackets.
        help_text=_(
            "Permanent number within the document; the passage is cited as "
            "document-slug:number, e.g. molotov-ribbentrop-pact:12. Never reused."
        ),
    )
    position = models.PositiveIntegerField(
        _("position"),
        null=True,
        blank=True,
        help_text=_("Order in the document's current text; empty once withdrawn."),
    )
    section = models.CharField(_("section"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to use the document's language."),
    )
    word_count = models.PositiveIntegerField(_("words"), default=0, editable=False)
    years = models.JSONField(_("years mentioned"), default=list, blank=True, editable=False)
    concepts = models.ManyToManyField(
        "Concept",
        through="PassageConcept",
        related_name="passages",
        blank=True,
        verbose_name=_("concepts"),
    )
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("No longer in the source; the passage stays readable at its URL."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position", "n"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        constraints = [
            # The citation contract: <slug>:<n> names exactly one passage.
            models.UniqueConstraint(
                fields=["document", "n"], name="passage_number_unique_in_document"
            ),
            # Two passages cannot stand at the same place in a document's text.
            models.UniqueConstraint(
                fields=["document", "position"], name="passage_position_unique_in_document"
            ),
            # Numbers start at 1 so that references read naturally.
            models.CheckConstraint(condition=Q(n__gte=1), name="passage_number_positive"),
            # An empty passage cannot be cited or found.
            models.CheckConstraint(condition=~Q(text=""), name="passage_text_not_empty"),
        ]

    def __str__(self):
        return self.ref

    def save(self, *args, **kwargs):
        self.derive()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "language", "word_count", "years"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return passage_path(self.document.slug, self.n)

    @property
    def ref(self) -> str:
        """The human reference, <slug>:<n>."""
        return f"{self.document.slug}:{self.n}"

    @property
    def effective_language(self) -> str:
        return self.language or self.document.language

    @property
    def readable(self) -> bool:
        """Whether readers may open the passage: `PassageQuerySet.readable` for a loaded one."""
        return self.document.published

    def concept_slugs(self) -> list[str]:
        """The concepts this passage is tagged with (`concept_slugs_of`), as read with the
        passage by `load_concept_slugs`, else now."""
        loaded = self.__dict__.get("loaded_concept_slugs")
        if loaded is not None:
            return list(loaded)
        return concept_slugs_of([self.pk]).get(self.pk, [])

    def derive(self):
        """Recompute what is derived from the text: language default, word count, years."""
        self.language = self.language or self.document.language
        self.word_count = count_words(self.text)
        self.years = years_mentioned(self.text)

    @transaction.atomic
    def revise(
        self, text: str, *, reason: str, section: str | None = None, editor=None, note: str = ""
    ) -> "PassageRevision | None":
        """Replace the passage's text, keeping the old one as a revision; None if unchanged."""
        section = self.section if section is None else section
        if text == self.text and section == self.section and self.revisions.exists():
            return None
        self.text, self.section = text, section
        self.save()
        return self.record_revision(reason=reason, editor=editor, note=note)

    def record_revision(self, *, reason: str, editor=None, note: str = "") -> "PassageRevision":
        """Store the passage's current text as its newest revision, and announce it if it
        replaces an earlier one (notes on the passage follow its words)."""
        last = self.revisions.order_by("-number").values_list("number", flat=True).first()
        revision = self.revisions.create(
            number=(last or 0) + 1,
            text=self.text,
            section=self.section,
            reason=reason,
            editor=editor,
            note=note,
        )
        if last:
            passage_revised.send(sender=Passage, passage=self, revision=revision)
        return revision

    def withdraw(self):
        """Take the passage out of the document's current text; its URL keeps answering."""
        self.withdrawn, self.withdrawn_at, self.position = True, timezone.now(), None
        self.save(update_fields=["withdrawn", "withdrawn_at", "position", "updated_at"])


class RevisionReason(models.TextChoices):
    IMPORT = "import", _("First import")
    REIMPORT = "reimport", _("Re-import of a revised source")
    EDIT = "edit", _("Curator's correction")
    SPLIT = "split", _("Split from a longer passage")
    MERGE = "merge", _("Merged from two passages")
    MOVE = "move", _("Moved within the revised source")
    RESTORE = "restore", _("Restored: back in the revised source")


class PassageRevision(models.Model):
    """One published state of a passage's text, kept so every citation stays readable."""

    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("passage")
    )
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("text"))
    section = models.CharField(_("section"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=RevisionReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("editor"),
    )
    created_at = models.DateTimeField(_("revised on"), default=timezone.now)

    class Meta:
        ordering = ["passage", "number"]
        verbose_name = _("passage revision")
        verbose_name_plural = _("passage revisions")
        constraints = [
            # ?rev=N must name one text.
            models.UniqueConstraint(
                fields=["passage", "number"], name="revision_number_unique_in_passage"
            ),
        ]

    def __str__(self):
        return f"{self.passage.ref} rev. {self.number}"


class ConceptKind(models.TextChoices):
    """What sort of thing a thesaurus concept names."""

    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    ORGANISATION = "organisation", _("Organisation")
    EVENT = "event", _("Event")
    TREATY = "treaty", _("Treaty or agreement")
    TERM = "term", _("Key term")


class ConceptQuerySet(models.QuerySet):
    def with_labels(self):
        return self.prefetch_related("labels")


class Concept(models.Model):
    """A person, place, organisation, event, treaty or term, named in several languages."""

    slug = models.SlugField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("Permanent identifier used in search filters, e.g. “lithuania”."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConceptKind.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("For curators: what it is."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ConceptQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self):
        # Named in the interface language wherever the concept is shown (admin, notes).
        return self.label(get_language() or "en")

    def label(self, language: str = "en") -> str:
        """The preferred label in a language, else the English one, else any."""
        labels = [(lab.language, lab.text) for lab in self.labels.all() if lab.preferred]
        return preferred_label(labels, language) or self.slug


class ConceptLabel(models.Model):
    """A name of a concept in one language: its preferred label, a variant or an alias."""

    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="labels", verbose_name=_("concept")
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    text = models.CharField(
        _("label"),
        max_length=200,
        help_text=_("As written in texts: “Litva”, “Uniunea Sovietică”, “Litinov” (misspelt)."),
    )
    preferred = models.BooleanField(
        _("preferred"), default=False, help_text=_("The name shown for this language.")
    )

    class Meta:
        ordering = ["concept", "language", "-preferred", "text"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            # The same name twice for one concept and language says nothing more.
            models.UniqueConstraint(
                fields=["concept", "language", "text"], name="concept_label_unique"
            ),
            # One name is shown per language.
            models.UniqueConstraint(
                fields=["concept", "language"],
                condition=Q(preferred=True),
                name="concept_one_preferred_label_per_language",
            ),
        ]

    def __str__(self):
        return f"{self.text} ({self.language})"


class TagOrigin(models.TextChoices):
    AUTO = "auto", _("Found by matching labels")
    CURATOR = "curator", _("Added by a curator")


class PassageConcept(models.Model):
    """A passage's mention of a concept, found automatically or set by a curator."""

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="concept_tags")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="passage_tags")
    origin = models.CharField(
        _("origin"), max_length=10, choices=TagOrigin.choices, default=TagOrigin.CURATOR
    )
    rejected = models.BooleanField(
        _("rejected"),
        default=False,
        help_text=_("The label matched, but the passage is not about this concept: never tag it."),
    )

    class Meta:
        ordering = ["passage", "concept"]
        verbose_name = _("concept tag")
        verbose_name_plural = _("concept tags")
        constraints = [
            # A passage mentions a concept once, whatever the number of matches.
            models.UniqueConstraint(fields=["passage", "concept"], name="passage_concept_unique"),
        ]

    def __str__(self):
        return f"{self.passage} → {self.concept.slug}"


def concept_slugs_of(passage_ids) -> dict[int, list[str]]:
    """The concepts each of the passages is tagged with, rejected tags left out, sorted; in one
    query of plain values (a rebuild reads 90,000 tags for 100,000 passages)."""
    found: dict[int, list[str]] = {}
    tags = PassageConcept.objects.filter(passage_id__in=passage_ids, rejected=False)
    for passage_id, slug in tags.values_list("passage_id", "concept__slug"):
        found.setdefault(passage_id, []).append(slug)
    return {passage_id: sorted(slugs) for passage_id, slugs in found.items()}


def load_concept_slugs(passages: list[Passage]) -> list[Passage]:
    """The passages, each with its concept slugs read (for all at once) and kept."""
    found = concept_slugs_of([passage.pk for passage in passages])
    for passage in passages:
        passage.loaded_concept_slugs = found.get(passage.pk, [])
    return passages


class RetagRequest(models.Model):
    """A thesaurus change whose re-tagging of the passages is still to be done: written in the
    change's transaction, so it is never lost; done by `archive.concepts.tagging.retag_pending`
    (the index worker runs it, and so does a process that applies changes itself)."""

    requested_at = models.DateTimeField(_("requested"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("re-tagging request")
        verbose_name_plural = _("re-tagging requests")

    def __str__(self):
        return f"re-tag requested {self.requested_at:%Y-%m-%d %H:%M:%S}"


class DocumentAlias(models.Model):
    """A slug a document was published under before it was renamed; its URLs redirect."""

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("document")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document alias")
        verbose_name_plural = _("document aliases")

    def __str__(self):
        return f"{self.old_slug} → {self.document.slug}"


class AliasKind(models.TextChoices):
    MERGE = "merge", _("Merged into another passage")
    SPLIT = "split", _("Split into several passages")


class PassageAlias(models.Model):
    """A passage number that now stands for other passages, after a merge or a split."""

    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="passage_aliases",
        verbose_name=_("document"),
    )
    n = models.PositiveIntegerField(_("old number"))
    kind = models.CharField(_("kind"), max_length=10, choices=AliasKind.choices)
    targets = models.ManyToManyField(
        Passage, related_name="alias_sources", verbose_name=_("now at")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["document", "n"]
        verbose_name = _("passage alias")
        verbose_name_plural = _("passage aliases")
        constraints = [
            # An old reference leads to one place.
            models.UniqueConstraint(fields=["document", "n"], name="passage_alias_unique"),
        ]

    def __str__(self):
        return f"{self.document.slug}:{self.n} ({self.get_kind_display()})"
