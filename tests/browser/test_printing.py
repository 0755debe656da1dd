"""A historian prints a passage or a whole document: the text, its reference and its citation,
without the site's navigation, search box or buttons."""

import pytest
from playwright.sync_api import expect

from tests.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_ONLY = ".site-header, .site-footer, .search-box, button, .pager, .breadcrumbs"


def test_a_printed_passage_is_its_text_reference_and_citation(page, archive_url, shot):
    page.goto(f"{archive_url}/documents/{SLUGS['001']}/5/")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for element in page.locator(SCREEN_ONLY).all():
        expect(element).to_be_hidden()
    expect(page.locator("blockquote.passage-text")).to_be_visible()
    expect(page.locator("h1 + .meta .ref")).to_have_text(f"{SLUGS['001']}:5")
    expect(page.locator("#citation-text")).to_contain_text(f"/documents/{SLUGS['001']}/5/")
    shot(page, "print-passage")


def test_a_printed_document_keeps_its_address(page, archive_url, shot):
    page.goto(f"{archive_url}/documents/{SLUGS['003']}/")
    expect(page.locator(".print-address")).to_be_hidden()
    page.emulate_media(media="print")
    for element in page.locator(SCREEN_ONLY).all():
        expect(element).to_be_hidden()
    expect(page.locator(".print-address")).to_contain_text(f"/documents/{SLUGS['003']}/")
    expect(page.locator(".reader .passage").first).to_be_visible()
    shot(page, "print-reader")
