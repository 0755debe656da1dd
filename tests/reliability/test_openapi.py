"""The OpenAPI document of the read-only API: valid OpenAPI 3.1, and true to the API.

Django-ninja generates the document from the API's response schemas (api/schemas.py) and the
search form; openapi-spec-validator checks it; schemathesis then generates requests for every
operation from it (valid ones, and invalid ones where there are parameters) and sends them to
the WSGI application, checking each answer against the document: no 500, only documented
statuses and content types, bodies that match their schemas, valid data accepted, invalid data
refused.
"""

import json

import pytest

# Dev dependencies (pyproject.toml [dev]); without them these tests skip and say why.
schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("hypothesis")
pytest.importorskip("openapi_spec_validator")

from django.test import Client  # noqa: E402
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from openapi_spec_validator import validate  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from annotations.models import Annotation  # noqa: E402
from api.api import api  # noqa: E402
from config.wsgi import application  # noqa: E402

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

# Cases per operation and mode: a fixed set in `make test`, more (and new) in a reliability run.
EXAMPLES = 40 if hypothesis_settings.default.derandomize else 200
OPERATIONS = {
    ("GET", "/api/search/"),
    ("GET", "/api/documents/"),
    ("GET", "/api/documents/{slug}/{n}/"),
    ("GET", "/api/annotations/"),
    ("GET", "/api/annotations/{uuid}/"),
    ("GET", "/api/health/"),
}


def document() -> dict:
    """The OpenAPI document as clients read it."""
    return Client().get("/api/openapi.json").json()


def operations(schema: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item}


def test_the_document_is_valid_openapi_3_1_and_describes_every_operation():
    schema = document()
    validate(schema)
    assert schema["openapi"] == "3.1.0"
    assert operations(schema) == OPERATIONS


def parameters(schema: dict, path: str) -> dict:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_the_search_parameters_are_the_forms_with_what_the_archive_holds():
    params = parameters(document(), "/api/search/")
    assert list(params) == [
        "q", "language", "document", "year", "year_from", "year_to", "concept", "annotated",
        "note_tag", "sort", "page", "page_size", "expand",
    ]  # fmt: skip
    assert "molotov-ribbentrop-pact" in params["document"]["schema"]["items"]["enum"]
    assert "vyacheslav-molotov" in params["concept"]["schema"]["items"]["enum"]
    assert params["language"]["schema"]["items"]["enum"] == ["hr", "ro", "en", "de", "ru"]
    assert params["sort"]["schema"]["enum"] == ["relevance", "document"]
    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    years = params["year"]["schema"]["items"]
    assert years == {"type": "integer", "minimum": 1500, "maximum": 2099}


def test_every_error_is_documented_in_the_one_error_shape():
    schema = document()
    answers = {
        path: {int(status): r for status, r in item["get"]["responses"].items()}
        for path, item in schema["paths"].items()
    }
    # A search the engine cannot answer is a 503 (Solr down); health answers in its own shape.
    assert set(answers["/api/search/"]) == {200, 400, 404, 503}
    assert set(answers.pop("/api/health/")) == {200, 503}
    assert set(answers["/api/annotations/"]) == {200, 400, 404}
    assert set(answers["/api/documents/{slug}/{n}/"]) == {200, 301, 404}
    for responses in answers.values():
        for status, response in responses.items():
            if status >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                expected = "InvalidParameters" if status == 400 else "Error"
                assert ref == f"#/components/schemas/{expected}"
    invalid = schema["components"]["schemas"]["InvalidParameters"]
    assert invalid["required"] == ["error", "details"]


def test_served_as_json_at_api_openapi_json():
    client = Client()
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == json.loads(json.dumps(api.get_openapi_schema()))
    assert client.post("/api/openapi.json").status_code == 405


@pytest.fixture
def seed_annotation(db):
    """A published annotation, so the annotation operations have something to answer."""
    from django.core.management import call_command

    from tests.reliability.stack import FIXTURES

    if not Annotation.objects.exists():
        call_command("import_annotations", str(FIXTURES / "annotations.jsonld"), verbosity=0)
    return Annotation.objects.readable().first()


def year(value):
    """A year parameter as the form reads it: None if left empty, False if not a number."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return False


def range_holds(case) -> bool:
    """Whether a case's year range can be searched. JSON Schema cannot relate two parameters;
    the document says in words that a range ending before it begins, or chosen years all
    outside the range, are refused (400)."""
    query = case.query or {}
    low, high = year(query.get("year_from")), year(query.get("year_to"))
    if low is False or high is False:
        return True
    if low is not None and high is not None and low > high:
        return False
    chosen = query.get("year")
    chosen = [year(y) for y in (chosen if isinstance(chosen, list) else [chosen])]
    chosen = [y for y in chosen if y is not None]
    if not chosen or (low is None and high is None) or False in chosen:
        return True
    return any((low is None or y >= low) and (high is None or y <= high) for y in chosen)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("method,path", sorted(OPERATIONS))
def test_every_operation_answers_as_documented(method, path, mode, seed_annotation):
    if mode == GenerationMode.NEGATIVE and not document()["paths"][path]["get"]["parameters"]:
        pytest.skip("no parameters: nothing to send that the document forbids")
    served = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operation = served[path][method]
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as error:  # an operation with nothing to make invalid
        pytest.skip(f"no {mode} cases: {error}")
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.filter(range_holds)

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        case.call_and_validate()

    answers_as_documented()
