"""Exports of a whole result set: CSV, BibTeX, RIS and CSL-JSON at /search/export.<ext>, with
the search page's parameters, one row or entry per passage, every hit up to the cap."""

import csv
import io
import json
import re

import pytest

from archive.citation import bibtex, csl_json, ris
from archive.models import Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

# A search with hits on several pages of the API, in every language.
SEARCH = {"q": "Poland"}


def count_of(client, **params) -> int:
    return client.get("/api/search/", params).json()["count"]


def exported(client, fmt, **params) -> tuple[str, dict]:
    response = client.get(f"/search/export.{fmt}", params)
    assert response.status_code == 200, response.content
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, response


def csv_rows(body: str) -> list[dict]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_the_csv_holds_every_hit_with_its_columns(client):
    body, response = exported(client, "csv", **SEARCH)
    rows = csv_rows(body)
    total = count_of(client, **SEARCH)
    assert total > 20 and len(rows) == total == int(response["X-Result-Count"])
    assert list(rows[0]) == [
        "ref", "url", "text", "document", "document_title", "language", "section", "years",
    ]  # fmt: skip
    assert {row["language"] for row in rows} == {"hr", "ro", "en"}
    row = next(r for r in rows if r["language"] == "hr")
    passage = Passage.objects.get(document__slug=row["document"], n=row["ref"].split(":")[1])
    assert row["text"] == passage.text and "č" in "".join(r["text"] for r in rows)
    assert row["url"] == f"http://testserver/documents/{passage.document.slug}/{passage.n}/"
    assert row["years"] == " ".join(map(str, passage.years))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]


def test_the_export_follows_the_search_order_and_its_filters(client):
    params = {**SEARCH, "language": "hr", "year_from": 1939, "sort": "document"}
    rows = csv_rows(exported(client, "csv", **params)[0])
    api = client.get("/api/search/", {**params, "page_size": 100}).json()
    assert [r["ref"] for r in rows] == [r["ref"] for r in api["results"]]
    assert {r["language"] for r in rows} == {"hr"}


def test_each_citation_format_holds_every_hit(client):
    total = count_of(client, **SEARCH)
    bib, _ = exported(client, "bib", **SEARCH)
    assert len(re.findall(r"^@incollection\{", bib, re.M)) == total
    records, _ = exported(client, "ris", **SEARCH)
    assert len(re.findall(r"^TY  - ", records, re.M)) == total
    assert len(re.findall(r"^ER  - ", records, re.M)) == total
    items, response = exported(client, "json", **SEARCH)
    assert len(json.loads(items)) == total
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"


def test_each_entry_is_the_archives_own_citation_of_the_passage(client):
    passage = Passage.objects.get(document__slug=SLUGS["002"], n=1)
    url = f"http://testserver{passage.get_absolute_url()}"
    params = {"document": SLUGS["002"], "q": passage.text.split()[0], "sort": "document"}
    assert bibtex(passage, url) in exported(client, "bib", **params)[0]
    assert ris(passage, url) in exported(client, "ris", **params)[0]
    assert csl_json(passage, url)[0] in json.loads(exported(client, "json", **params)[0])


def test_a_result_set_past_the_cap_is_cut_and_says_so(client, monkeypatch):
    monkeypatch.setattr("search.views.EXPORT_CAP", 7)
    monkeypatch.setattr("search.exports.EXPORT_CAP", 7)
    body, response = exported(client, "csv", **SEARCH)
    assert len(csv_rows(body)) == 7
    assert response["X-Export-Count"] == "7"
    assert response["X-Export-Truncated"] == f"7 of {count_of(client, **SEARCH)}"
    bib, _ = exported(client, "bib", **SEARCH)
    assert bib.startswith("@comment{") and len(re.findall(r"^@incollection", bib, re.M)) == 7


def test_bad_parameters_get_the_search_pages_messages(client):
    response = client.get("/search/export.csv", {"q": "Poland", "year_from": "x"})
    assert response.status_code == 400
    assert "From year: Enter a year as a number" in response.content.decode()
    assert client.get("/search/export.pdf", SEARCH).status_code == 404


def test_the_results_link_to_their_export(client):
    page = client.get("/search/", {**SEARCH, "page": 2}).content.decode()
    total = count_of(client, **SEARCH)
    assert f"Export these {total} results:" in page
    for fmt in ("csv", "bib", "ris", "json"):
        assert f'href="/search/export.{fmt}?q=Poland"' in page
