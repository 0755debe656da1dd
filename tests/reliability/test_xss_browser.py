"""Stored XSS: script-bearing text everywhere a curator or a source can put text, then every page
that shows it opened in a real Chromium.

The payloads go in the way real data does: a source file imported with the importer (document
title, source URL and revision, section headings, passage text), an annotation saved with
`save_annotation` (note body, tags, quote), a thesaurus concept whose labels become a facet value
and a query expansion, and the search query itself. Each payload would set `window.__xss` or
open a dialog if it ran.

Every page is opened twice: as served (under the Content-Security-Policy) and with the policy
bypassed, so that escaping is checked on its own and not only hidden behind the policy. On each
page: no dialog opens, `window.__xss` stays undefined, no element carries an event-handler
attribute or a javascript: URL, no script is inline except JSON data that still parses, and no
template syntax was evaluated.
"""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction

from annotations.models import Annotation, AnnotationStatus
from annotations.services import save_annotation
from archive.concepts.tagging import request_retag
from archive.ingest.catalogue import Catalogue
from archive.ingest.importer import import_paths
from archive.models import Concept, ConceptLabel, Document
from tests.factories import PASSWORD, superuser

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

MARK = "Zxqvword"  # a word found nowhere else: the search that brings the payloads up
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x data-xss onerror=\"window.__xss=1;alert('img')\">",
    '"><svg data-xss onload="window.__xss=1">',
    "'><svg/data-xss/onload=window.__xss=1>",
    "javascript:window.__xss=1",
    '<a data-xss href="javascript:window.__xss=1">link</a>',
    '<details data-xss open ontoggle="window.__xss=1">',
    '<div data-xss onmouseover="window.__xss=1">hover</div>',
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    '<iframe data-xss srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "{{ request.META }} {% debug %} ${window.__xss=1} #{7*7}",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "<style>body{display:none}</style><b data-xss>bold</b>",
]
BLOB = " ".join(PAYLOADS)
SHORT = PAYLOADS[1]  # fits the 200-character fields (concept labels)

CHECK_PAGE = """() => {
    const found = [];
    if (window.__xss !== undefined) found.push("window.__xss was set");
    if (document.querySelector("[data-xss]")) found.push("a payload became an element");
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) found.push(`${el.tagName} has ${attr.name}`);
            if (/^(href|src|action|formaction|xlink:href|srcdoc)$/i.test(attr.name)
                    && /^\\s*javascript:/i.test(attr.value))
                found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
        if (el.tagName === "SCRIPT" && !el.src) {
            if (!/^application\\/(ld\\+)?json$/.test(el.type))
                found.push("inline script: " + el.textContent.slice(0, 80));
            else try { JSON.parse(el.textContent); }
                catch (e) { found.push("JSON in a script element no longer parses"); }
        }
        if (el.tagName === "IFRAME") found.push("an iframe");
    }
    const text = document.documentElement.innerHTML;
    if (/WSGIRequest|wsgi\\.input|DJANGO_SETTINGS_MODULE/.test(text))
        found.push("template syntax was evaluated");
    return found;
}"""


