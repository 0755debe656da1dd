"""A reader follows an old citation: an earlier revision with its diff, a split passage."""

import pytest
from playwright.sync_api import expect

from archive.aliases import split_passage
from archive.models import Passage
from tests.conftest import SLUGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_old_revision_and_split_passage_pages(page, archive_url, shot):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    passage.revise(
        passage.text.replace("Litinov", "Litvinov"), reason="edit", note="spelling of Litvinov"
    )
    page.goto(f"{archive_url}{passage.get_absolute_url()}?rev=1")
    expect(page.get_by_role("status").first).to_contain_text("You are reading revision 1 of 2")
    expect(page.locator(".diff-text del").first).to_contain_text("Litinov")
    expect(page.locator(".diff-text ins").first).to_contain_text("Litvinov")
    shot(page, "passage-old-revision")
    page.get_by_role("link", name="Read the current text").click()
    expect(page.locator("blockquote.passage-text")).to_contain_text("Litvinov")

    other = Passage.objects.get(document__slug=SLUGS["003"], n=2)
    split_passage(other, other.text.index(". ") + 1, reason="two arguments")
    page.goto(f"{archive_url}{other.get_absolute_url()}")
    expect(page.get_by_text("This passage was split.")).to_be_visible()
    expect(page.locator(".notice li a")).to_have_count(2)
    shot(page, "passage-split")
