"""Results by relevance take turns between the languages that matched, page after page."""

import pytest

from search.ranking import ranges, turns

COUNTS = [("en", 27), ("ro", 13), ("hr", 10)]


def test_languages_take_turns_until_each_runs_out():
    order = turns(COUNTS, 0, 50)
    assert order[:6] == [("en", 0), ("ro", 0), ("hr", 0), ("en", 1), ("ro", 1), ("hr", 1)]
    assert order[30:32] == [("en", 10), ("ro", 10)]  # Croatian has no eleventh passage
    assert order[-1] == ("en", 26)
    assert len(set(order)) == 50


def test_any_window_is_that_part_of_the_whole_order():
    whole = turns(COUNTS, 0, 50)
    for start in range(0, 50, 7):
        assert turns(COUNTS, start, start + 7) == whole[start : start + 7]
    assert turns(COUNTS, 60, 80) == []


def test_each_language_is_asked_for_one_run_of_ranks():
    assert ranges(turns(COUNTS, 20, 40)) == {"hr": (6, 10), "en": (7, 17), "ro": (7, 13)}


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_first_page_shows_the_best_of_every_language_that_matched(client):
    data = api(client, q="Poland")
    assert {r["language"] for r in data["results"]} == {"en", "ro", "hr"}
    # Within a language, by score.
    for language in ("en", "ro", "hr"):
        scores = [r["score"] for r in data["results"] if r["language"] == language]
        assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_pages_continue_the_order_without_repeats_or_gaps(client):
    whole = [r["ref"] for r in api(client, q="Poland", page_size=100)["results"]]
    paged = [r["ref"] for page in (1, 2, 3) for r in api(client, q="Poland", page=page)["results"]]
    assert paged == whole
    assert len(set(whole)) == api(client, q="Poland")["count"]
    halves = [
        r["ref"]
        for page in (1, 2)
        for r in api(client, q="Poland", page_size=10, page=page)["results"]
    ]
    assert halves == whole[:20]


@pytest.mark.django_db
def test_one_language_chosen_is_ordered_by_score_alone(client):
    data = api(client, q="Poland", language="ro")
    scores = [r["score"] for r in data["results"]]
    assert {r["language"] for r in data["results"]} == {"ro"}
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_the_first_page_asks_each_language_once(client, monkeypatch):
    from search.engine import engine
    from search.service import RESULTS

    RESULTS.clear()
    backend = engine()
    real, calls = type(backend).run, []

    def counted(self, query, **options):
        calls.append(tuple((options.get("filters") or {}).get("language") or ()))
        return real(self, query, **options)

    monkeypatch.setattr(type(backend), "run", counted)
    whole = [r["ref"] for r in api(client, q="Poland", page_size=100)["results"]]
    RESULTS.clear()
    calls.clear()
    first = [r["ref"] for r in api(client, q="Poland")["results"]]
    assert first == whole[:20]
    # The search itself, then one question to each of the three languages.
    assert sorted(calls) == [(), ("en",), ("hr",), ("ro",)]
