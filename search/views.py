"""The search page: a thin view over `search.service` (the JSON API is api.search)."""

import dataclasses

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from search.engine import EngineUnavailable
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
    """The outcome with every facet row given the link that switches it on or off (a copy: the
    outcome itself may be shared through the result cache)."""
    facets = {
        facet: [{**row, "toggle": toggled(request.GET, facet, row["value"])} for row in rows]
        for facet, rows in outcome.facets.items()
    }
    return dataclasses.replace(outcome, facets=facets)


def form_errors(form) -> list[str]:
    return [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]


def unavailable(request, form):
    """The search page saying that search cannot answer now (the reason goes to the log)."""
    message = _(
        "Search is unavailable at the moment: the search servers do not answer. Your query is "
        "kept below; please try again in a minute. Documents and passages can still be read."
    )
    response = render(
        request,
        "search/search.html",
        {
            "form": form,
            "errors": [message],
            "outcome": SearchOutcome(query=request.GET.get("q", "")),
        },
        status=503,
    )
    response["Retry-After"] = "30"
    return response


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
        raise Http404("There is no such page of results.") from error
    except EngineUnavailable:
        return unavailable(request, form)
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
