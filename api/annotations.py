"""The Web Annotation API: published annotations as W3C JSON-LD, with paging.

GET /api/annotations/?document=<slug>&passage=<slug>:<n>&page=<n>&page_size=<n>
GET /api/annotations/<uuid>/
"""

import re
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Path, Query, Router, Schema
from pydantic import field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError, PydanticUseDefault

from annotations.w3c import MEDIA_TYPE, annotation_page, annotation_to_w3c, collection
from annotations.w3c import public_annotations as published
from api.schemas import HTML_404, AnnotationList, Error, InvalidParameters, WebAnnotation
from archive.aliases import resolve_document

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
OPERATIONS = ("listAnnotations", "getAnnotation")
# A passage reference: the slug is everything before the last colon, the number ASCII digits.
REFERENCE = r"^[\s\S]+:[0-9]+$"

router = Router(by_alias=True, exclude_unset=True)


class AnnotationFilters(Schema):
    """What to list: all published annotations, or a document's, or a passage's; paged or not."""

    document: str | SkipJsonSchema[None] = Field(
        None, description="Only the annotations of this document (its slug or a former slug)."
    )
    passage: str | SkipJsonSchema[None] = Field(
        None,
        json_schema_extra={"pattern": REFERENCE},
        description="Only the annotations of this passage (its reference <slug>:<n>).",
    )
    # None when not given (a default is not validated): no union, so a bad value has one reason.
    page: int = Field(
        None, ge=1, description="Answer with this AnnotationPage instead of the collection."
    )
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Annotations per page (default {DEFAULT_PAGE_SIZE}).",
    )

    @field_validator("*", mode="before")
    @classmethod
    def empty_is_absent(cls, value):
        # `page=` counts as not given, as in a form left blank.
        if value == "":
            raise PydanticUseDefault
        return value

    @field_validator("passage")
    @classmethod
    def reference(cls, value):
        if value is not None and not re.fullmatch(REFERENCE, value):
            raise PydanticCustomError("reference", "Enter a passage reference <slug>:<n>.")
        return value


def published_document(slug: str):
    document, _former = resolve_document(slug)
    if not document or not document.published:
        raise Http404(gettext("no document %(slug)r") % {"slug": slug})
    return document


def filtered(filters: AnnotationFilters):
    """Published annotations narrowed by document and passage, and the filters used."""
    annotations, used = published(), {}
    if filters.document:
        document = published_document(filters.document)
        annotations = annotations.filter(passage__document=document)
        used["document"] = filters.document
    if filters.passage:
        slug, _, n = filters.passage.rpartition(":")
        document = published_document(slug)
        annotations = annotations.filter(passage__document=document, passage__n=int(n))
        used["passage"] = filters.passage
    return annotations, used


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.get(
    "",
    response={200: AnnotationList, 400: InvalidParameters, 404: Error},
    url_name="annotations",
    operation_id="listAnnotations",
    summary="Published annotations as a W3C AnnotationCollection or one page",
    openapi_extra={
        "responses": {
            200: {
                "description": "Without `page`: the AnnotationCollection with its first page "
                "embedded; with `page`: that AnnotationPage."
            },
            400: {"description": "page, page_size or passage is malformed."},
            404: {"description": "No such published document, or no such page."},
        }
    },
)
def annotations(request, response: HttpResponse, filters: Query[AnnotationFilters]):
    response["Content-Type"] = MEDIA_TYPE
    found, used = filtered(filters)
    if "page_size" in request.GET:
        used["page_size"] = filters.page_size
    id_url = request.build_absolute_uri(request.path) + (f"?{urlencode(used)}" if used else "")
    if "page" not in request.GET:
        return collection(found, base_url(request), id_url=id_url, page_size=filters.page_size)
    try:
        return annotation_page(
            found,
            base_url(request),
            id_url=id_url,
            page=filters.page or 1,
            page_size=filters.page_size,
        )
    except EmptyPage as error:
        raise Http404(gettext("page out of range")) from error


@router.get(
    "{uuid:uuid}/",
    response={200: WebAnnotation, 404: Error},
    url_name="annotation",
    operation_id="getAnnotation",
    summary="One published annotation as a W3C Web Annotation",
    openapi_extra={
        "responses": {
            200: {"description": "The annotation (JSON-LD)."},
            404: {
                "description": "No published annotation has this identifier.",
                "content": HTML_404,
            },
        }
    },
)
def annotation(
    request,
    response: HttpResponse,
    uuid: Annotated[UUID, Path(description="The annotation's identifier.")],
):
    """One published annotation; 404 for drafts and unknown ids."""
    response["Content-Type"] = MEDIA_TYPE
    annotation = published().filter(uuid=uuid).first()
    if annotation is None:
        raise Http404(gettext("No such annotation."))
    return annotation_to_w3c(annotation, base_url(request))


def as_json_ld(operations: dict) -> None:
    """These operations answer JSON-LD in the OpenAPI document (ninja says JSON)."""
    for name in OPERATIONS:
        ok = operations[name]["responses"][200]
        ok["content"] = {MEDIA_TYPE: ok["content"].pop("application/json")}
