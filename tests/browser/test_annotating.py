"""A curator annotates words by selecting them in the admin; readers see the note."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from archive.models import Passage
from tests.conftest import SLUGS
from tests.factories import PASSWORD, superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base):
    superuser("curator")
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def select_words(page, words):
    """Select words inside the passage text box with a real mouse drag."""
    box = page.locator(".annotate-source")
    start = box.evaluate(
        """(el, words) => {
            const node = el.firstChild, at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + 1);
            const first = range.getBoundingClientRect();
            range.setStart(node, at + words.length - 1); range.setEnd(node, at + words.length);
            const last = range.getBoundingClientRect();
            return [first.left + 1, first.top + first.height / 2,
                    last.right - 1, last.top + last.height / 2];
        }""",
        words,
    )
    page.mouse.move(start[0], start[1])
    page.mouse.down()
    page.mouse.move(start[2], start[3], steps=5)
    page.mouse.up()


def test_curator_selects_words_and_readers_see_the_note(page, archive_url, shot):
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    log_in(page, archive_url)
    page.goto(f"{archive_url}/admin/annotations/annotation/add/?passage={passage.pk}")
    select_words(page, "Litinov had Jewish ancestry")
    expect(page.locator("[name=exact]")).to_have_value("Litinov had Jewish ancestry")
    expect(page.locator(".annotate-status")).to_contain_text("Selected:")
    page.locator("[name=motivation]").select_option("correcting")
    page.locator("[name=body]").fill(
        "The essay misspells **Maxim Litvinov**, Soviet foreign commissar until May 1939."
    )
    page.locator("[name=tags]").fill("typo, person")
    page.locator("[name=status]").select_option("published")
    shot(page, "admin-annotate", full_page=False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    note = Annotation.objects.get()
    assert passage.text[note.start : note.end] == "Litinov had Jewish ancestry"

    page.goto(f"{archive_url}{passage.get_absolute_url()}")
    mark = page.locator("mark.annotated")
    expect(mark).to_have_text("Litinov had Jewish ancestry")
    expect(page.locator(".notes")).to_contain_text("Maxim Litvinov")
    # Keyboard: the note reference is a link that takes the reader to the note.
    page.locator(".note-ref").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{archive_url}{passage.get_absolute_url()}#note-{note.uuid}")
    shot(page, "passage-with-note")