def wiki_source(path):
    """A wiki export whose every field carries payloads."""
    path.write_text(
        "\n".join(
            [
                f"title: Pact {PAYLOADS[8]} {PAYLOADS[1]}",
                "url: javascript:window.__xss=1",
                f"revision: {PAYLOADS[2]}",
                "---",
                f"== Heading {PAYLOADS[0]} {PAYLOADS[2]} ==",
                f"The treaty of non-aggression was signed in Moscow in August 1939 by {MARK}. "
                f"The secret protocol divided Eastern Europe. {BLOB}",
                f"== Second {PAYLOADS[10]} ==",
                f"The foreign ministers {MARK} met again in Berlin in November 1940 and talked "
                f"about spheres of influence and the Axis. {BLOB}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def stored_payloads(archive_url, tmp_path, monkeypatch):
    """The payloads stored through the importer, the annotation code and the thesaurus."""
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)  # a private index-writer lock
    results = import_paths(
        [wiki_source(tmp_path / "xss_wiki_export.txt")],
        Catalogue.load(settings.ARCHIVE_CATALOGUE),
    )
    assert not [r.error for r in results if r.failed]
    document = Document.objects.get(source_file="xss_wiki_export.txt")
    # The importer keeps only web addresses; store the payload behind its back to check that
    # the pages would not make it a link either.
    assert document.source_url == ""
    Document.objects.filter(pk=document.pk).update(source_url="javascript:window.__xss=1")
    document.refresh_from_db()
    passage = document.passages.order_by("n").first()
    curator = superuser("curator")
    note = save_annotation(
        Annotation(
            passage=passage,
            exact=MARK,
            body=f"{BLOB}\n\n[a link](javascript:window.__xss=1) and <{PAYLOADS[4]}>",
            tags=f"{SHORT}, {PAYLOADS[2]}",
            status=AnnotationStatus.PUBLISHED,
        ),
        user=curator,
    )
    with transaction.atomic():
        concept = Concept.objects.create(slug="xss-probe", kind="term", note=BLOB)
        ConceptLabel.objects.create(concept=concept, language="en", text=SHORT, preferred=True)
        ConceptLabel.objects.create(concept=concept, language="en", text=MARK)
        request_retag()
    # A second revision, so the permalink can show the first one with a diff.
    with transaction.atomic():
        passage.revise(passage.text + f" {PAYLOADS[11]}", reason="edit")
    assert passage.concept_tags.filter(concept=concept).exists()
    return {"document": document, "passage": passage, "note": note, "concept": concept}


def pages(base: str, stored) -> list[str]:
    document, passage = stored["document"], stored["passage"]
    note, concept = stored["note"], stored["concept"]
    admin = f"{base}/admin/archive"
    searches = [
        # Found only in the passage without a note, then in both.
        {"q": f"November {MARK}"},
        {"q": f"November {PAYLOADS[0]}"},
        {"q": MARK},
        {"q": f"{MARK} secret", "concept": concept.slug, "sort": "document"},
        {"q": PAYLOADS[0]},
        {"q": PAYLOADS[2] + " " + MARK},
        {"q": PAYLOADS[8]},
        {"q": '"' + PAYLOADS[10]},
        {"q": PAYLOADS[12]},
    ]
    return [
        *(f"{base}/search/?{urlencode(params)}" for params in searches),
        f"{base}/",
        f"{base}/documents/",
        f"{base}{document.get_absolute_url()}",
        f"{base}{passage.get_absolute_url()}",
        f"{base}{passage.get_absolute_url()}?rev=1",
        f"{base}/api/search/?{urlencode({'q': MARK})}",
        f"{base}/api/documents/{document.slug}/{passage.n}/",
        f"{admin}/document/",
        f"{admin}/document/{document.pk}/change/",
        f"{admin}/passage/?{urlencode({'q': MARK})}",
        f"{admin}/passage/{passage.pk}/change/",
        f"{base}/admin/annotations/annotation/",
        f"{base}/admin/annotations/annotation/{note.pk}/change/",
        f"{base}/admin/annotations/annotation/add/?passage={passage.pk}",
        f"{admin}/concept/",
        f"{admin}/concept/{concept.pk}/change/",
    ]


def log_in(page, base):
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/admin/")


@pytest.mark.parametrize("policy", ["as served", "bypassed"])
def test_stored_payloads_never_run_on_any_page(browser, archive_url, stored_payloads, policy, shot):
    context = browser.new_context(bypass_csp=policy == "bypassed")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = {}
    try:
        log_in(page, archive_url)
        for url in pages(archive_url, stored_payloads):
            response = page.goto(url)
            page.wait_for_load_state("load")
            # Hover and focus what is there, so that handlers that need an event get one.
            page.mouse.move(200, 200)
            page.mouse.move(400, 300)
            problems = page.evaluate(CHECK_PAGE)
            if response is None or response.status != 200:
                problems.append(f"status {response and response.status}")
            if dialogs:
                problems.append(f"dialogs: {dialogs}")
                dialogs.clear()
            if problems:
                found[url.removeprefix(archive_url)] = problems
        page.goto(archive_url + stored_payloads["passage"].get_absolute_url())
        shot(page, f"xss-permalink-{policy.replace(' ', '-')}")
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
