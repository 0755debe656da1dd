"""The search page: a thin view over `search.service` (the JSON API is api.search)."""

import dataclasses
from urllib.parse import quote, urlencode

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive.links import document_path
from search.engine import EngineUnavailable
from search.exports import EXPORT_CAP, EXPORTS, exported_hits, passages
from search.facets import BY_NAME, FACETS
from search.forms import SearchForm, range_label
from search.service import PageOutOfRange, SearchOutcome, search_passages

# What the year range is set by in addresses.
RANGE_PARAMS = ("year_from", "year_to")


def bound_form(request) -> SearchForm:
    return SearchForm(request.GET)


def changed(params, values: dict[str, list[str]], appended=()) -> str:
    """The query string of `params` with these parameters' values replaced where they stand
    (an empty list drops one, a new one comes last), then the `appended` pairs, and paging
    reset: what QueryDict's setlist, pop and urlencode give, from pairs. A results page builds
    a link for each facet row, and a QueryDict copy for each took most of its time."""
    replaced = {**values, "page": []}
    pairs = [
        (key, value)
        for key, old in params.lists()
        for value in (replaced.pop(key) if key in replaced else old)
    ]
    pairs += [(key, value) for key, new in replaced.items() for value in new]
    return "?" + urlencode([*pairs, *appended])


def toggled(params, name: str, value: str) -> str:
    """The query string with facet `name`'s value switched on or off (and paging reset)."""
    values = params.getlist(name)
    if BY_NAME[name].one_choice:
        # One answer at a time (with notes, or without): another replaces it.
        return changed(params, {name: [] if value in values else [value]})
    on = [v for v in values if v != value] if value in values else [*values, value]
    return changed(params, {name: on})


def year_range_link(params, year: str) -> str:
    """The query string a histogram bar links to: that year alone; with one year chosen
    already, the range from it to this one (two clicks make a range); the chosen year again,
    no range. The range replaces chosen years (`year`), and paging is reset."""
    low, high = params.get("year_from"), params.get("year_to")
    dropped = dict.fromkeys(("year", *RANGE_PARAMS), [])
    if low == high == year:
        return changed(params, dropped)
    if low is not None and low == high and low.isdigit():
        low, high = sorted([int(low), int(year)])
    else:
        low = high = year
    return changed(params, dropped, [("year_from", str(low)), ("year_to", str(high))])


def without(params, *names: str) -> str:
    return changed(params, dict.fromkeys(names, []))


# A long facet lists this many of its values, those with most hits, and every chosen one.
LISTED = {"document": 15, "concept": 15}


def listed(facet: str, rows: list[dict]) -> list[dict]:
    """The rows of a facet a page lists: the histogram the years with hits, a long facet its
    first rows and the chosen ones, any other facet every row."""
    if facet == "year":
        return [row for row in rows if row["count"]]
    limit = LISTED.get(facet)
    if limit is None:
        return rows
    return [row for n, row in enumerate(rows) if n < limit or row["selected"]]


def with_links(request, outcome: SearchOutcome) -> SearchOutcome:
    """The outcome with the facet rows a page lists (`listed`), each given the link that
    switches it on or off, every year of the histogram the link that sets the range (a copy:
    the outcome itself may be shared through the result cache)."""
    facets = {facet: listed(facet, rows) for facet, rows in outcome.facets.items()}

    def link(facet: str, value: str) -> str:
        # A bar of the histogram sets a range; any other row switches its value.
        if facet == "year":
            return year_range_link(request.GET, value)
        return toggled(request.GET, facet, value)

    facets = {
        facet: [{"lang": None, **row, "toggle": link(facet, row["value"])} for row in rows]
        for facet, rows in facets.items()
    }
    return dataclasses.replace(outcome, facets=facets)


