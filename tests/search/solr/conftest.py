"""A collection on the SolrCloud that bin/with-solr started, made from the archive's configset.

Tests that need Solr ask for `solr_collection`; without ARCHIVE_SOLR_URLS (outside
bin/with-solr, `make test-solr`) they are skipped and say so."""

import os
import uuid

import pytest

from search.engine.solr import admin


@pytest.fixture(scope="session")
def solr_urls() -> list[str]:
    urls = [u for u in os.environ.get("ARCHIVE_SOLR_URLS", "").split(",") if u.strip()]
    if not urls:
        pytest.skip("no SolrCloud: ARCHIVE_SOLR_URLS is not set (run it with bin/with-solr)")
    return urls


@pytest.fixture(scope="session")
def solr_collection(solr_urls) -> str:
    """A collection of one shard made from the uploaded configset, deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    admin.create_collection(solr_urls, name, os.environ.get("ARCHIVE_SOLR_CONFIGSET", "archive"))
    yield name
    admin.delete_collection(solr_urls, name)
