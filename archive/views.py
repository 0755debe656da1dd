"""Reader pages: the overview, the catalogue, a document's text, and a passage's permalink."""

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from archive.citation import passage_citation
from archive.models import Document, Language, Passage


def published_document(slug: str) -> Document:
    return get_object_or_404(Document.objects.published(), slug=slug)


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
def document_list(request):
    documents = Document.objects.published().with_passage_counts()
    return render(request, "archive/document_list.html", {"documents": documents})


@require_safe
def document_detail(request, slug):
    document = published_document(slug)
    passages = document.passages.current().order_by("position")
    return render(
        request,
        "archive/document_detail.html",
        {
            "document": document,
            "passages": passages,
            "withdrawn": document.passages.filter(withdrawn=True).order_by("n"),
        },
    )


@require_safe
def passage_detail(request, slug, n):
    document = published_document(slug)
    passage = get_object_or_404(document.passages, n=n)
    revisions = list(passage.revisions.order_by("number"))
    url = request.build_absolute_uri(passage.get_absolute_url())
    siblings = document.passages.current()
    previous = next_ = None
    if passage.position is not None:
        previous = siblings.filter(position__lt=passage.position).order_by("-position").first()
        next_ = siblings.filter(position__gt=passage.position).order_by("position").first()
    return render(
        request,
        "archive/passage_detail.html",
        {
            "document": document,
            "passage": passage,
            "revisions": revisions,
            "canonical_url": url,
            "citation": passage_citation(
                passage, url, revision=revisions[-1].number if revisions else None
            ),
            "previous": previous,
            "next": next_,
        },
    )
