"""The curator's workbench: documents, passages and their revisions."""

import re

from axes import admin as axes_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from archive.admin_forms import RenameForm, SplitForm
from archive.aliases import merge_passages, rename_document, split_passage
from archive.annotations import delete_annotation, place_selection, save_annotation, set_status
from archive.annotations import snapshot as annotation_snapshot
from archive.concepts.loading import delete_concepts
from archive.concepts.tagging import request_retag, tag_passages
from archive.models import (
    Annotation,
    AnnotationChange,
    AnnotationStatus,
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
class DocumentAdmin(admin.ModelAdmin):
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


class BaseAnnotationForm(forms.ModelForm):
    """Checks a quote against the passage text and refuses stale edits (optimistic locking)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        # Offsets are found from the quote when the curator types it instead of selecting.
        self.fields["start"].required = self.fields["end"].required = False

    def passage_of(self, data):
        return data.get("passage")

    def clean(self):
        data = super().clean()
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None and seen != self.instance.version:
            raise ValidationError(
                _(
                    "Someone else changed this annotation while you were editing it. Reload the "
                    "page to see their changes, then make yours again."
                )
            )
        passage = self.passage_of(data)
        if passage is not None and data.get("exact"):
            try:
                data["start"], data["end"] = place_selection(
                    passage.text, data["exact"], data.get("start"), data.get("end")
                )
            except ValidationError as error:
                self.add_error("exact", error)
        return data


class InlineAnnotationForm(BaseAnnotationForm):
    class Meta:
        model = Annotation
        fields = ["exact", "start", "end", "motivation", "body", "body_language", "tags", "status"]
        widgets = {
            "exact": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 3}),
        }

    def passage_of(self, data):
        # The formset gives each row its passage (see AnnotationInline.get_formset).
        return getattr(self, "passage", None)


class AnnotationInline(admin.StackedInline):
    model = Annotation
    form = InlineAnnotationForm
    fk_name = "passage"
    extra = 0
    fields = [
        "exact",
        ("start", "end"),
        "motivation",
        "body",
        "body_language",
        "tags",
        "status",
        "anchor_status",
        "seen_version",
    ]
    readonly_fields = ["anchor_status"]
    verbose_name_plural = _(
        "annotations (select words in the text above, then “Use the words selected”)"
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class WithPassage(formset):
            def _construct_form(self, i, **kw):
                form = super()._construct_form(i, **kw)
                form.passage = obj
                return form

            @property
            def empty_form(self):
                form = super().empty_form
                form.passage = obj
                return form

        return WithPassage


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
        help_texts = {
            "text": _(
                "Saving a changed text keeps the old one as a revision; the passage's "
                "number and URL stay the same."
            ),
        }


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
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
    inlines = [PassageConceptInline, AnnotationInline, PassageRevisionInline]
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
        annotate = reverse("admin:archive_annotation_add") + f"?passage={obj.pk}"
        return format_html(
            '<a href="{0}">{0}</a> · <a href="{1}">{2}</a> · <a href="{3}">{4}</a>',
            obj.get_absolute_url(),
            split,
            _("Split this passage…"),
            annotate,
            _("Annotate words of this passage…"),
        )

    class Media:
        js = ["archive/admin_annotate.js"]

    def save_formset(self, request, form, formset, change):
        if formset.model is Annotation:
            return self.save_annotations(request, formset)
        # Tags a curator adds by hand are the curator's, and survive re-tagging.
        for tag in formset.save(commit=False):
            if isinstance(tag, PassageConcept) and not tag.pk:
                tag.origin = TagOrigin.CURATOR
            tag.save()
        for tag in formset.deleted_objects:
            tag.delete()
        formset.save_m2m()

    def save_annotations(self, request, formset):
        for annotation in formset.save(commit=False):
            before = (
                annotation_snapshot(Annotation.objects.get(pk=annotation.pk))
                if annotation.pk
                else None
            )
            save_annotation(annotation, user=request.user, before=before)
        for annotation in formset.deleted_objects:
            delete_annotation(annotation, user=request.user)

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
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "labels_display", "passage_total"]
    list_filter = ["kind", "labels__language"]
    search_fields = ["slug", "labels__text", "note"]
    inlines = [ConceptLabelInline]
    fields = ["slug", "kind", "note"]

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

    def get_readonly_fields(self, request, obj=None):
        # The identifier is in readers' search links (`concept=`); it is fixed once it exists.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug"] if obj else fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request_retag()

    def delete_model(self, request, obj):
        delete_concepts(Concept.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        delete_concepts(queryset)


@admin.register(DocumentAlias)
class DocumentAliasAdmin(admin.ModelAdmin):
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
class PassageAliasAdmin(admin.ModelAdmin):
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


class AnnotationForm(BaseAnnotationForm):
    class Meta:
        model = Annotation
        fields = [
            "passage",
            "exact",
            "start",
            "end",
            "motivation",
            "body",
            "body_language",
            "tags",
            "link_passage",
            "link_concept",
            "status",
        ]
        widgets = {
            "exact": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        data = super().clean()
        motivation = data.get("motivation")
        if motivation == "linking" and not data.get("link_passage"):
            self.add_error("link_passage", _("A link needs the passage it points to."))
        if motivation == "identifying" and not (data.get("link_concept") or data.get("body")):
            self.add_error(
                "link_concept", _("Say who or what the words name: a concept or a note.")
            )
        return data


class OrphanQueue(admin.SimpleListFilter):
    title = _("curator's queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("orphaned", _("Orphaned: quote lost")),
            ("moved", _("Moved: check the anchor")),
            ("review", _("Awaiting review")),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("orphaned", "moved"):
            return queryset.filter(anchor_status=self.value())
        if self.value() == "review":
            return queryset.filter(status=AnnotationStatus.REVIEW)
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = {
            t.strip()
            for value in Annotation.objects.values_list("tags", flat=True)
            for t in value.split(",")
            if t.strip()
        }
        return [(t, t) for t in sorted(tags)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(tags__iregex=rf"(^|,)\s*{re.escape(self.value())}\s*(,|$)")


class AnnotationChangeInline(admin.TabularInline):
    model = AnnotationChange
    fields = ["at", "user", "action", "changes"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("audit trail")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    form = AnnotationForm
    list_display = [
        "__str__",
        "motivation",
        "status",
        "anchor_status",
        "tags",
        "creator",
        "modified_at",
    ]
    list_filter = [
        OrphanQueue,
        "status",
        "motivation",
        TagFilter,
        "creator",
        "anchor_status",
        "passage__document",
    ]
    search_fields = ["exact", "original_exact", "body", "tags", "passage__text"]
    autocomplete_fields = ["passage", "link_passage", "link_concept"]
    readonly_fields = [
        "passage_text",
        "anchor_status",
        "anchor_score",
        "original_exact",
        "revision",
        "creator",
        "created_at",
        "modified_at",
    ]
    fieldsets = [
        (None, {"fields": ["passage", "passage_text", "exact", ("start", "end"), "seen_version"]}),
        (
            _("Note"),
            {
                "fields": [
                    "motivation",
                    "body",
                    "body_language",
                    "tags",
                    "link_passage",
                    "link_concept",
                    "status",
                ]
            },
        ),
        (
            _("Anchoring"),
            {"fields": ["anchor_status", "anchor_score", "original_exact", "revision"]},
        ),
        (_("Record"), {"fields": ["creator", "created_at", "modified_at"]}),
    ]
    inlines = [AnnotationChangeInline]
    actions = ["publish", "unpublish", "send_for_review"]
    list_select_related = ["passage__document", "creator"]

    class Media:
        js = ["archive/admin_annotate.js"]
        css = {"all": ["archive/admin_annotate.css"]}

    @admin.display(description=_("passage text"))
    def passage_text(self, obj):
        if not obj or not obj.passage_id:
            return _("Choose the passage and save, or open this form from the passage's page.")
        # The template escapes the passage text itself.
        return mark_safe(  # noqa: S308
            render_to_string("admin/archive/annotate_source.html", {"passage": obj.passage})
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("body_language", "en")
        return initial

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Opened from a passage (?passage=<id>): show its text to select from straight away.
        # Read from this request alone: the ModelAdmin instance is shared by every curator.
        passage_id = request.GET.get("passage", "")
        preset = Passage.objects.filter(pk=passage_id).first() if passage_id.isdigit() else None
        if add and preset is not None:
            context["adminform"].form.instance.passage = preset
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        before = annotation_snapshot(Annotation.objects.get(pk=obj.pk)) if change else None
        save_annotation(
            obj,
            user=request.user,
            before=before,
            expected_version=form.cleaned_data.get("seen_version"),
        )

    def delete_model(self, request, obj):
        delete_annotation(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for annotation in queryset:
            delete_annotation(annotation, user=request.user)

    def change_status(self, request, queryset, status) -> int:
        changed = set_status(queryset, status, user=request.user)
        log_each(self, request, changed, _("Status set to “%s”.") % AnnotationStatus(status).label)
        return len(changed)

    @admin.action(description=_("Publish selected annotations"), permissions=["change"])
    def publish(self, request, queryset):
        n = self.change_status(request, queryset, AnnotationStatus.PUBLISHED)
        self.message_user(
            request, ngettext("%d annotation published.", "%d annotations published.", n) % n
        )

    @admin.action(
        description=_("Unpublish selected annotations (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        n = self.change_status(request, queryset, AnnotationStatus.DRAFT)
        self.message_user(
            request, ngettext("%d annotation unpublished.", "%d annotations unpublished.", n) % n
        )

    @admin.action(description=_("Send selected annotations for review"), permissions=["change"])
    def send_for_review(self, request, queryset):
        n = self.change_status(request, queryset, AnnotationStatus.REVIEW)
        self.message_user(
            request,
            ngettext("%d annotation sent for review.", "%d annotations sent for review.", n) % n,
        )


# The login throttle's records (django-axes): its clean-up action deletes attempts, so it takes
# the delete permission like any deletion, not just a staff login.
if axes_admin.AccessAttempt in admin.site._registry:

    class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
        @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
        def cleanup_expired_attempts(self, request, queryset):
            return super().cleanup_expired_attempts(request, queryset)

    admin.site.unregister(axes_admin.AccessAttempt)
    admin.site.register(axes_admin.AccessAttempt, AccessAttemptAdmin)
