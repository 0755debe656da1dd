"""Measuring the archive's own search: the index rebuild and the search page's queries.

Everything goes through the project's code: the `rebuild_index` command (the project's own,
which replaces haystack's) for the rebuild, and for queries the search page's own
`search.views.bound_form` on a request, run by `search.service.search_passages`.
"""

import os
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from haystack import connections
from whoosh.index import open_dir

from bench.queries import QuerySpec
from search.service import search_passages
from search.views import bound_form

REBUILD_BATCH = 1_000
PAGE_SIZE = 20


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


@dataclass
class Rebuild:
    seconds: float
    passages: int
    index_bytes: int
    index_segments: int


class ProgressStream:
    """Where the command writes its "  done/total passages" lines (verbosity 2): to a callback."""

    LINE = re.compile(r"(\d+)/(\d+) passages")

    def __init__(self, progress: Callable[[int], None] | None):
        self.progress = progress

    def write(self, text: str):
        match = self.LINE.search(text)
        if match and self.progress:
            self.progress(int(match[1]))

    def flush(self):
        pass


def rebuild_index(progress: Callable[[int], None] | None = None) -> Rebuild:
    """A full rebuild as `make setup` runs it: `manage.py rebuild_index --noinput`, here with
    `--batch-size 1000`."""
    start = perf_counter()
    call_command(
        "rebuild_index",
        interactive=False,
        batchsize=REBUILD_BATCH,
        verbosity=2,
        stdout=ProgressStream(progress),
    )
    seconds = perf_counter() - start
    # Read apart from the backend, whose searcher is opened (and timed) by open_searcher().
    path = os.path.realpath(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    reader = open_dir(path).reader()
    try:
        passages = reader.doc_count()
        segments = 1 if reader.is_atomic() else len(list(reader.leaf_readers()))
    finally:
        reader.close()
    return Rebuild(seconds, passages, folder_size(Path(path)), segments)


def open_searcher() -> float:
    """Seconds the first search pays once per index generation: the long-lived searcher is
    opened and its arrays are read (`ArchiveWhooshBackend.state`)."""
    backend = connections["default"].get_backend()
    start = perf_counter()
    backend.state()
    return perf_counter() - start


REQUESTS = RequestFactory()


def request_for(spec: QuerySpec, *, expand: bool = True):
    """A GET request to the search page as a browser would send it for this query."""
    params: dict[str, object] = {"q": spec.q, "page_size": str(PAGE_SIZE)}
    params.update({name: list(values) for name, values in spec.filters.items()})
    if not expand:
        params["expand"] = "0"
    host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h and not h.startswith(".")), "")
    return REQUESTS.get("/search/", params, HTTP_HOST=host or "localhost")


@dataclass
class Run:
    """One query run: seconds, what it found, or the error it raised."""

    seconds: float
    count: int = 0
    hits: int = 0
    suggestion: str | None = None
    error: str = ""
    facet_values: int = 0


def run_query(spec: QuerySpec, *, expand: bool = True) -> Run:
    """Bind the form, validate it and run `search_passages`, as the search page does (its
    template rendering is left out)."""
    request = request_for(spec, expand=expand)
    start = perf_counter()
    try:
        form = bound_form(request)
        if not form.is_valid():
            return Run(perf_counter() - start, error=f"invalid form: {form.errors.as_json()}")
        outcome = search_passages(form, request.build_absolute_uri)
    except Exception as error:  # a crash is reported with the query, not fatal to the run
        seconds = perf_counter() - start
        tb = traceback.format_exc(limit=-4)
        return Run(seconds, error=f"{type(error).__name__}: {error}\n{tb}")
    seconds = perf_counter() - start
    return Run(
        seconds,
        count=outcome.count,
        hits=len(outcome.hits),
        suggestion=outcome.suggestion,
        facet_values=sum(len(rows) for rows in outcome.facets.values()),
    )


@dataclass
class QueryResults:
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    unexpanded: list[Run] = field(default_factory=list)


def run_queries(specs: list[QuerySpec], *, unexpanded: bool = True) -> QueryResults:
    """Each query once (its first run: cold), then all again (warm); then, for comparison with
    FTS5 which has no thesaurus, once more with the thesaurus expansion off (expand=0)."""
    results = QueryResults()
    # A server has loaded its URL patterns before it searches (its first request did); results
    # link through them (reverse), which would otherwise charge the first query for loading.
    reverse("archive:home")
    results.cold = [run_query(spec) for spec in specs]
    results.warm = [run_query(spec) for spec in specs]
    if unexpanded:
        results.unexpanded = [run_query(spec, expand=False) for spec in specs]
    return results


def same_results(specs: list[QuerySpec]) -> dict[str, list[str]]:
    """For each query (thesaurus on, as on the search page) whose fast evaluation differs from
    Whoosh's matchers, what differs (`search.engine.whoosh.equivalence`); empty when all agree."""
    from archive.concepts.tagging import current_thesaurus
    from search.engine.whoosh.equivalence import compare_query

    thesaurus = current_thesaurus()
    found = {}
    for spec in specs:
        problems = compare_query(spec.q, spec.index_filters, thesaurus=thesaurus)
        if problems:
            found[spec.label] = problems
    return found


def search_after_edit() -> float:
    """Seconds the first search pays after an edit: one passage is reindexed (a new small
    segment, the old entry deleted), then the searcher and its arrays are opened again; only
    the new segment is read (`search.engine.whoosh.postings.SEGMENTS`)."""
    from archive.models import Passage
    from search.indexing import reindex_passages

    backend = connections["default"].get_backend()
    backend.state()
    pk = Passage.objects.published().order_by("pk").values_list("pk", flat=True).last()
    reindex_passages([pk])
    start = perf_counter()
    backend.state()
    return perf_counter() - start
