"""GET /api/documents/ (the catalogue) and /api/documents/<slug>/<n>/ (a permanent passage)."""

from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Router

from api.schemas import HTML_404, SLUG_PATTERN, DocumentList, Error, Passage
from archive.models import Document
from archive.references import Moved, published_document
from archive.views import moved_to

router = Router()


@router.get(
    "",
    response=DocumentList,
    url_name="documents",
    operation_id="listDocuments",
    summary="The published documents",
    openapi_extra={"responses": {200: {"description": "The catalogue."}}},
)
def documents(request):
    return {"results": Document.objects.published().with_passage_counts()}


@router.get(
    "{slug:slug}/{int:n}/",
    response={200: Passage, 301: None, 404: Error},
    url_name="passage",
    operation_id="getPassage",
    summary="One passage, with its published annotations",
    openapi_extra={
        "responses": {
            200: {"description": "The passage (a withdrawn one too, with its last text)."},
            301: {
                "description": "The document was renamed: the same passage under the new slug "
                "(the query string kept).",
                "headers": {
                    "Location": {
                        "description": "/api/documents/<new slug>/<n>/",
                        "schema": {"type": "string"},
                    }
                },
            },
            404: {
                "description": "No such passage in a published document.",
                "content": HTML_404,
            },
        }
    },
)
def passage(
    request,
    slug: Annotated[
        str, Path(pattern=SLUG_PATTERN, description="The document's slug (a former one redirects).")
    ],
    n: Annotated[int, Path(ge=0, description="The passage's number in its document.")],
):
    try:
        document = published_document(slug)
    except Moved as moved:
        return moved_to(request, moved.document, "api:passage", n=n)
    passage = document.passages.filter(n=n).first()
    if passage is None:
        raise Http404(_("No such passage."))
    return passage
