"""GET /api/health/: whether search answers, for load balancers and monitoring."""

from django.conf import settings
from ninja import Router, Status

from api.schemas import Health
from search.engine import engine
from search.models import IndexTask

router = Router()


@router.get(
    "",
    response={200: Health, 503: Health},
    url_name="health",
    operation_id="health",
    summary="Whether search can answer, on which engine, and the index queue",
    openapi_extra={
        "responses": {
            200: {"description": "Search answers."},
            503: {"description": "Search cannot answer now; `reason` says why."},
        }
    },
)
def health(request):
    queued = IndexTask.objects.count()
    try:
        found = engine()
        index = found.status()
    except Exception as error:
        # Whatever stops the engine answering (a node down, an unreadable index) is the reason.
        reason = str(error) or type(error).__name__
        down = Health(
            status="unavailable",
            engine=settings.SEARCH_ENGINE,
            index={},
            queue=queued,
            reason=reason,
        )
        return Status(503, down)
    return Status(200, Health(status="ok", engine=found.name, index=index, queue=queued))
