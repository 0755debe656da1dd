"""The read-only JSON API for documents and passages (contract in DESIGN.md)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from archive.models import Document, Passage


def document_json(document: Document, request) -> dict:
    return {
        "slug": document.slug,
        "title": document.title,
        "language": document.language,
        "source_file": document.source_file,
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "passages": document.passage_count,
        "source_url": document.source_url,
        "source_revision": document.source_revision,
        "checksum": document.checksum,
    }


def passage_json(passage: Passage, request) -> dict:
    document = passage.document
    return {
        "ref": passage.ref,
        "url": request.build_absolute_uri(passage.get_absolute_url()),
        "n": passage.n,
        "language": passage.language,
        "section": passage.section,
        "text": passage.text,
        "word_count": passage.word_count,
        "years": passage.years,
        "withdrawn": passage.withdrawn,
        "revision": passage.revisions.count(),
        "document": {
            "slug": document.slug,
            "title": document.title,
            "language": document.language,
            "source_file": document.source_file,
        },
        "annotations": [],
    }


def documents(request):
    docs = Document.objects.published().with_passage_counts()
    return JsonResponse({"results": [document_json(d, request) for d in docs]})


def passage(request, slug, n):
    found = get_object_or_404(
        Passage.objects.select_related("document").filter(document__published=True),
        document__slug=slug,
        n=n,
    )
    return JsonResponse(passage_json(found, request), json_dumps_params={"ensure_ascii": False})
