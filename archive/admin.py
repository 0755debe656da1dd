"""The curator's workbench: documents, passages and their revisions."""

from axes import admin as axes_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from archive.admin_forms import RenameForm, SplitForm
from archive.admin_search import FoldedSearchMixin
from archive.aliases import merge_passages, rename_document, split_passage
from archive.concepts.coverage import allowed_names, uncovered
from archive.concepts.loading import delete_concepts
from archive.concepts.tagging import current_thesaurus, request_retag, tag_passages
from archive.models import (
    Concept,
    ConceptLabel,
    Document,
    DocumentAlias,
    Passage,
    PassageAlias,
    PassageConcept,
    PassageRevision,
    RevisionReason,
    TagOrigin,
)
from archive.signals import announce_passages_changed

admin.site.site_header = _("Soviet–German Relations Archive — curation")
admin.site.site_title = _("Archive curation")
admin.site.index_title = _("Curation")


def action_page(request, admin_site, *, obj, title, form, back_url, intro="", text=""):
    return TemplateResponse(
        request,
        "admin/archive/action_form.html",
        {
            **admin_site.each_context(request),
            "title": title,
            "object": obj,
            "form": form,
            "back_url": back_url,
            "intro": intro,
            "text": text,
        },
    )


def log_each(model_admin, request, objects, message) -> None:
    """Write an admin history entry for each object an action or custom view changed, so a
    curator can read on the object's history page who did what, when."""
    for obj in objects:
        model_admin.log_change(request, obj, str(message))


def run_change(request, form, change, success):
    """Apply a structural change; a refusal becomes a form error, not an exception."""
    try:
        change()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, success)
    return True


