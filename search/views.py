"""The search page: a thin view over `search.service` (the JSON API is api.search)."""

import dataclasses

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive.models import Document
from search.facets import BY_NAME
from search.forms import SearchForm
from search.service import PageOutOfRange, SearchOutcome, search_passages


def bound_form(request) -> SearchForm:
    return SearchForm(request.GET)


def toggled(params, name: str, value: str) -> str:
    """The query string with facet `name`'s value switched on or off (and paging reset)."""
    query = params.copy()
    values = query.getlist(name)
    if BY_NAME[name].one_choice:
        # One answer at a time (with notes, or without): another replaces it.
        values = [] if value in values else [value]
        query.setlist(name, values)
    else:
        query.setlist(
            name, [v for v in values if v != value] if value in values else [*values, value]
        )
    query.pop("page", None)
    return "?" + query.urlencode()


def with_links(request, outcome: SearchOutcome) -> SearchOutcome:
    """The outcome with every facet row given the link that switches it on or off, and a
    document's row the language of its title (a copy: the outcome itself may be shared through
    the result cache)."""
    slugs = [row["value"] for row in outcome.facets.get("document", [])]
    languages = dict(Document.objects.filter(slug__in=slugs).values_list("slug", "language"))
    facets = {
        facet: [
            {
                **row,
                "toggle": toggled(request.GET, facet, row["value"]),
                "lang": languages.get(row["value"]) if facet == "document" else None,
            }
            for row in rows
        ]
        for facet, rows in outcome.facets.items()
    }
    return dataclasses.replace(outcome, facets=facets)


def form_errors(form) -> list[str]:
    """Each refused parameter by its label, with the reasons, in the interface language."""
    return [
        f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    ]


@require_safe
def search_page(request):
    form = bound_form(request)
    if not form.is_valid():
        return render(
            request,
            "search/search.html",
            {
                "form": form,
                "errors": form_errors(form),
                "outcome": SearchOutcome(query=request.GET.get("q", "")),
            },
            status=400,
        )
    try:
        outcome = search_passages(form, request.build_absolute_uri)
    except PageOutOfRange as error:
        raise Http404(_("There is no such page of results.")) from error
    expand_off = request.GET.copy()
    expand_off["expand"] = "0"
    outcome = with_links(request, outcome)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "outcome": outcome,
            "active": [row for rows in outcome.facets.values() for row in rows if row["selected"]],
            "year_max": max((r["count"] for r in outcome.facets.get("year", [])), default=0),
            "expand_off": "?" + expand_off.urlencode(),
        },
    )
