"""Every error of the API in one shape: `{"error": …}`, and for a 400 the reasons by parameter.

A bad parameter answers 400, whether the search form or ninja's own validation refuses it (ninja
would say 422); a missing thing 404; a method other than GET or HEAD 405; a search the engine
cannot answer now 503, with the reason. The reasons are in the interface language the request
asks for (the language cookie, else Accept-Language), English by default; the keys and the shape
never change.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import HttpError, ValidationError

from api.schemas import Error, InvalidParameters
from search.engine import EngineUnavailable

ALLOWED_METHODS = ("GET", "HEAD")
# Pydantic's reasons (English only) by error type, as the archive's forms say them.
VALIDATION_REASONS = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "greater_than_equal": gettext_lazy("Ensure this value is greater than or equal to {ge}."),
    "less_than_equal": gettext_lazy("Ensure this value is less than or equal to {le}."),
    "string_pattern_mismatch": gettext_lazy("Enter a valid value."),
    "uuid_parsing": gettext_lazy("Enter a valid UUID."),
    "reference": gettext_lazy("Enter a passage reference <slug>:<n>."),
}


class BadParameters(Exception):
    """Query parameters the API cannot use: the reasons, by parameter name."""

    def __init__(self, details: dict[str, list[str]]):
        super().__init__(details)
        self.details = details


def answer(api, request: HttpRequest, status: int, error: Error) -> HttpResponse:
    return api.create_response(request, error.model_dump(), status=status)


def invalid_parameters(api, request, details) -> HttpResponse:
    return answer(
        api, request, 400, InvalidParameters(error=_("invalid parameters"), details=details)
    )


def validation_details(error: ValidationError) -> dict[str, list[str]]:
    """Ninja's validation errors by parameter (a location is ("query", name, …))."""
    details: dict[str, list[str]] = {}
    for item in error.errors:
        name = item["loc"][1] if len(item["loc"]) > 1 else item["loc"][0]
        details.setdefault(str(name), []).append(validation_reason(item))
    return details


def validation_reason(item: dict) -> str:
    """One of ninja's validation errors as a person reads it, in the interface language."""
    reason = VALIDATION_REASONS.get(item.get("type"))
    if reason is None:
        return item["msg"]
    return str(reason).format(**item.get("ctx", {}))


def not_found(api, request, error: Http404) -> HttpResponse:
    return answer(api, request, 404, Error(error=str(error) or _("not found")))


def not_allowed(api, request) -> HttpResponse:
    response = answer(api, request, 405, Error(error=_("method not allowed")))
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def unavailable(api, request, error: EngineUnavailable) -> HttpResponse:
    message = _("search is unavailable: %(reason)s") % {"reason": error}
    response = answer(api, request, 503, Error(error=message))
    response["Retry-After"] = "30"
    return response


def install(api) -> None:
    """Answer the API's errors in its one shape."""
    api.add_exception_handler(
        BadParameters, lambda request, exc: invalid_parameters(api, request, exc.details)
    )
    api.add_exception_handler(
        ValidationError,
        lambda request, exc: invalid_parameters(api, request, validation_details(exc)),
    )
    api.add_exception_handler(Http404, lambda request, exc: not_found(api, request, exc))
    api.add_exception_handler(
        EngineUnavailable, lambda request, exc: unavailable(api, request, exc)
    )
    api.add_exception_handler(
        HttpError, lambda request, exc: answer(api, request, exc.status_code, Error(error=str(exc)))
    )
