"""The read-only Web Annotation API: published annotations as W3C JSON-LD, with paging.

GET /api/annotations/?document=<slug>&passage=<slug>:<n>&page=<n>&page_size=<n>
GET /api/annotations/<uuid>/
"""

import json
from functools import wraps
from urllib.parse import urlencode

from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from annotations.w3c import MEDIA_TYPE, annotation_page, annotation_to_w3c, collection
from annotations.w3c import public_annotations as published
from archive.aliases import resolve_document

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class BadRequest(Exception):
    """A query parameter the API cannot use; answered with 400 and the reason."""


def ld_json_view(view):
    """A read-only JSON-LD endpoint: GET and HEAD only, errors answered as JSON."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            data = view(request, *args, **kwargs)
        except Http404 as error:
            return JsonResponse({"error": str(error) or "not found"}, status=404)
        except BadRequest as error:
            return JsonResponse({"error": str(error)}, status=400)
        body = json.dumps(data, ensure_ascii=False, indent=1)
        return HttpResponse(body, content_type=MEDIA_TYPE)

    return wrapper


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def number(request, name: str, default: int, top: int | None = None) -> int:
    """A whole-number query parameter in 1..top; BadRequest otherwise."""
    raw = request.GET.get(name) or str(default)
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or (top and int(raw) > top):
        limit = f" from 1 to {top}" if top else " from 1"
        raise BadRequest(f"{name} must be a whole number{limit}")
    return int(raw)


def filtered(request):
    """Published annotations narrowed by ?document= and ?passage=, and the filters used."""
    annotations, used = published(), {}
    slug = request.GET.get("document")
    if slug:
        document, _former = resolve_document(slug)
        if not document or not document.published:
            raise Http404(f"no document {slug!r}")
        annotations, used["document"] = annotations.filter(passage__document=document), slug
    ref = request.GET.get("passage")
    if ref:
        slug, _, n = ref.rpartition(":")
        if not slug or not (n.isascii() and n.isdigit()):
            raise BadRequest("passage must be a reference <slug>:<n>")
        document, _former = resolve_document(slug)
        if not document or not document.published:
            raise Http404(f"no document {slug!r}")
        annotations = annotations.filter(passage__document=document, passage__n=int(n))
        used["passage"] = ref
    return annotations, used


@ld_json_view
def annotations(request):
    """The published annotations as an AnnotationCollection, or one AnnotationPage of it."""
    found, used = filtered(request)
    page_size = number(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if "page_size" in request.GET:
        used["page_size"] = page_size
    id_url = request.build_absolute_uri(request.path) + (f"?{urlencode(used)}" if used else "")
    if "page" not in request.GET:
        return collection(found, base_url(request), id_url=id_url, page_size=page_size)
    page = number(request, "page", 1)
    try:
        return annotation_page(
            found, base_url(request), id_url=id_url, page=page, page_size=page_size
        )
    except EmptyPage as error:
        raise Http404("page out of range") from error


@ld_json_view
def annotation(request, uuid):
    """One published annotation as a W3C Web Annotation; 404 for drafts and unknown ids."""
    found = get_object_or_404(published(), uuid=uuid)
    return annotation_to_w3c(found, base_url(request))
