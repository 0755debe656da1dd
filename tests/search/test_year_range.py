"""The year range (`year_from`, `year_to`): passages mentioning a year in it, on the page and
in the API, with the histogram and two number fields to set it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_year_range_keeps_the_passages_mentioning_a_year_in_it(client):
    every = api(client, q="Poland", page_size=100)
    narrowed = api(client, q="Poland", year_from=1939, year_to=1940, page_size=100)
    assert 0 < narrowed["count"] < every["count"]
    for hit in narrowed["results"]:
        years = {int(y) for y in re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", hit["text"])}
        assert years & {1939, 1940}, hit["ref"]
    # Every passage of the wider search that mentions a year in the range is kept.
    inside = [r["ref"] for r in every["results"] if re.search(r"\b(1939|1940)\b", r["text"])]
    assert set(inside) <= {r["ref"] for r in narrowed["results"]}


def test_either_end_of_the_range_may_be_open(client):
    every = api(client, q="Poland")["count"]
    until = api(client, q="Poland", year_to=1920)["count"]
    since = api(client, q="Poland", year_from=1921)["count"]
    assert 0 < until < every and 0 < since < every
    assert api(client, q="Poland", year_from=1500, year_to=1920)["count"] == until


def test_the_other_facets_count_within_the_range(client):
    data = api(client, q="Poland", year_from=1939, year_to=1939)
    assert data["count"] < api(client, q="Poland")["count"]
    languages = {row["value"]: row["count"] for row in data["facets"]["language"]}
    assert sum(languages.values()) == data["count"]
    # The histogram still shows the years outside the range, to choose another.
    years = {row["value"]: row["count"] for row in data["facets"]["year"]}
    assert years["1920"] > 0


def test_a_range_and_chosen_years_keep_the_chosen_years_inside_it(client):
    both = api(client, q="Poland", year=[1939, 1920], year_from=1930, year_to=1945)
    assert both["count"] == api(client, q="Poland", year=1939)["count"]


@pytest.mark.parametrize(
    "params,name,message",
    [
        ({"year_from": 1941, "year_to": 1939}, "year_to", "ends before it begins"),
        ({"year_from": "nineteen"}, "year_from", "as a number"),
        ({"year_to": "1939x"}, "year_to", "as a number"),
        ({"year_from": 1200}, "year_from", "1500"),
        ({"year": 1920, "year_from": 1930}, "year", "None of the chosen years"),
    ],
)
def test_a_bad_range_gets_a_clear_message(client, params, name, message):
    response = client.get("/api/search/", {"q": "Poland", **params})
    assert response.status_code == 400
    assert message in " ".join(response.json()["details"][name])
    page = client.get("/search/", {"q": "Poland", **params})
    assert page.status_code == 400
    assert message in page.content.decode()
    # The reader can correct the range where it was typed.
    assert 'name="year_from"' in page.content.decode()


def test_a_histogram_bar_sets_one_year_and_a_second_bar_a_range(client):
    page = client.get("/search/", {"q": "Poland"}).content.decode()
    assert (
        '<a href="?q=Poland&amp;year_from=1939&amp;year_to=1939"><span class="year">1939<' in page
    )
    page = client.get("/search/", {"q": "Poland", "year_from": 1939, "year_to": 1939})
    page = page.content.decode()
    assert 'href="?q=Poland&amp;year_from=1920&amp;year_to=1939"' in page
    # The chosen year again takes the range away.
    assert re.search(r'<a href="\?q=Poland"[^>]*><span class="year">1939<', page)


def test_the_range_is_a_removable_filter_with_number_fields(client):
    page = client.get("/search/", {"q": "Poland", "year_from": 1939, "year_to": 1941})
    html = page.content.decode()
    assert "Years 1939–1941" in html
    assert re.search(r'<a href="\?q=Poland" aria-label="Remove filter Years 1939–1941"', html)
    assert re.search(r'<input id="year_from" name="year_from" type="number"[^>]*value="1939"', html)
    assert re.search(r'<input id="year_to" name="year_to" type="number"[^>]*value="1941"', html)


def test_the_api_describes_the_range(client):
    schema = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    for name in ("year_from", "year_to"):
        assert parameters[name]["schema"] == {"type": "integer", "minimum": 1500, "maximum": 2099}
        assert "year" in parameters[name]["description"]
