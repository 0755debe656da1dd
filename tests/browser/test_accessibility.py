"""Every page type passes axe-core's WCAG 2.2 A and AA rules, on a desktop and on a phone."""

from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Passage
from tests.conftest import SLUGS
from tests.factories import PASSWORD, superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_violations(page) -> list[str]:
    """axe-core's violations of the WCAG A and AA rules on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    # Every rule runs on every node; only the violations are gathered node by node (the passes
    # and the rest, which nothing reads, one node each).
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def public_views():
    """(name, path) for every public page type, set up from the seed corpus and its notes."""
    call_command("import_annotations", "fixtures/annotations.jsonld", verbosity=0)
    withdrawn = Passage.objects.get(document__slug=SLUGS["002"], n=3)
    withdrawn.withdraw()
    revised = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    revised.revise(revised.text + " (corrected)", reason="edit", note="a correction")
    return [
        ("home", "/"),
        ("search", "/search/?q=Molotov"),
        ("search-empty", "/search/?q=zzzyqx"),
        ("search-year-range", "/search/?q=Poland&year_from=1939&year_to=1940"),
        ("search-bad-range", "/search/?q=Poland&year_from=1941&year_to=1939"),
        ("catalogue", "/documents/"),
        ("reader", f"/documents/{SLUGS['003']}/"),
        ("reader-search", f"/documents/{SLUGS['003']}/?q=Molotov"),
        ("passage", f"/documents/{SLUGS['003']}/2/"),
        ("passage-from-hit", f"/documents/{SLUGS['003']}/2/?q=Molotov&hit=1"),
        ("passage-with-notes", f"/documents/{SLUGS['003']}/4/"),
        ("passage-withdrawn", withdrawn.get_absolute_url()),
        ("passage-old-revision", revised.get_absolute_url() + "?rev=1"),
        ("not-found", "/documents/no-such-document/"),
        ("admin-login", "/admin/login/"),
    ]


def sign_in(page, archive_url):
    user = superuser()
    page.goto(archive_url + "/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


# What a curator sees: the admin's own pages, and the public ones with their tools.
CURATOR_VIEWS = [
    ("admin-passages", "/admin/archive/passage/?q=influence"),
    ("passage-as-curator", f"/documents/{SLUGS['003']}/4/"),
]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run make node")
def test_every_page_type_has_no_wcag_violations(browser, archive_url, private_index):
    views = public_views()
    found = {}
    for width, viewport in WIDTHS.items():
        # axe is injected inline, which the site's CSP rightly refuses.
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        for name, path in views:
            page.goto(archive_url + path)
            found[f"{name} @ {width}"] = axe_violations(page)
        context.close()
    context = browser.new_context(viewport=WIDTHS["desktop"], bypass_csp=True)
    page = context.new_page()
    sign_in(page, archive_url)
    for name, path in CURATOR_VIEWS:
        page.goto(archive_url + path)
        found[f"{name} @ desktop"] = axe_violations(page)
    context.close()
    assert not {name: lines for name, lines in found.items() if lines}
