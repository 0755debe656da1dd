"""The archive's read-only JSON API: one NinjaAPI, a router per noun (contract in DESIGN.md)."""

import json
from functools import wraps

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import annotations, documents, errors, health, search


class Renderer(JSONRenderer):
    """JSON with its characters as they are (not \\u escapes); a JSON-LD document (it has an
    @context) indented for the people who read annotations."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        indent = 1 if isinstance(data, dict) and "@context" in data else None
        return json.dumps(data, cls=self.encoder_class, indent=indent, **self.json_dumps_params)


class ArchiveAPI(NinjaAPI):
    """A NinjaAPI that answers GET and HEAD only, says `application/json` as the archive always
    has (JSON is UTF-8 by definition, RFC 8259: no charset parameter), and lets routers finish
    their part of the OpenAPI document (`schema_hooks`, called with the operations by id).

    A single-valued query parameter may be sent empty (`page=`): it then counts as absent, as in
    a form left blank. Each value of a repeated one must be valid (`language=` is refused)."""

    def __init__(self, *, schema_hooks=(), **kwargs):
        super().__init__(**kwargs)
        self.schema_hooks = schema_hooks
        errors.install(self)

    def get_content_type(self) -> str:
        return self.renderer.media_type

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        operations = {
            operation["operationId"]: operation
            for item in schema["paths"].values()
            for operation in item.values()
        }
        for hook in self.schema_hooks:
            hook(operations)
        for operation in operations.values():
            for parameter in operation["parameters"]:
                if parameter["in"] == "query" and parameter["schema"].get("type") != "array":
                    parameter["allowEmptyValue"] = True
        return schema

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = read_only(self, pattern.callback)
        return patterns, app_name, namespace


def read_only(api, view):
    """A view that answers GET, and HEAD alike (the server drops a HEAD's body); any other method
    gets 405 in the API's error shape."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in errors.ALLOWED_METHODS:
            return errors.not_allowed(api, request)
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        # Ninja picks the operation by method; the HEAD is restored for the middleware and the
        # server, which leave its body out.
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return wrapper


api = ArchiveAPI(
    title="Soviet–German Relations Archive API",
    version="1.0",
    description="No login, GET (and HEAD) only: other methods answer 405. Every error is a JSON "
    'object with an "error" string; a 400 adds "details", the reasons by parameter. The values '
    "the search filters accept are those the archive holds when this document is served.",
    urls_namespace="api",
    renderer=Renderer(),
    docs_url=None,
    openapi_extra={
        "info": {
            "summary": "Read-only JSON: search passages, read documents, passages and notes.",
            "license": {"name": "See the archive's sources for their licences"},
        },
        "tags": [
            {"name": "search", "description": "Full-text search over every language"},
            {"name": "documents", "description": "The catalogue and permanent passages"},
            {"name": "annotations", "description": "Curators' published notes (W3C)"},
            {"name": "health", "description": "Whether search answers now"},
        ],
    },
    schema_hooks=(annotations.as_json_ld, search.with_parameters),
)
api.add_router("/search/", search.router, tags=["search"])
api.add_router("/documents/", documents.router, tags=["documents"])
api.add_router("/annotations/", annotations.router, tags=["annotations"])
api.add_router("/health/", health.router, tags=["health"])
