"""`make setup` on an archive already set up: nothing imported or rebuilt again, and the curator
login said once, with the address the archive is served on."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import PassageRevision
from search.engine import engine

pytestmark = pytest.mark.django_db


def setup_archive() -> str:
    out = StringIO()
    call_command("setup_archive", stdout=out)
    return out.getvalue()


def test_a_second_setup_imports_and_rebuilds_nothing(private_index, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = setup_archive()
    assert "not imported again" not in first
    revisions = PassageRevision.objects.count()
    second = setup_archive()
    assert "Seed corpus, thesaurus and notes: unchanged, not imported again." in second
    assert "Search index: matches the database." in second
    assert PassageRevision.objects.count() == revisions


def test_a_changed_or_missing_index_is_rebuilt(private_index, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    setup_archive()
    engine().apply([], [next(iter(engine().held()))])  # an entry lost
    assert "Search index rebuilt." in setup_archive()


def test_the_login_is_said_once_with_the_address_served_on(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    out = StringIO()
    call_command("create_local_admin", stdout=out)
    assert "http://127.0.0.1:8123/admin/" in out.getvalue()
    again = StringIO()
    call_command("create_local_admin", stdout=again)
    assert again.getvalue() == ""
