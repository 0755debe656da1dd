"""Links to passages: kept once made, and still those the URL conf would make."""

from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from archive.links import LINKS_KEPT, _reversed, document_path, passage_path


def test_a_passage_link_is_made_by_the_url_conf():
    assert passage_path("x", 3) == reverse("archive:passage", kwargs={"slug": "x", "n": 3})
    assert passage_path("x", 3) == "/documents/x/3/"


def test_a_passage_link_kept_follows_the_address_the_archive_is_served_under():
    assert passage_path("x", 3) == "/documents/x/3/"
    set_script_prefix("/arhiv/")
    try:
        assert passage_path("x", 3) == "/arhiv/documents/x/3/"
    finally:
        clear_script_prefix()
    assert passage_path("x", 3) == "/documents/x/3/"


def test_a_passage_link_kept_follows_a_changed_url_conf():
    assert passage_path("x", 3) == "/documents/x/3/"
    with override_settings(ROOT_URLCONF="tests.archive.moved_urls"):
        assert passage_path("x", 3) == "/moved/documents/x/3/"
    assert passage_path("x", 3) == "/documents/x/3/"


def test_the_passage_links_kept_stay_within_their_bound():
    for n in range(LINKS_KEPT + 10):
        passage_path("bound", n)
    assert _reversed.cache_info().currsize == LINKS_KEPT
    assert passage_path("bound", LINKS_KEPT + 9) == f"/documents/bound/{LINKS_KEPT + 9}/"


def test_a_document_link_is_made_by_the_url_conf_under_the_address_served():
    assert document_path("x") == reverse("archive:document", kwargs={"slug": "x"})
    assert document_path("x") == "/documents/x/"
    set_script_prefix("/arhiv/")
    try:
        assert document_path("x") == "/arhiv/documents/x/"
    finally:
        clear_script_prefix()
