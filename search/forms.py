"""The search form: the search's whole specification (query, facets, sort, paging, defaults)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.models import Language

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SORTS = [("relevance", _("Relevance")), ("document", _("Document order"))]
FACETS = ("language", "document", "year", "concept", "annotated", "note_tag")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# The years the histogram shows: the archive's period with a margin either side.
YEAR_SPAN = (1914, 1945)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    language = forms.MultipleChoiceField(choices=Language.choices, required=False)
    document = forms.MultipleChoiceField(required=False)
    year = forms.TypedMultipleChoiceField(
        required=False, coerce=int, choices=[(str(y), str(y)) for y in range(1500, 2100)]
    )
    concept = forms.MultipleChoiceField(required=False)
    annotated = forms.ChoiceField(
        choices=[("", _("any")), ("yes", _("with notes")), ("no", _("without notes"))],
        required=False,
    )
    note_tag = forms.MultipleChoiceField(required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)
    expand = forms.ChoiceField(choices=[("1", _("on")), ("0", _("off"))], required=False)

    def __init__(self, *args, documents=(), concepts=(), note_tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note_tag"].choices = [(t, t) for t in note_tags]
        self.fields["q"].validators = []
        self.fields["document"].choices = [(slug, slug) for slug in documents]
        self.fields["concept"].choices = [(slug, slug) for slug in concepts]

    def clean_q(self):
        # Control characters (a NUL from a broken client) are dropped, not refused.
        return CONTROL_RE.sub(" ", self.cleaned_data.get("q") or "").strip()

    def clean(self):
        data = super().clean()
        data["sort"] = data.get("sort") or "relevance"
        data["page"] = data.get("page") or 1
        data["page_size"] = data.get("page_size") or DEFAULT_PAGE_SIZE
        data["expand"] = data.get("expand") != "0"
        return data

    def filters(self) -> dict[str, list[str]]:
        """Active facet filters keyed by index field."""
        data = self.cleaned_data
        return {
            "language": data.get("language") or [],
            "document": data.get("document") or [],
            "years": [str(y) for y in data.get("year") or []],
            "concepts": data.get("concept") or [],
            "annotated": [data["annotated"]] if data.get("annotated") else [],
            "note_tags": data.get("note_tag") or [],
        }
