"""A reader finds a document, reads it, opens a passage and copies its citation."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_catalogue_to_a_passage_and_copies_its_citation(page, archive_url, shot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{archive_url}/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    expect(page.locator("table.catalogue tbody tr")).to_have_count(5)
    shot(page, "catalogue")

    page.get_by_role("link", name="Relațiile sovieto-germane (1918–1941)").click()
    expect(page).to_have_url(re.compile(rf"/documents/{SLUGS['001']}/$"))
    expect(
        page.get_by_role("heading", name="Uniunea Sovietică și criza cehoslovacă din 1938")
    ).to_be_visible()
    page.get_by_text("Source and provenance").click()
    expect(page.get_by_text("001_5aa7d51724b71bbf.txt")).to_be_visible()
    shot(page, "reader", full_page=False)

    page.get_by_role("link", name=f"Passage {SLUGS['001']}:5, permalink").click()
    expect(page).to_have_url(re.compile(rf"/documents/{SLUGS['001']}/5/$"))
    expect(page.locator("blockquote.passage-text")).to_have_attribute("lang", "ro")
    page.get_by_role("button", name="Copy citation").click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"Soviet–German Relations Archive, reference {SLUGS['001']}:5" in copied
    assert copied.endswith(").") and "/documents/" in copied
    shot(page, "passage")

    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(rf"/documents/{SLUGS['001']}/6/$"))


def test_reader_is_readable_on_a_phone(browser, archive_url, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{archive_url}/documents/{SLUGS['000']}/")
    # No sideways scrolling: the text fits the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "reader-phone", full_page=False)
    page.goto(f"{archive_url}/documents/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "catalogue-phone")
    context.close()


def test_keyboard_user_can_skip_to_content_and_reach_permalinks(page, archive_url):
    page.goto(f"{archive_url}/documents/{SLUGS['003']}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("article.reader")).to_have_attribute("lang", "en")
