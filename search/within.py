"""The reader pages' searches (`archive.finding` asks them): the passages of one document a
query finds, and a passage opened from a hit, its words marked, with the way back and on.

Both match as the search page does: the same form, plan and engine, with a document filter,
and the same highlighting (`search.highlight`)."""

from django.http import QueryDict
from django.urls import reverse

from archive.concepts.tagging import current_thesaurus
from archive.finding import FromHit, InDocument
from archive.links import passage_path
from search.forms import SearchForm
from search.highlight import mark, matches
from search.service import every_hit, highlight_marks, hits_at, planned
from search.views import form_errors

# The parameters a hit's link adds for the passage page itself (not the search's).
OWN_PARAMS = ("hit", "rev")


def in_document(document, query: str) -> InDocument:
    """The document's passages the query finds, in document order, their words marked."""
    found = InDocument(query=query)
    form = SearchForm({"q": query, "document": [document.slug], "sort": "document"})
    if not form.is_valid():
        found.errors = form_errors(form)
        return found
    search = planned(form, current_thesaurus())
    found.notices = search.compiled.parsed.notices
    terms = highlight_marks(search.compiled)
    _, hits = every_hit(search, cap=document.passages.count())
    for hit in hits:
        found.marked[hit.n] = mark(hit.text, matches(hit.text, terms, hit.language))
    return found


def search_params(params) -> QueryDict:
    """The search's own parameters among a passage page's."""
    query = params.copy()
    for name in OWN_PARAMS:
        query.pop(name, None)
    return query


def from_hit(params, passage, text: str) -> FromHit:
    """A passage opened with a search: the searched words marked in `text`; with the hit's
    rank (`hit`), the results page it was on and the next hit."""
    query = search_params(params)
    found = FromHit(query=query.get("q", ""))
    form = SearchForm(query)
    if not form.is_valid():
        # The words are still marked; the filters that could not be read are left out.
        form = SearchForm({"q": found.query})
        if not form.is_valid():
            return found
        query = QueryDict(mutable=True)
        query["q"] = found.query
    search = planned(form, current_thesaurus())
    terms = highlight_marks(search.compiled)
    found.marked = mark(text, matches(text, terms, passage.effective_language)) if terms else ""
    if "<mark>" not in found.marked:
        found.marked = ""
    rank = params.get("hit", "")
    found.results_url = reverse("search:search") + "?" + query.urlencode()
    if not rank.isdigit() or int(rank) < 1 or search.query is None:
        return found
    found.rank = int(rank)
    following = hits_at(search, found.rank, found.rank + 1)
    if following:
        hit = following[0]
        onward = query.copy()
        size = form.cleaned_data["page_size"]
        onward["page"] = str(found.rank // size + 1)
        onward["hit"] = str(found.rank + 1)
        url = passage_path(hit.slug, hit.n)
        found.next_url = f"{url}?{onward.urlencode()}"
    return found
