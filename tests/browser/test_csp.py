"""Every kind of page works under the Content-Security-Policy: nothing on it is blocked."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Passage
from tests.conftest import SLUGS
from tests.factories import PASSWORD, superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the browser blocks; set before any script of the page runs.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def csp_page(page):
    """A page that records CSP violations and console errors that mention the policy."""
    page.add_init_script(LISTEN)
    page.console_errors = []

    def record(message):
        if "Content Security Policy" in message.text:
            page.console_errors.append(message.text)

    page.on("console", record)
    return page


def visit(page, url):
    """Open url, check that it is served under the policy, and return what was blocked."""
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp") + page.console_errors


def test_reader_pages_pass_the_policy(csp_page, archive_url, private_index, shot):
    passage = Passage.objects.filter(document__slug=SLUGS["002"]).order_by("n").first()
    pages = [
        "/",
        "/documents/",
        f"/documents/{SLUGS['002']}/",
        passage.get_absolute_url(),
        "/search/?q=Molotov",
    ]
    for path in pages:
        assert visit(csp_page, archive_url + path) == [], path
    # The search page shows its facets and the year histogram, drawn without inline styles.
    expect(csp_page.locator(".hit").first).to_be_visible()
    expect(csp_page.locator("#facet-language")).to_be_visible()
    bars = csp_page.locator(".histogram .bar")
    lengths = {round(bar.bounding_box()["width"]) for bar in bars.all()}
    assert len(lengths) > 2, lengths
    shot(csp_page, "csp-search", full_page=False)


def test_admin_pages_pass_the_policy(csp_page, archive_url, shot):
    superuser("curator")
    assert visit(csp_page, f"{archive_url}/admin/login/") == []
    csp_page.get_by_label("Username").fill("curator")
    csp_page.get_by_label("Password").fill(PASSWORD)
    csp_page.get_by_role("button", name="Log in").click()
    expect(csp_page.locator("#site-name")).to_be_visible()

    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    for url in (
        reverse("admin:index"),
        reverse("admin:archive_passage_changelist") + "?q=Molotov",
        reverse("admin:archive_passage_change", args=[passage.pk]),
    ):
        assert visit(csp_page, archive_url + url) == [], url
    add = reverse("admin:annotations_annotation_add") + f"?passage={passage.pk}"
    assert visit(csp_page, archive_url + add) == []
    expect(csp_page.locator(".annotate-source")).to_contain_text(passage.text[:40])
    # The autocomplete widgets (select2) open and search under the policy too.
    csp_page.locator(".field-link_passage .select2-selection").click()
    csp_page.locator(".select2-search__field").fill("Molotov")
    expect(csp_page.locator(".select2-results__option").first).to_be_visible()
    csp_page.keyboard.press("Escape")
    assert csp_page.evaluate("window.__csp") + csp_page.console_errors == []
    shot(csp_page, "csp-admin-annotate", full_page=False)


def test_a_violation_would_be_caught(csp_page, archive_url):
    """The listener works: an inline style added to a page is blocked and recorded."""
    assert visit(csp_page, archive_url + "/documents/") == []
    csp_page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')"
    )
    csp_page.wait_for_function("window.__csp.length > 0")
    assert csp_page.evaluate("window.__csp")[0].startswith("style-src")
