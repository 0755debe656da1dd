"""GET /api/search/: the search page's search as JSON. SearchForm is its specification: it checks
the parameters, and the OpenAPI document lists them from it."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from api.errors import BadParameters
from api.form_parameters import form_parameters, vocabulary
from api.plain import as_json
from api.schemas import SLUG_PATTERN, Error, InvalidParameters, SearchResponse
from archive.models import Concept, Document
from search.forms import DEFAULT_PAGE_SIZE, SearchForm, note_tags
from search.service import PageOutOfRange, search_passages

OPERATION = "searchPassages"
# The years SearchForm.year accepts (search.forms.YearsField checks them in code).
YEARS = {"type": "integer", "minimum": 1500, "maximum": 2099}
DESCRIPTIONS = {
    "q": 'The query: words (all must match), "exact phrases", OR, -exclude or NOT word, prefix* '
    "and fuzzy~. A query the parser cannot read is searched as plain words and `notices` says "
    "so; control characters are dropped. Empty: no text condition.",
    "language": "Passages in these languages.",
    "document": "Passages of these documents; an unknown slug is refused (400).",
    "year": "Passages that mention these years.",
    "year_from": "Passages that mention a year from this one on (with year_to: in the range, "
    "both ends included). Later than year_to: refused (400).",
    "year_to": "Passages that mention a year up to this one (with year_from: in the range). "
    "With chosen years (year), the chosen years inside the range are kept; none inside: 400.",
    "concept": "Passages tagged with these concepts; an unknown slug is refused (400).",
    "annotated": "Only passages with (yes) or without (no) published notes.",
    "note_tag": "Passages whose published notes carry these tags.",
    "sort": "relevance (the default) or document order.",
    "page": "The page of results (default 1).",
    "page_size": f"Results per page (default {DEFAULT_PAGE_SIZE}).",
    "expand": "0 turns the thesaurus expansion of names off (default on).",
}

router = Router()


@router.get(
    "",
    response={200: SearchResponse, 400: InvalidParameters, 404: Error, 503: Error},
    url_name="search",
    operation_id=OPERATION,
    summary="Search passages, with facets, highlighting and a suggestion",
    openapi_extra={
        "responses": {
            200: {"description": "The page of results (empty when nothing was searched)."},
            400: {"description": "A parameter has a value the search cannot use."},
            404: {"description": "The page lies past the last page of results."},
            503: {"description": "The search engine cannot answer now; `error` says why."},
        }
    },
)
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadParameters({name: list(errors) for name, errors in form.errors.items()})
    try:
        # Facet labels come in the reader's language (search_passages labels them per request).
        outcome = search_passages(form, request.build_absolute_uri)
    except PageOutOfRange as error:
        raise Http404(_("page out of range")) from error
    return answer(outcome)


def answer(outcome) -> HttpResponse:
    """The outcome as SearchResponse says (`api.plain`: the API's busiest answer, some 70 KB for
    a page of 20 hits with its facets, is written without building a model of each part)."""
    return HttpResponse(as_json(SearchResponse, outcome), content_type="application/json")


def parameters() -> list[dict]:
    """The search's parameters, with the documents, concepts and note tags the archive holds."""
    return form_parameters(
        SearchForm,
        DESCRIPTIONS,
        {
            "document": vocabulary(
                Document.objects.published().values_list("slug", flat=True), SLUG_PATTERN
            ),
            "year": YEARS,
            "concept": vocabulary(Concept.objects.values_list("slug", flat=True), "^[a-z0-9-]+$"),
            "note_tag": vocabulary(note_tags()),
        },
    )


def with_parameters(operations: dict) -> None:
    """The search's parameters in the OpenAPI document (ninja sees none: the form reads them)."""
    operations[OPERATION]["parameters"] = parameters()
