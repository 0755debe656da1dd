"""The scale-out path: a haystack Solr connection from the environment, with haystack's schema."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SOLR = {
    "ENGINE": "haystack.backends.solr_backend.SolrEngine",
    "URL": "http://127.0.0.1:8983/solr/archive",
}


def test_haystack_solr_url_adds_a_solr_connection(tmp_path):
    env = {**os.environ, "HAYSTACK_SOLR_URL": SOLR["URL"], "ARCHIVE_DATA_DIR": str(tmp_path)}
    env.pop("ARCHIVE_SEARCH_ENGINE", None)  # the default engine, under bin/with-solr too
    out = (
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings as s; c = s.HAYSTACK_CONNECTIONS; "
                "print(c['solr']['ENGINE'], c['solr']['URL'], c['default']['ENGINE'])",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )
    assert out == [SOLR["ENGINE"], SOLR["URL"], "search.engine.whoosh.backend.ArchiveWhooshEngine"]


@pytest.mark.django_db
def test_build_solr_schema_carries_the_archives_fields(tmp_path):
    pytest.importorskip("pysolr")
    settings.HAYSTACK_CONNECTIONS["solr"] = SOLR
    try:
        call_command(
            "build_solr_schema", using="solr", configure_directory=str(tmp_path), verbosity=0
        )
    finally:
        del settings.HAYSTACK_CONNECTIONS["solr"]
    schema = etree.parse(str(tmp_path / "schema.xml"))
    fields = {f.get("name") for f in schema.iter("field")}
    assert {
        "text",
        "text_en",
        "text_ro",
        "text_hr",
        "language",
        "document",
        "years",
        "concepts",
        "notes",
        "note_tags",
        "digest",
    } <= fields
