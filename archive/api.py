"""The read-only JSON API for documents and passages (contract in DESIGN.md)."""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from annotations.rendering import render_body
from archive.models import Document, Passage, PassageAlias
from archive.references import Moved, published_document
from archive.views import moved_to


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
        "replaced_by": replaced_by(passage),
        "annotations": [annotation_json(a) for a in passage.annotations.readable()],
    }


def annotation_json(annotation) -> dict:
    """A published annotation with both W3C selectors, offsets into this passage's `text`."""
    return {
        "id": str(annotation.uuid),
        "motivation": annotation.motivation,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "start": annotation.start,
        "end": annotation.end,
        "body": annotation.body,
        "body_html": render_body(annotation.body),
        "language": annotation.body_language,
        "tags": annotation.tag_list,
        "anchor": annotation.anchor_status,
        "modified": annotation.modified_at.isoformat(),
    }


def replaced_by(passage: Passage) -> list[str]:
    """References of the passages a merged or split passage now lives on in."""
    alias = PassageAlias.objects.filter(document=passage.document, n=passage.n).first()
    return [p.ref for p in alias.targets.order_by("n")] if alias else []


def json_view(view):
    """A read-only JSON endpoint: GET and HEAD only, errors answered as JSON too."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            data = view(request, *args, **kwargs)
            if isinstance(data, HttpResponsePermanentRedirect):
                return data
        except Http404 as error:
            return JsonResponse({"error": str(error) or "not found"}, status=404)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    return wrapper


@json_view
def documents(request):
    docs = Document.objects.published().with_passage_counts()
    return {"results": [document_json(d, request) for d in docs]}


@json_view
def passage(request, slug, n):
    try:
        document = published_document(slug)
    except Moved as moved:
        return moved_to(request, moved.document, "api:passage", n=n)
    return passage_json(get_object_or_404(document.passages, n=n), request)
