"""A collection made from the archive's configset takes the index's own entries as they are, keeps
facet values whole, and makes an update searchable within about a second without a commit."""

import json
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from archive.models import Passage
from search.engine.solr import admin
from search.facets import BY_FIELD, INDEX_FIELDS
from search.search_indexes import PassageIndex

pytestmark = pytest.mark.django_db


def post_json(urls, path, body) -> dict:
    request = urllib.request.Request(
        f"{urls[0]}/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


@pytest.fixture
def indexed(solr_urls, solr_collection):
    """The seed corpus's prepared entries, sent without a commit; each entry by its id."""
    index = PassageIndex()
    entries = [index.full_prepare(p) for p in Passage.objects.published()]
    post_json(solr_urls, f"{solr_collection}/update", entries)
    yield {e["id"]: e for e in entries}
    post_json(solr_urls, f"{solr_collection}/update?commit=true", {"delete": {"query": "*:*"}})


def found(solr_urls, collection) -> int:
    body = post_json(solr_urls, f"{collection}/query", {"query": "*:*", "limit": 0})
    return body["response"]["numFound"]


def test_entries_are_searchable_within_about_a_second(solr_urls, solr_collection, indexed):
    sent = time.monotonic()
    while found(solr_urls, solr_collection) < len(indexed) and time.monotonic() - sent < 10:
        time.sleep(0.1)
    assert found(solr_urls, solr_collection) == len(indexed)
    # autoSoftCommit is one second; a loaded test machine gets some slack.
    assert time.monotonic() - sent < 5


def test_facet_counts_are_those_of_the_whole_values(solr_urls, solr_collection, indexed):
    deadline = time.monotonic() + 10
    while found(solr_urls, solr_collection) < len(indexed) and time.monotonic() < deadline:
        time.sleep(0.1)
    facets = {f: {"type": "terms", "field": f, "limit": -1, "mincount": 1} for f in INDEX_FIELDS}
    body = post_json(
        solr_urls, f"{solr_collection}/query", {"query": "*:*", "limit": 0, "facet": facets}
    )
    for field in INDEX_FIELDS:
        expected = Counter()
        for entry in indexed.values():
            values = entry[field] if BY_FIELD[field].multivalued else [entry[field]]
            expected.update(values)
        counted = {b["val"]: b["count"] for b in body["facets"][field]["buckets"]}
        assert counted == dict(expected), field


def test_an_unknown_field_is_refused_with_its_name(solr_urls, solr_collection):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(solr_urls, f"{solr_collection}/update", [{"id": "x", "colour": "red"}])
    assert "colour" in json.load(refused.value)["error"]["msg"]


def test_a_collection_is_reached_through_an_alias(solr_urls, solr_collection, indexed):
    alias = f"{solr_collection}-live"
    admin.set_alias(solr_urls, alias, solr_collection)
    try:
        assert admin.aliases(solr_urls)[alias] == solr_collection
        deadline = time.monotonic() + 10
        while found(solr_urls, alias) < len(indexed) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found(solr_urls, alias) == len(indexed)
    finally:
        admin.collections(solr_urls, "DELETEALIAS", name=alias)
