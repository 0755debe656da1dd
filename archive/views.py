"""Reader pages: the overview, the catalogue, a document's text, and a passage's permalink."""

from django.db.models import Count, Sum
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from archive import finding
from archive.citation import passage_citation
from archive.diff import word_diff_html
from archive.links import passage_path
from archive.metadata import document_metadata, passage_metadata
from archive.models import Document, Language, Passage, PassageAlias
from archive.references import Moved, cited_passage, published_document


def moved_to(request, document, name, **kwargs):
    """A permanent redirect to the same page under the document's current slug."""
    url = reverse(name, kwargs={"slug": document.slug, **kwargs})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_safe
def home(request):
    documents = Document.objects.published().with_passage_counts()
    passages = Passage.objects.published()
    languages = dict(Language.choices)
    by_language = [
        {
            "code": row["language"],
            "label": languages.get(row["language"], row["language"]),
            "passages": row["n"],
        }
        for row in passages.values("language").annotate(n=Count("id")).order_by("-n")
    ]
    return render(
        request,
        "archive/home.html",
        {
            "documents": documents,
            "passage_total": passages.count(),
            "word_total": passages.aggregate(words=Sum("word_count"))["words"] or 0,
            "by_language": by_language,
        },
    )


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: they get the archive's icon (a
    temporary redirect, as the icon's static name may carry a hash of its content)."""
    return HttpResponseRedirect(static("archive/favicon.svg"))


@require_safe
def document_list(request):
    documents = Document.objects.published().with_passage_counts()
    return render(request, "archive/document_list.html", {"documents": documents})


def with_matches(passages: list, found: finding.InDocument) -> list:
    """The passages, each matching one given its marked text and the previous and next
    matches' numbers (for the reader's links between them)."""
    order = found.order
    place = {n: i for i, n in enumerate(order)}
    for passage in passages:
        i = place.get(passage.n)
        passage.marked = found.marked.get(passage.n, "")
        passage.previous_match = order[i - 1] if i else None
        passage.next_match = order[i + 1] if i is not None and i + 1 < len(order) else None
    return passages


@require_safe
def document_detail(request, slug):
    try:
        document = published_document(slug)
    except Moved as moved:
        return moved_to(request, moved.document, "archive:document")
    # The notes too, for each passage's badge: what readers may see of them is the annotations
    # app's rule, asked in the template.
    passages = document.passages.current().order_by("position").prefetch_related("annotations")
    query = request.GET.get("q", "")
    found = finding.in_document(document, query)
    if found:
        passages = with_matches(list(passages), found)
    return render(
        request,
        "archive/document_detail.html",
        {
            "document": document,
            "passages": passages,
            "query": query,
            "found": found,
            "withdrawn": document.passages.filter(withdrawn=True).order_by("n"),
            "metadata": document_metadata(
                document,
                request.build_absolute_uri(document.get_absolute_url()),
                language=get_language(),
            ),
        },
    )


@require_safe
def passage_detail(request, slug, n):
    try:
        document = published_document(slug)
    except Moved as moved:
        return moved_to(request, moved.document, "archive:passage", n=n)
    cited = cited_passage(document, n, request.GET.get("rev"))
    passage, shown = cited.passage, cited.shown
    # Only a merge or a split leaves an alias, and each withdraws the passage first; the date it
    # was withdrawn stays when a re-import brings it back. A passage never withdrawn has none.
    alias = None
    if passage.withdrawn_at is not None:
        aliases = PassageAlias.objects.filter(document=document, n=n).prefetch_related("targets")
        alias = aliases.first()
    if alias and alias.kind == "merge" and not cited.revision_asked:
        return HttpResponsePermanentRedirect(alias.targets.get().get_absolute_url())
    previous = next_ = None
    if passage.position is not None:
        previous, next_ = document.passages.current().numbers_around(passage.position)
    page_url = cited.url(request.build_absolute_uri)
    search = finding.from_hit(request.GET, passage, cited.text)
    # Notes are anchored to the current text: an earlier revision is shown without them. Few
    # passages have notes, and asking whether one has any costs a tenth of reading them.
    has_notes = not shown and passage.annotations.exists()
    # A concept a note identifies is shown by its name in the interface language: its labels
    # are read for all the notes at once, not for each note.
    readable = passage.annotations.readable().with_links().prefetch_related("link_concept__labels")
    notes = list(readable) if has_notes else []
    # One language for the whole citation: the reader's interface language.
    language = get_language()
    return render(
        request,
        "archive/passage_detail.html",
        {
            "document": document,
            "passage": passage,
            "revisions": cited.revisions,
            "restored": next((r for r in reversed(cited.revisions) if r.reason == "restore"), None),
            "shown": shown,
            "text": cited.text,
            "section": cited.section,
            "revised_on": cited.reworded.created_at if cited.reworded else None,
            "diff": word_diff_html(shown.text, passage.text) if cited.reworded else "",
            "notes": notes,
            "alias": alias,
            "canonical_url": request.build_absolute_uri(passage.get_absolute_url()),
            "citation": passage_citation(
                passage, page_url, revision=cited.number, language=language
            ),
            "revision": shown.number if shown else None,
            "metadata": passage_metadata(
                passage, page_url, revision=cited.number, language=language
            ),
            "previous": previous,
            "previous_url": passage_path(document.slug, previous) if previous else "",
            "next": next_,
            "next_url": passage_path(document.slug, next_) if next_ else "",
            "search": search,
        },
    )
