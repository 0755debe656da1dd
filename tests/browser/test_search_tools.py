"""A historian narrows a search to a range of years with the keyboard alone, opens a hit with
the searched words marked, goes on to the next hit and back to the results, and searches
within a document."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def search_url(archive_url, private_index):
    return f"{archive_url}/search/"


def found(page) -> int:
    return int(page.locator(".results-count").inner_text().split()[0].replace(",", ""))


def test_a_year_range_typed_with_the_keyboard(page, search_url, shot):
    page.goto(search_url + "?q=Poland")
    every = found(page)
    page.locator("#year_from").focus()
    page.keyboard.type("1939")
    page.keyboard.press("Tab")
    expect(page.locator("#year_to")).to_be_focused()
    page.keyboard.type("1940")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"year_from=1939&year_to=1940"))
    expect(page.locator(".chips a", has_text="Years 1939–1940")).to_be_visible()
    assert 0 < found(page) < every
    expect(page.locator(".histogram a[aria-current=true]")).to_have_count(2)
    shot(page, "search-year-range", full_page=False)

    # A range that ends before it begins is explained where it can be corrected.
    page.locator("#year_from").fill("1941")
    page.locator("#year_from").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("ends before it begins")
    expect(page.locator("#year_from")).to_have_value("1941")
    shot(page, "search-year-range-error", full_page=False)


def test_a_hit_opens_marked_leads_on_and_back(page, search_url, shot):
    page.goto(search_url + "?q=Molotov&language=en")
    page.locator(".hit-ref a").first.click()
    expect(page.locator(".passage-text mark").first).to_have_text(re.compile("Molotov", re.I))
    expect(page.get_by_role("link", name=re.compile("Back to the results"))).to_be_visible()
    shot(page, "passage-from-hit", full_page=False)

    page.get_by_role("link", name=re.compile("Next hit")).click()
    expect(page).to_have_url(re.compile(r"hit=2"))
    expect(page.locator(".passage-text mark").first).to_be_visible()
    page.get_by_role("link", name=re.compile("Back to the results")).click()
    # The next hit was on the first page too: the results come back at it.
    expect(page).to_have_url(re.compile(r"/search/\?q=Molotov&language=en&page=1$"))
    expect(page.locator(".hit").first).to_be_visible()


def test_searching_within_a_document(page, archive_url, private_index, shot):
    page.goto(archive_url + "/documents/sovjetsko-njemacki-odnosi/")
    page.get_by_role("searchbox", name="Search this document").fill("Staljin")
    page.get_by_role("searchbox", name="Search this document").press("Enter")
    expect(page.locator(".in-document-count")).to_contain_text("passages match")
    count = int(page.locator(".in-document-count").inner_text().split()[0])
    expect(page.locator(".passage.match")).to_have_count(count)
    shot(page, "reader-search-count", full_page=False)
    page.get_by_role("link", name="first match").click()
    page.locator(".passage.match").first.get_by_role("link", name=re.compile("next match")).click()
    second = page.locator(".passage.match").nth(1)
    assert page.url.endswith("#" + second.get_attribute("id"))
    shot(page, "reader-search", full_page=False)
