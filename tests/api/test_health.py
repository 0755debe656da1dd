"""GET /api/health/ and what readers get when the engine cannot answer: 503 with the reason,
on the API and on the search page, and nothing of the index queue lost."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from archive.models import Passage
from archive.signals import announce_passages_changed
from search.engine import EngineUnavailable, engine
from search.models import IndexTask
from search.service import RESULTS
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_down(monkeypatch):
    """The configured engine failing as one whose servers are all down."""
    down = EngineUnavailable("No Solr node answered: 127.0.0.1:1: ConnectionError")

    def fail(*args, **kwargs):
        raise down

    backend = type(engine())
    for method in ("run", "generation", "status", "passage_count", "apply"):
        monkeypatch.setattr(backend, method, fail)
    RESULTS.clear()
    yield down
    RESULTS.clear()


def test_health_says_which_engine_answers_and_how_much_is_queued(client, settings):
    data = client.get("/api/health/").json()
    assert data["status"] == "ok" and data["engine"] == settings.SEARCH_ENGINE
    assert data["index"]["passages"] == Passage.objects.published().count()
    assert data["queue"] == IndexTask.objects.count()


def test_health_names_no_folder_of_the_server(client, settings):
    body = client.get("/api/health/").content.decode()
    assert str(settings.DATA_DIR) not in body and "/tmp/" not in body


def test_an_engine_that_cannot_answer_gives_503_with_the_reason(client, engine_down):
    health = client.get("/api/health/")
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    assert "No Solr node answered" in health.json()["reason"]
    search = client.get("/api/search/", {"q": "Molotov"})
    assert search.status_code == 503 and search["Retry-After"]
    assert search.json() == {"error": f"search is unavailable: {engine_down}"}
    page = client.get("/search/", {"q": "Molotov"})
    assert page.status_code == 503
    text = page.content.decode()
    assert "Search is unavailable at the moment" in text
    # In the site's layout, the query kept in the search box.
    assert '<html lang="en"' in text and 'value="Molotov"' in text


def test_edits_made_while_the_engine_is_down_stay_queued(engine_down, settings):
    settings.ARCHIVE_INDEX_INLINE = False
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    with transaction.atomic():
        passage.revise(passage.text + " Queued.", reason="edit")
        announce_passages_changed([passage.pk])
    queued = IndexTask.objects.filter(passage_id=passage.pk)
    assert queued.exists()
    with pytest.raises(CommandError, match="No Solr node answered"):
        call_command("index_worker", "--once", verbosity=0)
    assert queued.get().attempts == 1
