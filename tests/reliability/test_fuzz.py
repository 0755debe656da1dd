"""Fuzzing the search's parameters (/api/search/ and /search/) with hypothesis.

Whatever the query string holds, the search never fails (no 500); it refuses (400) exactly the
requests that carry an invalid parameter, answers 404 only for a page past the end, and the API
always answers well-formed JSON of the documented shape, with highlights that are escaped HTML.

Each parameter is drawn either from values known to be valid or from values known to be
invalid, so the expected status follows from how the request was built. `make test` runs a
fixed, repeatable set of examples; `make test-reliability` draws new ones each run.
"""

import html
import re
import string

import pytest

pytest.importorskip("hypothesis")  # a dev dependency (pyproject.toml [dev])

from django.test import Client  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from archive.models import Concept, Document, Language  # noqa: E402
from tests.conftest import SLUGS  # noqa: E402

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# Text that is valid UTF-8 (a URL cannot carry lone surrogates), any script, any control.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
OPERATORS = [
    '"',
    "OR",
    "AND",
    "NOT",
    "-",
    "+",
    "*",
    "~",
    "~2",
    "^",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\\",
    "/",
    "'",
    "`",
    "&&",
    "||",
    "!",
    "?",
    "<",
    ">",
    "<script>",
    "&amp;",
    "%",
    "\x00",
    "\t",
    "\n",
    "\x1b",
    "\u200b",
    "\ufeff",
    "ﬁ",
    "İ",
    "ß",
    "ǅ",
    "\u0301",
    "🦀",
]
WORDS = [
    "Molotov",
    "pakt",
    "și",
    "Reichswehr",
    "the",
    "je",
    "de",
    "treaty",
    "Ribentrop~",
    "negoti*",
    "Polonia",
    "pînă",
    "sfere",
    "Lituania",
    "x",
    "a",
    "1939",
]
QUERY = st.one_of(
    ANY_TEXT,
    st.lists(st.sampled_from(OPERATORS + WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(OPERATORS + WORDS), max_size=12).map("".join),
    st.lists(st.sampled_from(WORDS + ["OR", '"', "-", "*"]), min_size=50, max_size=400).map(
        " ".join
    ),
    st.text(string.ascii_letters + ' "*~-', min_size=1000, max_size=4000),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
)


def whole_number(text: str) -> int | None:
    """The number Django's IntegerField reads in `text` (int() after dropping ".0"), or None."""
    try:
        return int(re.sub(r"\.0*\s*$", "", text))
    except ValueError:
        return None


# Values a whole-number parameter refuses: not a number as Django reads one, or below 1.
JUNK_NUMBER = st.one_of(
    st.integers(max_value=0).map(str),
    st.sampled_from(["abc", "1.5", "1e3", "0x10", "²", "--1", "1 2", "∞", "NaN", "None", " "]),
    ANY_TEXT.filter(lambda s: s != "" and whole_number(s) is None),
)


def number(low: int, high: int):
    return st.integers(low, high).map(str)


def choice_values(valid: list[str]):
    """(value, valid?) pairs for a multiple-choice parameter."""
    good = st.sampled_from(valid).map(lambda v: (v, True)) if valid else st.nothing()
    bad = st.one_of(ANY_TEXT, st.sampled_from(["", " ", "HR", "en ", "null", "1", "*"]))
    return st.one_of(good, bad.filter(lambda v: v not in valid).map(lambda v: (v, False)))


@st.composite
def requests(draw, vocab):
    """Query parameters as lists of values, and whether every value is valid."""
    params: dict[str, list[str]] = {}
    valid = True

    def multi(name, values):
        nonlocal valid
        for value, ok in draw(st.lists(choice_values(values), max_size=3)):
            params.setdefault(name, []).append(value)
            valid &= ok

    def single(name, good, bad):
        nonlocal valid
        kind = draw(st.sampled_from(["absent", "good", "bad"]))
        if kind == "good":
            params[name] = [draw(good)]
        elif kind == "bad":
            params[name] = [draw(bad)]
            valid = False

    if draw(st.booleans()):
        params["q"] = [draw(QUERY)]
    multi("language", vocab["language"])
    multi("document", vocab["document"])
    multi("concept", vocab["concept"])
    multi("note_tag", vocab["note_tag"])
    multi("year", [str(y) for y in range(1500, 2100)])
    single("page", st.one_of(number(1, 3), number(4, 10**30)), JUNK_NUMBER)
    single("page_size", number(1, 100), st.one_of(JUNK_NUMBER, number(101, 10**30)))
    single(
        "sort",
        st.sampled_from(["", "relevance", "document"]),
        ANY_TEXT.filter(lambda s: s not in ("", "relevance", "document")),
    )
    single(
        "expand",
        st.sampled_from(["", "0", "1"]),
        ANY_TEXT.filter(lambda s: s not in ("", "0", "1")),
    )
    single(
        "annotated",
        st.sampled_from(["", "yes", "no"]),
        ANY_TEXT.filter(lambda s: s not in ("", "yes", "no")),
    )
    return params, valid


@pytest.fixture
def vocab(db):
    return {
        "language": list(Language.values),
        "document": list(Document.objects.published().values_list("slug", flat=True)),
        "concept": list(Concept.objects.values_list("slug", flat=True)[:40]),
        "note_tag": [],
    }


def check_api_shape(data: dict, params: dict) -> None:
    assert set(data) >= {
        "query",
        "count",
        "page",
        "page_size",
        "suggestion",
        "results",
        "facets",
        "notices",
        "expansions",
    }, data.keys()
    assert isinstance(data["count"], int) and data["count"] >= len(data["results"])
    assert len(data["results"]) <= data["page_size"] <= 100
    assert data["suggestion"] is None or isinstance(data["suggestion"], str)
    for hit in data["results"]:
        assert set(hit) >= {
            "ref",
            "url",
            "n",
            "language",
            "section",
            "text",
            "highlight",
            "score",
            "document",
        }
        assert set(hit["document"]) >= {"slug", "title", "language", "source_file"}
        # The highlight is the text escaped, with <mark> as its only markup.
        assert "<" not in re.sub(r"</?mark>", "", hit["highlight"]), hit["highlight"][:200]
        assert html.unescape(re.sub(r"</?mark>", "", hit["highlight"])) == hit["text"]
    for name, rows in data["facets"].items():
        assert name in {"language", "document", "year", "concept", "annotated", "note_tag"}
        for row in rows:
            assert set(row) == {"value", "label", "count"} and row["count"] >= 0


def expected_status(status: int, params: dict, valid: bool, body) -> None:
    if not valid:
        assert status == 400, (status, params, body[:300])
    else:
        page = params.get("page", ["1"])[0] or "1"
        allowed = {200, 404} if int(page) > 1 else {200}
        assert status in allowed, (status, params, body[:300])


@given(data=st.data())
@FUZZ
def test_search_api_never_fails_and_refuses_only_invalid_parameters(data, vocab):
    params, valid = data.draw(requests(vocab))
    response = Client(HTTP_HOST="127.0.0.1").get("/api/search/", params)
    expected_status(response.status_code, params, valid, response.content)
    assert response["Content-Type"] == "application/json"
    body = response.json()  # well-formed JSON whatever the status
    if response.status_code == 200:
        check_api_shape(body, params)
    else:
        assert isinstance(body["error"], str)
        if response.status_code == 400:
            assert body["details"] and set(body["details"]) <= set(params)


@given(data=st.data())
@FUZZ
def test_search_page_never_fails_and_refuses_only_invalid_parameters(data, vocab):
    params, valid = data.draw(requests(vocab))
    response = Client(HTTP_HOST="127.0.0.1").get("/search/", params)
    expected_status(response.status_code, params, valid, response.content)
    page = response.content.decode()
    q = params.get("q", [""])[0]
    if "<script>" in q:
        assert "<script>" not in page.split("</head>", 1)[-1], "the query was not escaped"


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed phrase',
        "OR OR OR",
        "NOT",
        "-",
        "*",
        "~",
        "a" * 4000,
        "Molotov " * 500,
        "\x00\x01\x02",
        "(((((((",
        '"" "" ""',
        "Molotov~99999999999999999999",
        "Molotov^99999999999999999999",
        "*olotov",
        "????*",
        "\u202e\u0301\ufeff",
        "<script>alert(1)</script>",
    ],
)
def test_queries_that_break_parsers_are_searched_as_words(client, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200, response.content[:500]
    assert (
        response.json()["query"] == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", query).strip()
    )
    assert client.get("/search/", {"q": query}).status_code == 200


def test_page_past_the_end_is_404_and_huge_numbers_are_not_500(client):
    assert client.get("/api/search/", {"q": "Molotov", "page": "999"}).status_code == 404
    assert client.get("/api/search/", {"q": "Molotov", "page": "9" * 40}).status_code == 404
    assert client.get("/search/", {"q": "Molotov", "page": "9" * 40}).status_code == 404
    assert client.get("/api/search/", {"q": "Molotov", "page_size": "9" * 40}).status_code == 400
    assert client.get("/api/documents/x/" + "9" * 40 + "/").status_code == 404


ANNOTATION_NUMBERS = st.one_of(
    number(1, 200),
    JUNK_NUMBER,
    st.sampled_from(["²", "³", "¹⁰", "①", "٣", "१२", "𝟐"]),  # digits int() may refuse
)


@pytest.mark.slow
@given(data=st.data())
@FUZZ
def test_annotation_api_never_fails_on_its_parameters(data):
    """page, page_size and passage=<slug>:<n> refuse what they cannot read (400), never 500."""
    params = {}
    for name in ("page", "page_size"):
        if data.draw(st.booleans()):
            params[name] = data.draw(ANNOTATION_NUMBERS)
    if data.draw(st.booleans()):
        n = data.draw(st.one_of(ANNOTATION_NUMBERS, ANY_TEXT))
        params["passage"] = f"{SLUGS['002']}:{n}"
    if data.draw(st.booleans()):
        params["document"] = data.draw(st.one_of(st.sampled_from(list(SLUGS.values())), ANY_TEXT))
    response = Client(HTTP_HOST="127.0.0.1").get("/api/annotations/", params)
    assert response.status_code in (200, 400, 404), (params, response.status_code)
    assert isinstance(response.json(), dict)


@pytest.mark.slow
def test_search_page_shows_results_that_have_notes(client, private_index, tmp_path, monkeypatch):
    """The seed annotations (make setup imports them) put an "annotated" facet on the page."""
    from django.conf import settings
    from django.core.management import call_command

    from search.indexing import drain_if_free
    from tests.reliability.stack import FIXTURES

    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)  # a private index-writer lock
    call_command("import_annotations", str(FIXTURES / "annotations.jsonld"), verbosity=0)
    drain_if_free()  # the test's transaction never commits: apply the queue here
    assert client.get("/api/search/", {"q": "Molotov"}).json()["facets"]["annotated"]
    response = client.get("/search/", {"q": "Molotov"})
    assert response.status_code == 200
    assert client.get("/search/", {"q": "Molotov", "annotated": "yes"}).status_code == 200
