"""A historian searches, narrows by a facet, removes it, and follows a result to its page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def search_url(archive_url, private_index):
    return f"{archive_url}/search/"


def test_search_facet_remove_and_follow_a_result(page, archive_url, search_url, shot):
    page.goto(archive_url + "/")
    page.get_by_role("searchbox", name="Search the archive").first.fill("Lithuania")
    page.get_by_role("searchbox", name="Search the archive").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Lithuania"))
    expect(page.locator(".results-count")).to_contain_text("passages found")
    expect(page.locator(".expansions")).to_contain_text("Litva")
    expect(page.locator(".hit mark").first).to_be_visible()
    shot(page, "search-results", full_page=False)

    total = int(page.locator(".results-count").inner_text().split()[0])
    croatian = page.locator("#facet-language ~ ul a", has_text="Croatian")
    hr_count = int(croatian.locator(".count").inner_text())
    croatian.click()
    expect(page.locator(".results-count")).to_contain_text(f"{hr_count} passage")
    expect(page.locator(".chips a")).to_have_count(1)
    for lang in page.locator(".hit-text").all():
        assert lang.get_attribute("lang") == "hr"
    shot(page, "search-facet", full_page=False)

    page.locator(".chips a").first.click()
    expect(page.locator(".results-count")).to_contain_text(f"{total} passage")

    first = page.locator(".hit-ref a").first
    href = first.get_attribute("href")
    first.click()
    expect(page).to_have_url(href)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Passage")


def test_year_histogram_and_suggestion(page, search_url, shot):
    page.goto(search_url + "?q=Ribbentropp&expand=0")
    expect(page.locator(".suggestion")).to_contain_text("Did you mean")
    page.locator(".suggestion a").click()
    expect(page).to_have_url(re.compile(r"q=Ribbentrop"))
    page.locator(".histogram a", has_text="1939").click()
    expect(page.locator(".chips a")).to_contain_text("1939")
    shot(page, "search-year", full_page=False)


def test_hostile_query_is_explained_not_failed(page, search_url, shot):
    page.goto(search_url + '?q="spheres of influence <img src=x onerror=alert(1)>')
    expect(page.locator(".notice").first).to_contain_text("not closed")
    assert page.evaluate("typeof window.__xss") == "undefined"
    expect(page.locator("img[src=x]")).to_have_count(0)
    shot(page, "search-hostile", full_page=False)


def test_search_on_a_phone(browser, search_url, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(search_url + "?q=Molotov")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "search-phone", full_page=False)
    context.close()


def tabs_to_first_hit(page, *, skip: bool) -> int:
    """Tab presses from the top of the page until a result's link has the focus (Enter on the
    first skip link, when `skip`)."""
    presses = 0
    if skip:
        page.keyboard.press("Tab")
        presses += 1
        assert page.evaluate("document.activeElement.textContent") == "Skip to results"
        page.keyboard.press("Enter")
    while presses < 200:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("!!document.activeElement.closest('.hit')"):
            return presses
    raise AssertionError("no result took the focus")


def test_the_first_result_is_a_few_tab_presses_away(page, search_url):
    page.goto(search_url + "?q=Molotov")
    assert tabs_to_first_hit(page, skip=True) <= 6
    page.goto(search_url + "?q=Molotov")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to filters"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.facets')")


def test_filters_on_a_phone_are_one_tap_from_the_top(browser, search_url, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(search_url + "?q=Molotov&language=en")
    link = page.get_by_role("link", name="Filters (1)")
    assert link.bounding_box()["y"] < 844  # in the first screen, above the results
    link.click()
    expect(page.locator("#facet-language")).to_be_in_viewport()
    shot(page, "search-phone-filters", full_page=False)
    page.get_by_role("link", name="Back to the results").click()
    expect(page.locator("#results-heading")).to_be_in_viewport()
    context.close()
