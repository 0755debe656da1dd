"""The curator's workbench for notes: the annotation form with its passage text to select from,
the orphan and review queues, bulk status changes, and the notes of a passage on its own page."""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from annotations.links import annotate_url, return_url
from annotations.models import Annotation, AnnotationChange, AnnotationStatus
from annotations.services import (
    delete_annotation,
    place_selection,
    save_annotation,
    set_status,
    snapshot,
)
from archive.admin import PassageAdmin, PassageRevisionInline, log_each
from archive.admin_search import FoldedSearchMixin
from archive.models import Passage

ANNOTATE_JS = "annotations/admin_annotate.js"
ANNOTATE_CSS = "annotations/admin_annotate.css"


class BaseAnnotationForm(forms.ModelForm):
    """Checks a quote against the passage text and refuses stale edits (optimistic locking)."""

    seen_version = forms.IntegerField(
        label=_("version seen"), widget=forms.HiddenInput, required=False
    )

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

    class Media:
        js = [ANNOTATE_JS]

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


# The archive's passage admin, with the passage's notes: edited in place under its concept tags,
# and a link to the full annotation form. Registered over the archive's own, so that the archive
# needs to know nothing of annotations.
admin.site.unregister(Passage)


@admin.register(Passage)
class AnnotatedPassageAdmin(PassageAdmin):
    inlines = [
        *(inline for inline in PassageAdmin.inlines if inline is not PassageRevisionInline),
        AnnotationInline,
        PassageRevisionInline,
    ]

    @admin.display(description=_("permalink"))
    def view_on_site_link(self, obj):
        back = reverse("admin:archive_passage_change", args=[obj.pk])
        annotate = annotate_url(obj, back)
        return format_html(
            '{} · <a href="{}">{}</a>',
            super().view_on_site_link(obj),
            annotate,
            _("Annotate words of this passage…"),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Annotation:
            return super().save_formset(request, form, formset, change)
        for annotation in formset.save(commit=False):
            before = snapshot(Annotation.objects.get(pk=annotation.pk)) if annotation.pk else None
            save_annotation(annotation, user=request.user, before=before)
        for annotation in formset.deleted_objects:
            delete_annotation(annotation, user=request.user)


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
class AnnotationAdmin(FoldedSearchMixin, admin.ModelAdmin):
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
        js = [ANNOTATE_JS]
        css = {"all": [ANNOTATE_CSS]}

    @admin.display(description=_("passage text"))
    def passage_text(self, obj):
        if not obj or not obj.passage_id:
            return _("Choose the passage and save, or open this form from the passage's page.")
        # The template escapes the passage text itself.
        return mark_safe(  # noqa: S308
            render_to_string("admin/annotations/annotate_source.html", {"passage": obj.passage})
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("body_language", "en")
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Opened from a passage (?passage=<id>): show its text to select from straight away.
        # Read from this request alone: the ModelAdmin instance is shared by every curator.
        passage_id = request.GET.get("passage", "")
        preset = Passage.objects.filter(pk=passage_id).first() if passage_id.isdigit() else None
        if add and preset is not None:
            context["adminform"].form.instance.passage = preset
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        # Opened from a passage ("Annotate words of this passage…"): back to it once saved.
        back = return_url(request)
        if back and not {"_addanother", "_continue"} & set(request.POST):
            self.message_user(
                request, _("The note on %(ref)s was saved.") % {"ref": obj.passage.ref}
            )
            return HttpResponseRedirect(back)
        return super().response_add(request, obj, post_url_continue)

    def save_model(self, request, obj, form, change):
        before = snapshot(Annotation.objects.get(pk=obj.pk)) if change else None
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
