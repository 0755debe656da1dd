"""The search form: the search's whole specification (query, facets, sort, paging, defaults)."""

import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from annotations.models import Annotation
from archive.models import Concept, Document, Language
from search import facets, plan

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SORTS = [("relevance", _("Relevance")), ("document", _("Document order"))]
# The facets' names in query strings, in the table's order (what the API describes).
FACETS = facets.NAMES
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# The years the histogram shows: the archive's period with a margin either side.
YEAR_SPAN = (1914, 1945)


def published_documents(slugs) -> set[str]:
    return set(Document.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))


def known_concepts(slugs) -> set[str]:
    return set(Concept.objects.filter(slug__in=slugs).values_list("slug", flat=True))


def note_tags() -> list[str]:
    """Tags used on notes readers may see (the note-tag facet's vocabulary)."""
    return sorted({t for a in Annotation.objects.readable() for t in a.tag_list})


def used_note_tags(tags) -> set[str]:
    return set(tags) & set(note_tags())


class KnownValuesField(forms.MultipleChoiceField):
    """Values the archive must know, looked up only for the values given: a choice list of every
    document would cost each search a query over all of them."""

    def __init__(self, *, known, **kwargs):
        super().__init__(**kwargs)
        self.known = known

    def validate(self, value):
        # What is known is kept on no field: forms share their fields (`SharedFields`).
        forms.Field.validate(self, value)
        known = self.known(value) if value else set()
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": unknown[0]},
            )


# The years a filter may name.
YEARS = (1500, 2099)


class YearsField(forms.TypedMultipleChoiceField):
    """Years from 1500 to 2099, checked by value (a list of 600 choices was copied with every
    form)."""

    def valid_value(self, value):
        return str(value).isdigit() and YEARS[0] <= int(value) <= YEARS[1]


def year_bound(label) -> forms.IntegerField:
    """One end of the year range (`year_from`, `year_to`)."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=YEARS[0],
        max_value=YEARS[1],
        error_messages={"invalid": _("Enter a year as a number, such as 1939.")},
    )


# How each facet's chosen values are read and checked.
FACET_FIELDS = {
    "language": partial(forms.MultipleChoiceField, choices=Language.choices),
    "document": partial(KnownValuesField, known=published_documents),
    "year": partial(YearsField, coerce=int),
    "concept": partial(KnownValuesField, known=known_concepts),
    "annotated": partial(
        forms.ChoiceField,
        choices=[("", _("any")), ("yes", _("with notes")), ("no", _("without notes"))],
    ),
    "note_tag": partial(KnownValuesField, known=used_note_tags),
}


def facet_fields() -> dict[str, forms.Field]:
    """A form field for each facet of the table, in its order, labelled as the facet."""
    return {f.name: FACET_FIELDS[f.name](label=f.label, required=False) for f in facets.FACETS}


class SharedFields(dict):
    """A form's fields, the same objects in each of its forms. Django deep-copies a form's
    fields into each form, so that one may change its own; that and building a field per facet
    cost every search ~0.5 ms. A form whose fields are shared changes none, and its fields keep
    no state of a validation (they are read by concurrent requests)."""

    def __deepcopy__(self, memo):
        return dict(self)


class SearchForm(forms.Form):
    """The query, a field for each facet (`search.facets`), sort and paging."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    # A NUL from a broken client is dropped (clean_q), not refused.
    q.validators = []
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)
    page_size = forms.IntegerField(
        label=_("Results per page"), min_value=1, max_value=MAX_PAGE_SIZE, required=False
    )
    expand = forms.ChoiceField(
        label=_("Other names of a concept"),
        choices=[("1", _("on")), ("0", _("off"))],
        required=False,
    )
    # Passages mentioning a year in this range (either end may be left open).
    year_from = year_bound(_("From year"))
    year_to = year_bound(_("To year"))

    def clean_q(self):
        # Control characters (a NUL from a broken client) are dropped, not refused.
        return CONTROL_RE.sub(" ", self.cleaned_data.get("q") or "").strip()

    def clean(self):
        data = super().clean()
        data["sort"] = data.get("sort") or "relevance"
        data["page"] = data.get("page") or 1
        data["page_size"] = data.get("page_size") or DEFAULT_PAGE_SIZE
        data["expand"] = data.get("expand") != "0"
        low, high = data.get("year_from"), data.get("year_to")
        if low is not None and high is not None and low > high:
            self.add_error(
                "year_to",
                _("The range ends before it begins: %(to)s is earlier than %(from)s.")
                % {"to": high, "from": low},
            )
        elif data.get("year") and self.year_range() and not self.years_in_range():
            self.add_error(
                "year",
                _("None of the chosen years lies in the range %(range)s.")
                % {"range": range_label(low, high)},
            )
        return data

    def year_range(self) -> plan.Range | None:
        """The range of years asked for, if any."""
        low, high = self.cleaned_data.get("year_from"), self.cleaned_data.get("year_to")
        return None if low is None and high is None else plan.Range(low, high)

    def years_in_range(self) -> list[str]:
        """The chosen years (the year facet) that lie in the year range."""
        span = self.year_range()
        return [str(y) for y in self.cleaned_data.get("year") or [] if str(y) in span]

    def filters(self) -> dict[str, plan.Filter]:
        """Active facet filters keyed by index field, the year range among them."""
        found = {}
        for facet in facets.FACETS:
            chosen = self.cleaned_data.get(facet.name)
            if facet.one_choice:
                chosen = [chosen] if chosen else []
            found[facet.field] = [str(value) for value in chosen or []]
        span = self.year_range()
        if span is not None:
            # Chosen years and a range together: the chosen years inside it.
            years = facets.BY_NAME["year"].field
            found[years] = self.years_in_range() if found[years] else span
        return found


def search_fields(declared: dict[str, forms.Field]) -> SharedFields:
    """The declared fields and the facets', in the page's order: the query, the facets with the
    year range beside the chosen years, then the rest."""
    fields = {**declared, **facet_fields()}
    order = ["q", *FACETS]
    order[order.index("year") + 1 : order.index("year") + 1] = ["year_from", "year_to"]
    order += [name for name in fields if name not in order]
    return SharedFields((name, fields[name]) for name in order)


SearchForm.base_fields = search_fields(SearchForm.declared_fields)


def range_label(low: int | None, high: int | None) -> str:
    """A year range as a reader reads it: "1930–1935", "from 1930", "to 1935"."""
    if low is not None and high is not None:
        return str(low) if low == high else f"{low}–{high}"
    if low is not None:
        return _("from %(year)s") % {"year": low}
    return _("to %(year)s") % {"year": high}