def chips(request, form: SearchForm, outcome: SearchOutcome) -> list[dict]:
    """Every active filter with its label and the link that removes it, whatever the search
    found: at no results the filters are what a reader has to change."""
    found = []
    for facet in FACETS:
        chosen = form.cleaned_data.get(facet.name)
        chosen = [chosen] if facet.one_choice and chosen else chosen or []
        rows = {row["value"]: row for row in outcome.facets.get(facet.name, [])}
        for value in map(str, chosen):
            row = rows.get(value, {})
            found.append(
                {
                    "label": row.get("label", value),
                    "lang": row.get("lang"),
                    "toggle": toggled(request.GET, facet.name, value),
                }
            )
    span = form.year_range()
    if span is not None:
        label = _("Years %(range)s") % {"range": range_label(span.low, span.high)}
        found.append({"label": label, "toggle": without(request.GET, *RANGE_PARAMS)})
    return found


def export_links(request, outcome: SearchOutcome) -> list[dict]:
    """The whole result set in each export format, with the search's own parameters."""
    params = without(request.GET, "page_size")
    return [
        {"label": export.label, "url": reverse("search:export", kwargs={"fmt": fmt}) + params}
        for fmt, export in EXPORTS.items()
    ]


def hit_query(request) -> str:
    """What a hit's link adds to the passage's address: the search (query, filters, page) and,
    after it, the hit's rank, so that the passage marks the words and leads back and on."""
    query = request.GET.copy()
    query.pop("hit", None)
    params = query.urlencode()
    return f"?{params}&hit=" if params else "?hit="


def hit_rows(outcome: SearchOutcome, hit_query: str) -> list[dict]:
    """The page's hits as the result list shows them: each hit's fields, the link to its
    document at the passage (marking the query), and the link to the passage carrying the
    search and the hit's rank. Built here once a page: in the template each hit's links took
    filters and a dozen lookups, and a hit's fields were read through a failed subscript.
    The name of its link is translated once a page, not once a hit as {% blocktranslate %}
    did (its words are the translators', trusted as the template trusts them)."""
    at = f"?q={quote(outcome.query)}#p" if outcome.query else ""
    name = _("Passage %(n)s")
    return [
        {
            **vars(hit),
            "name": mark_safe(name % {"n": hit.n}),
            "document_url": document_path(hit.document["slug"]) + (f"{at}{hit.n}" if at else ""),
            "passage_url": f"{hit.url}{hit_query}{rank}",
        }
        for rank, hit in enumerate(outcome.hits, start=outcome.first)
    ]


def form_errors(form) -> list[str]:
    """Each refused parameter by its label, with the reasons, in the interface language."""
    return [
        f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    ]


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
        raise Http404(_("There is no such page of results.")) from error
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
            "active": chips(request, form, outcome),
            # Thesaurus matches that added no other label have nothing to list.
            "also_searched": [e for e in outcome.expansions if e.labels],
            "year_max": max((r["count"] for r in outcome.facets.get("year", [])), default=0),
            "expand_off": "?" + expand_off.urlencode(),
            "exports": export_links(request, outcome),
            "hits": hit_rows(outcome, hit_query(request)),
        },
    )


@require_safe
def export(request, fmt: str):
    """The whole result set of a search (the search page's parameters) in one format."""
    chosen = EXPORTS.get(fmt)
    if chosen is None:
        raise Http404(_("No such export format."))
    form = bound_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "\n".join(form_errors(form)) + "\n", content_type="text/plain; charset=utf-8"
        )
    total, hits = exported_hits(form)
    count = min(total, EXPORT_CAP)
    note = ""
    if total > count:
        note = _(
            "This export holds the first %(count)s of %(total)s passages found; narrow the "
            "search to export the rest."
        ) % {"count": count, "total": total}
    cited = (
        (passage, request.build_absolute_uri(passage.get_absolute_url()))
        for passage in passages(hits)
    )
    response = StreamingHttpResponse(
        chosen.write(cited, note, get_language()), content_type=chosen.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="search.{fmt}"'
    response["X-Result-Count"] = str(total)
    response["X-Export-Count"] = str(count)
    if note:
        # Machine-readable, in every interface language (the file's own note is the reader's).
        response["X-Export-Truncated"] = f"{count} of {total}"
    return response
