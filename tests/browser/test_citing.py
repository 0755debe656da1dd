"""An author cites a few selected words and follows the link back to them."""

import re

import pytest
from playwright.sync_api import expect

from archive.models import Passage
from tests.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cite_a_selection_and_open_the_cited_words(page, archive_url, shot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    passage = Passage.objects.get(document__slug=SLUGS["001"], n=2)
    page.goto(f"{archive_url}{passage.get_absolute_url()}")
    expect(page.get_by_role("link", name=re.compile("Download BibTeX"))).to_be_visible()
    words = "Tratatul de la Brest-Litovsk"
    page.locator("blockquote.passage-text").evaluate(
        """(el, words) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at); range.setEnd(node, at + words.length);
                    const sel = window.getSelection();
                    sel.removeAllRanges(); sel.addRange(range);
                    document.dispatchEvent(new Event("selectionchange"));
                    return;
                }
            }
        }""",
        words,
    )
    button = page.get_by_role("button", name="Cite the selected words")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator("#selection-citation")).to_contain_text(words)
    link = page.locator("#selection-link").get_attribute("href")
    assert "selector(type=TextQuoteSelector" in link
    shot(page, "passage-cite-selection")

    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    assert "@incollection{" in page.evaluate("navigator.clipboard.readText()")

    page.goto(link)
    expect(page.locator("mark.cited")).to_have_text(words)


MALFORMED_FRAGMENTS = [
    "#selector(type=TextQuoteSelector,exact=%20)",
    "#selector(type=TextQuoteSelector,exact=%20%0A%09,prefix=Tratatul)",
    "#selector(type=TextQuoteSelector,exact=)",
    "#selector(type=TextQuoteSelector,exact=%E0%A4%A,suffix=%)",
    "#selector(type=TextQuoteSelector,=,==,exact,prefix=(",
    "#selector(exact=Tratatul)",
    "#selector()",
]
# Change the address's fragment within the page, and wait until the page has followed it.
FOLLOW = """hash => new Promise((resolve) => {
    addEventListener("hashchange", resolve, { once: true });
    location.hash = hash;
})"""


def test_a_malformed_selector_in_the_link_is_ignored_quietly(page, archive_url, shot):
    errors, marked = [], []
    page.on("pageerror", lambda error: errors.append(f"{fragment}: {error}"))
    url = f"{archive_url}{Passage.objects.get(document__slug=SLUGS['001'], n=2).get_absolute_url()}"
    for fragment in MALFORMED_FRAGMENTS:
        page.goto("about:blank")
        page.goto(url + fragment)
        expect(page.locator("blockquote.passage-text")).to_be_visible()
        # Followed within the page too, as when a reader edits the address.
        page.evaluate(FOLLOW, "")
        page.evaluate(FOLLOW, fragment)
        if page.locator("mark.cited").count():
            marked.append(fragment)
    assert (errors, marked) == ([], [])
    shot(page, "passage-malformed-selector", full_page=False)
    # A well-formed selector after them still marks its words.
    page.evaluate(FOLLOW, "#selector(type=TextQuoteSelector,exact=Tratatul)")
    expect(page.locator("mark.cited")).to_have_text("Tratatul")
