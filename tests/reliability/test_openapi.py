"""The OpenAPI document of the read-only API: valid OpenAPI 3.1, and true to the API.

openapi-spec-validator checks the document; schemathesis then generates requests for every
operation from it (valid ones, and invalid ones where there are parameters) and sends them to
the WSGI application, checking each answer against the document: no 500, only documented
statuses and content types, bodies that match their schemas, valid data accepted, invalid data
refused.
"""

import pytest

# Dev dependencies (pyproject.toml [dev]); without them these tests skip and say why.
schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("hypothesis")
pytest.importorskip("openapi_spec_validator")

from django.test import Client, override_settings  # noqa: E402
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from openapi_spec_validator import validate  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from annotations.models import Annotation  # noqa: E402
from config.wsgi import application  # noqa: E402
from search.openapi import build_schema, current_schema  # noqa: E402

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

URLS = "tests.reliability.urls"
# Cases per operation and mode: a fixed set in `make test`, more (and new) in a reliability run.
EXAMPLES = 40 if hypothesis_settings.default.derandomize else 200
OPERATIONS = {
    ("GET", "/api/search/"),
    ("GET", "/api/documents/"),
    ("GET", "/api/documents/{slug}/{n}/"),
    ("GET", "/api/annotations/"),
    ("GET", "/api/annotations/{uuid}/"),
}


def operations(schema: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item}


def test_the_document_is_valid_openapi_3_1_and_describes_every_operation():
    for schema in (build_schema(), current_schema()):
        validate(schema)
        assert schema["openapi"] == "3.1.0"
        assert operations(schema) == OPERATIONS


def test_the_search_filters_list_what_the_archive_holds():
    schema = current_schema()
    params = {p["name"]: p for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    assert "molotov-ribbentrop-pact" in params["document"]["schema"]["items"]["enum"]
    assert "vyacheslav-molotov" in params["concept"]["schema"]["items"]["enum"]
    assert params["language"]["schema"]["items"]["enum"] == ["hr", "ro", "en", "de", "ru"]
    assert params["page_size"]["schema"]["maximum"] == 100


@override_settings(ROOT_URLCONF=URLS)
def test_served_as_json_at_api_openapi_json():
    client = Client()
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == current_schema()
    assert client.post("/api/openapi.json").status_code == 405


@pytest.fixture
def seed_annotation(db):
    """A published annotation, so the annotation operations have something to answer."""
    from django.core.management import call_command

    from tests.reliability.stack import FIXTURES

    if not Annotation.objects.exists():
        call_command("import_annotations", str(FIXTURES / "annotations.jsonld"), verbosity=0)
    return Annotation.objects.readable().first()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("method,path", sorted(OPERATIONS))
def test_every_operation_answers_as_documented(method, path, mode, seed_annotation):
    if mode == GenerationMode.NEGATIVE and not build_schema()["paths"][path]["get"].get(
        "parameters"
    ):
        pytest.skip("no parameters: nothing to send that the document forbids")
    with override_settings(ROOT_URLCONF=URLS):
        api = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
        operation = api[path][method]
        try:
            strategy = operation.as_strategy(generation_mode=mode)
        except Exception as error:  # an operation with nothing to make invalid
            pytest.skip(f"no {mode} cases: {error}")

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate()

        answers_as_documented()