@admin.register(Document)
class DocumentAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "language",
        "shape",
        "passage_total",
        "published",
        "updated_at",
    ]
    list_filter = ["language", "published", "shape"]
    search_fields = ["title", "slug", "source_file", "source_url", "author", "notes"]
    actions = ["publish", "unpublish"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "source_file",
        "checksum",
        "encoding",
        "shape",
        "source_revision",
        "detected_language",
        "imported_at",
        "updated_at",
        "passages_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "title_supplied",
                    "slug",
                    "language",
                    "published",
                    "passages_link",
                ]
            },
        ),
        (_("Bibliographic"), {"fields": ["author", "publisher", "source_date", "source_url"]}),
        (
            _("Provenance (from the import)"),
            {
                "fields": [
                    "source_file",
                    "source_revision",
                    "checksum",
                    "encoding",
                    "shape",
                    "detected_language",
                    "imported_at",
                    "updated_at",
                ]
            },
        ),
        (_("Curator notes"), {"fields": ["notes"]}),
        (_("Source text, verbatim"), {"fields": ["raw_text"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_passages=Count("passages", filter=Q(passages__withdrawn=False)))
        )

    def has_add_permission(self, request):
        # A document comes from importing its source file (`manage.py import_documents`).
        return False

    def has_delete_permission(self, request, obj=None):
        # Its passages are cited and never deleted: a document is unpublished instead.
        return False

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every published citation; it is fixed once the document exists.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug", "raw_text"] if obj else fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "language" in form.changed_data:
            # Its passages' language followed; labels are stemmed in each passage's language.
            tag_passages(obj.passages.all())
        announce_passages_changed(obj.passages.values_list("pk", flat=True))

    @admin.display(description=_("passages"), ordering="_passages")
    def passage_total(self, obj):
        return obj._passages

    def get_urls(self):
        rename = self.admin_site.admin_view(self.rename_view)
        return [
            path("<int:pk>/rename/", rename, name="archive_document_rename"),
            *super().get_urls(),
        ]

    def rename_view(self, request, pk):
        document = get_object_or_404(Document, pk=pk)
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        back = reverse("admin:archive_document_change", args=[pk])
        old_slug = document.slug
        form = RenameForm(request.POST or None, initial={"new_slug": document.slug})
        if form.is_valid() and run_change(
            request,
            form,
            lambda: rename_document(
                document,
                form.cleaned_data["new_slug"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            ),
            _("Renamed; the old URLs redirect to the new slug."),
        ):
            log_each(
                self,
                request,
                [document],
                _("Slug changed from “%(old)s” to “%(new)s”: %(reason)s")
                % {"old": old_slug, "new": document.slug, "reason": form.cleaned_data["reason"]},
            )
            return redirect(back)
        return action_page(
            request,
            self.admin_site,
            obj=document,
            title=_("Change the slug"),
            form=form,
            back_url=back,
            intro=_(
                "Every published citation uses the slug. The old one is kept as an alias "
                "and its URLs redirect permanently."
            ),
        )

    @admin.display(description=_("passages"))
    def passages_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:archive_passage_changelist") + f"?document__id__exact={obj.pk}"
        rename = reverse("admin:archive_document_rename", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            _("Edit the passages of this document"),
            rename,
            _("Change the slug…"),
        )

    @admin.action(description=_("Publish selected documents"), permissions=["change"])
    def publish(self, request, queryset):
        changed = queryset.set_published(True)
        log_each(self, request, changed, _("Published."))
        count = len(changed)
        self.message_user(
            request, ngettext("%d document published.", "%d documents published.", count) % count
        )

    @admin.action(
        description=_("Unpublish selected documents (hide from readers)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = queryset.set_published(False)
        log_each(self, request, changed, _("Unpublished: hidden from readers."))
        count = len(changed)
        self.message_user(
            request,
            ngettext("%d document unpublished.", "%d documents unpublished.", count) % count,
            messages.WARNING,
        )


class PassageRevisionInline(admin.TabularInline):
    model = PassageRevision
    fields = ["number", "reason", "editor", "created_at", "note", "excerpt"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.text).words(30)


class PassageConceptInline(admin.TabularInline):
    model = PassageConcept
    fields = ["concept", "origin", "rejected"]
    readonly_fields = ["origin"]
    autocomplete_fields = ["concept"]
    extra = 0
    verbose_name = _("concept mentioned")
    verbose_name_plural = _(
        "concepts mentioned (tick “rejected” to remove a wrong automatic tag for good)"
    )


class PassageForm(forms.ModelForm):
    revision_note = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_(
            "Shown in the passage's revision history, e.g. “typo fixed: Litinov → Litvinov”."
        ),
    )

    class Meta:
        model = Passage
        fields = ["section", "text", "language"]
        # The label of the button each annotation row gets (static/annotations/admin_annotate.js).
        widgets = {
            "text": AdminTextareaWidget(
                attrs={"data-take-label": _("Use the words selected in the text")}
            )
        }
        help_texts = {
            "text": _(
                "Saving a changed text keeps the old one as a revision; the passage's "
                "number and URL stay the same."
            ),
        }


@admin.register(Passage)
class PassageAdmin(FoldedSearchMixin, admin.ModelAdmin):
    form = PassageForm
    list_display = [
        "ref_display",
        "document",
        "section_excerpt",
        "excerpt",
        "language",
        "word_count",
        "withdrawn",
    ]
    list_filter = ["document", "language", "withdrawn", "document__shape"]
    list_select_related = ["document"]
    search_fields = ["text", "section", "document__title", "document__slug"]
    readonly_fields = [
        "document",
        "n",
        "position",
        "word_count",
        "years",
        "withdrawn",
        "withdrawn_at",
        "view_on_site_link",
    ]
    fields = [
        "document",
        "n",
        "view_on_site_link",
        "position",
        "section",
        "text",
        "language",
        "revision_note",
        "word_count",
        "years",
        "withdrawn",
        "withdrawn_at",
    ]
    inlines = [PassageConceptInline, PassageRevisionInline]
    actions = ["merge_selected"]
    ordering = ["document__title", "position", "n"]
    list_per_page = 50

    def has_add_permission(self, request):
        # Passages come from imports; a curator corrects them, never invents them.
        return False

    def has_delete_permission(self, request, obj=None):
        # A published number must keep answering; passages are withdrawn, never deleted.
        return False

    def get_urls(self):
        split = self.admin_site.admin_view(self.split_view)
        return [path("<int:pk>/split/", split, name="archive_passage_split"), *super().get_urls()]

    def split_view(self, request, pk):
        passage = get_object_or_404(Passage, pk=pk)
        if not self.has_change_permission(request, passage):
            raise PermissionDenied
        back = reverse("admin:archive_passage_change", args=[pk])
        form = SplitForm(request.POST or None, text=passage.text)
        parts = []
        if form.is_valid() and run_change(
            request,
            form,
            lambda: parts.extend(
                split_passage(
                    passage,
                    int(form.cleaned_data["at"]),
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            ),
            _("Split; the old reference now lists both parts."),
        ):
            refs = ", ".join(part.ref for part in parts)
            log_each(self, request, [passage], _("Split into %(refs)s.") % {"refs": refs})
            for part in parts:
                self.log_addition(request, part, str(_("Split from %s.") % passage.ref))
            return redirect(
                reverse("admin:archive_passage_changelist")
                + f"?document__id__exact={passage.document_id}"
            )
        return action_page(
            request,
            self.admin_site,
            obj=passage,
            title=_("Split the passage"),
            form=form,
            back_url=back,
            text=passage.text,
        )

    @admin.action(
        description=_("Merge the two selected neighbouring passages"), permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        passages = list(queryset.order_by("position"))
        if len(passages) != 2:
            self.message_user(
                request, _("Select exactly two neighbouring passages to merge."), messages.ERROR
            )
            return
        try:
            merged = merge_passages(*passages, reason=_("Merged in the admin."), user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        log_each(self, request, passages, _("Merged into %(ref)s.") % {"ref": merged.ref})
        self.log_addition(
            request, merged, str(_("Merged from %s.") % " + ".join(p.ref for p in passages))
        )
        self.message_user(
            request,
            _("Merged into %(ref)s; the old references redirect there.") % {"ref": merged.ref},
        )

    @admin.display(description=_("reference"), ordering="n")
    def ref_display(self, obj):
        return obj.ref

    @admin.display(description=_("section"))
    def section_excerpt(self, obj):
        return Truncator(obj.section).chars(40)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return Truncator(obj.text).words(16)

    @admin.display(description=_("permalink"))
    def view_on_site_link(self, obj):
        split = reverse("admin:archive_passage_split", args=[obj.pk])
        return format_html(
            '<a href="{0}">{0}</a> · <a href="{1}">{2}</a>',
            obj.get_absolute_url(),
            split,
            _("Split this passage…"),
        )

    def save_formset(self, request, form, formset, change):
        # Tags a curator adds by hand are the curator's, and survive re-tagging.
        for tag in formset.save(commit=False):
            if isinstance(tag, PassageConcept) and not tag.pk:
                tag.origin = TagOrigin.CURATOR
            tag.save()
        for tag in formset.deleted_objects:
            tag.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Its text, language or hand-set tags may have changed: its tags follow at once.
        tag_passages([form.instance])
        announce_passages_changed([form.instance.pk])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"text", "section"} & set(form.changed_data):
            revision = obj.record_revision(
                reason=RevisionReason.EDIT,
                editor=request.user,
                note=form.cleaned_data.get("revision_note", ""),
            )
            self.message_user(
                request,
                _("Saved as revision %(n)d of %(ref)s.") % {"n": revision.number, "ref": obj.ref},
            )


class ConceptLabelInline(admin.TabularInline):
    model = ConceptLabel
    fields = ["language", "text", "preferred"]
    extra = 1


@admin.register(Concept)
class ConceptAdmin(FoldedSearchMixin, admin.ModelAdmin):
    change_list_template = "admin/archive/concept/change_list.html"
    # The names page reads at most this many passages (tagging them all takes minutes).
    names_cap = 5_000
    list_display = ["slug", "kind", "labels_display", "passage_total"]
    list_filter = ["kind", "labels__language"]
    search_fields = ["slug", "labels__text", "note"]
    inlines = [ConceptLabelInline]
    fields = ["slug", "kind", "note", "tagged_passages"]
    # How many of its passages a concept's page lists.
    tagged_shown = 200

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("labels")
            .annotate(
                _passages=Count(
                    "passage_tags", filter=Q(passage_tags__rejected=False), distinct=True
                )
            )
        )

    @admin.display(description=_("labels"))
    def labels_display(self, obj):
        return " · ".join(
            f"{lab.text} ({lab.language})" for lab in obj.labels.all() if lab.preferred
        )

    @admin.display(description=_("passages"), ordering="_passages")
    def passage_total(self, obj):
        return obj._passages

    @admin.display(description=_("passages mentioning it"))
    def tagged_passages(self, obj):
        if not obj.pk:
            return "—"
        tags = obj.passage_tags.filter(rejected=False).select_related("passage__document")
        tags = tags.order_by("passage__document__title", "passage__position", "passage__n")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {}</li>',
            (
                (
                    reverse("admin:archive_passage_change", args=[tag.passage_id]),
                    tag.passage.ref,
                    Truncator(tag.passage.text).words(12),
                )
                for tag in tags[: self.tagged_shown]
            ),
        )
        total = tags.count()
        more = total - self.tagged_shown
        return format_html(
            '<ul class="tagged-passages">{}</ul>{}',
            rows or _("None yet."),
            format_html("<p>{}</p>", _("… and %(count)d more.") % {"count": more})
            if more > 0
            else "",
        )

    def get_readonly_fields(self, request, obj=None):
        # The identifier is in readers' search links (`concept=`); it is fixed once it exists.
        fields = [*super().get_readonly_fields(request, obj), "tagged_passages"]
        return [*fields, "slug"] if obj else fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request_retag()

    def delete_model(self, request, obj):
        delete_concepts(Concept.objects.filter(pk=obj.pk))

    def get_urls(self):
        names = self.admin_site.admin_view(self.names_view)
        return [
            path("names/", names, name="archive_concept_names_without_concept"),
            *super().get_urls(),
        ]

    def names_view(self, request):
        """The curator's to-do list: names the texts write that no concept covers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        document = request.GET.get("document", "")
        listed = request.GET.get("listed") == "1"
        passages = Passage.objects.published().order_by("document__slug", "n")
        if document:
            passages = passages.filter(document__slug=document)
        rows = list(
            passages.values_list("document__slug", "n", "text", "language")[: self.names_cap + 1]
        )
        capped = len(rows) > self.names_cap
        rows = rows[: self.names_cap]
        allowed = allowed_names()
        names = uncovered(
            ((f"{slug}:{n}", text, language) for slug, n, text, language in rows),
            current_thesaurus(),
            set() if listed else allowed,
        )
        return TemplateResponse(
            request,
            "admin/archive/concept/names_without_concept.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Names without a concept"),
                "names": names,
                "allowed": allowed,
                "listed": listed,
                "document": document,
                "documents": Document.objects.order_by("title").values_list("slug", "title"),
                "examined": len(rows),
                "capped": capped,
                "cap": self.names_cap,
            },
        )

    def delete_queryset(self, request, queryset):
        delete_concepts(queryset)


@admin.register(DocumentAlias)
class DocumentAliasAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["old_slug", "current_slug", "document", "reason", "created_by", "created_at"]
    list_select_related = ["document", "created_by"]
    search_fields = ["old_slug", "document__slug", "document__title", "reason"]
    readonly_fields = ["old_slug", "document", "created_by", "created_at"]
    fields = ["old_slug", "document", "reason", "created_by", "created_at"]

    def has_add_permission(self, request):
        # Aliases come from renaming a document, which checks that nothing collides.
        return False

    def has_delete_permission(self, request, obj=None):
        # An alias is what keeps an old citation answering; it is never taken away.
        return False

    @admin.display(description=_("current slug"), ordering="document__slug")
    def current_slug(self, obj):
        return obj.document.slug


@admin.register(PassageAlias)
class PassageAliasAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "now_at", "reason", "created_by", "created_at"]
    list_filter = ["kind", "document"]
    search_fields = ["document__slug", "reason"]
    readonly_fields = ["document", "n", "kind", "now_at", "created_by", "created_at"]
    fields = ["document", "n", "kind", "now_at", "reason", "created_by", "created_at"]

    def has_add_permission(self, request):
        # Aliases come from merging or splitting passages.
        return False

    def has_delete_permission(self, request, obj=None):
        # An alias is what keeps an old citation answering; it is never taken away.
        return False

    @admin.display(description=_("now at"))
    def now_at(self, obj):
        return ", ".join(p.ref for p in obj.targets.order_by("n"))


# The login throttle's records (django-axes): its clean-up action deletes attempts, so it takes
# the delete permission like any deletion, not just a staff login.
if axes_admin.AccessAttempt in admin.site._registry:

    class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
        @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
        def cleanup_expired_attempts(self, request, queryset):
            return super().cleanup_expired_attempts(request, queryset)

    admin.site.unregister(axes_admin.AccessAttempt)
    admin.site.register(axes_admin.AccessAttempt, AccessAttemptAdmin)
