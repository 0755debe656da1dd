"""A reader switches the interface language with the switcher, on a desktop and on a phone; every
page type then speaks that language at the same address, and nothing overflows the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "search": "/search/?q=Molotov",
    "search-none": "/search/?q=zzxqvw",
    "catalogue": "/documents/",
    "reader": f"/documents/{SLUGS['001']}/",
    "passage": f"/documents/{SLUGS['001']}/5/",
}
# What each language calls the catalogue (its h1) and the search button.
SAYS = {
    "en": ("Documents", "Search"),
    "hr": ("Dokumenti", "Traži"),
    "ro": ("Documente", "Caută"),
}
NAMES = {"en": "English", "hr": "Hrvatski", "ro": "Română"}
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def switch_to(page, language: str) -> None:
    """Choose a language with the switcher, as a reader does (keyboard or mouse)."""
    label = re.compile("Interface language|Jezik sučelja|Limba interfeței")
    page.get_by_label(label).select_option(label=NAMES[language])
    page.locator("form.language-switcher button[type=submit]").click()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_switcher_changes_the_language_of_every_page(browser, archive_url, shot, width):
    context = browser.new_context(viewport=WIDTHS[width], is_mobile=width == "phone")
    page = context.new_page()
    for language in ("hr", "ro", "en"):
        page.goto(f"{archive_url}/documents/")
        switch_to(page, language)
        # Back on the same address, now in the chosen language.
        expect(page).to_have_url(f"{archive_url}/documents/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        catalogue, search = SAYS[language]
        expect(page.get_by_role("heading", level=1)).to_have_text(catalogue)
        for name, path in PAGES.items():
            page.goto(f"{archive_url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("form.search-box button").first).to_have_text(search)
            # Longer words than the English ones, and still no sideways scrolling.
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} in {language} is {overflow}px too wide at {width}"
            shot(page, f"language-{language}-{name}-{width}", full_page=False)
    context.close()
