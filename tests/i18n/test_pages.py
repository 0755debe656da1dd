"""Every page type in Croatian and in Romanian, asked for by Accept-Language and by the language
cookie: the interface speaks the language (no English interface word is left in it), the page
says so in <html lang>, the texts keep their own lang, the switcher is there, and the page links
to the same addresses as in English."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from lxml import html

from archive.models import Document, Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "search with results": "/search/?q=Molotov",
    "search with filters": "/search/?q=pakt&language=hr&year=1939",
    "search without results": "/search/?q=zzxqvw",
    "refused search": "/search/?q=pakt&page=x",
    "catalogue": "/documents/",
    "reader": f"/documents/{SLUGS['001']}/",
    "passage": f"/documents/{SLUGS['001']}/5/",
    "search in a document": f"/documents/{SLUGS['001']}/?q=Molotov",
    "search with a year range": "/search/?q=pakt&year_from=1939&year_to=1941",
    "refused year range": "/search/?q=pakt&year_from=1941&year_to=1939",
    "passage from a search": f"/documents/{SLUGS['001']}/5/?q=Germania",
    "unknown document (404)": "/documents/no-such-document/",
    "page past the last (404)": "/search/?q=Molotov&page=99",
}
# Words of the English interface. Each is also checked not to be a Croatian or Romanian word
# the translations use ("document", "link", "text", "concept" and "note" are Romanian words).
ENGLISH = {
    "search",
    "searched",
    "documents",
    "passage",
    "passages",
    "cite",
    "citation",
    "copy",
    "download",
    "next",
    "previous",
    "source",
    "sources",
    "language",
    "languages",
    "title",
    "notes",
    "revision",
    "revisions",
    "skip",
    "content",
    "found",
    "filters",
    "sort",
    "relevance",
    "archive",
    "withdrawn",
    "permalink",
    "page",
    "pages",
    "reference",
    "the",
    "and",
    "of",
    "with",
    "in",
    "for",
    "words",
    "selected",
    "change",
    "interface",
    "main",
    "breadcrumbs",
    "provenance",
    "imported",
    "publisher",
    "author",
    "year",
    "results",
    "matches",
    "mentioned",
    "relations",
    "multilingual",
    "citable",
    "accessed",
    "quoting",
    "managers",
    "selection",
}
# Attributes a person reads (or hears), and the messages the page's scripts show.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
MESSAGE_ATTRIBUTES = (
    *("data-copied", "data-fallback", "data-failed", "data-selected", "data-working"),
    *("data-ready", "data-found", "data-not-found", "data-chosen", "data-take-label"),
)


def interface_words(page: str, language: str) -> set[str]:
    """The words of the page's interface: everything but the texts in their own languages, the
    query syntax, and the names and words the archive keeps as they are (translate="no": a
    publisher, an author, curators' notes and tags)."""
    # Names (a document's title, publisher and author in a citation) are no interface words.
    for names in Document.objects.values_list("title", "publisher", "author"):
        for name in filter(None, names):
            page = page.replace(name, " ")
    tree = html.fromstring(page)
    for element in tree.xpath(
        f"//body//*[@lang and @lang != '{language}'] | //*[@translate='no'] | //script | //code"
        # A passage's reference <slug>:<n>: an identifier, the same in every language.
        " | //*[contains(@class, 'ref')]"
        " | //head | //input[not(@type='submit' or @type='button')] | //select[@name='language']"
        # COinS: an OpenURL for reference managers in a title attribute, read by no person.
        " | //*[contains(@class, 'Z3988')]"
    ):
        element.drop_tree()
    words = tree.text_content().split()
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name in READ_ATTRIBUTES or name in MESSAGE_ATTRIBUTES:
                words += value.split()
    # Addresses and references (<slug>:<n>, in a citation) are no words of any language.
    words = [
        word
        for word in words
        if "://" not in word and not word.startswith("/") and not re.search(r":\d", word)
    ]
    return {w.lower() for word in words for w in re.findall(r"[^\W\d_]+", word)}


def ask(client, path: str, language: str, means: str):
    if means == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    return client.get(path, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.3")


def addresses(page: str) -> set[str]:
    """Where the page links, facets aside (among equal counts they are listed in the order of
    their labels, which is the interface language's)."""
    tree = html.fromstring(page)
    for facets in tree.xpath("//aside[contains(@class, 'facets')]"):
        facets.drop_tree()
    return {*tree.xpath("//a/@href"), *tree.xpath("//link[@rel='canonical']/@href")} | {
        form.get("action") for form in tree.forms
    }


def test_the_english_words_are_not_croatian_or_romanian_ones():
    """The list of English words may not hold a word the translations themselves use."""
    from tests.i18n.po import read

    for language in ("hr", "ro"):
        path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        used = {
            w.lower()
            for entry in read(path)[1:]
            for text in entry.msgstr.values()
            for w in re.findall(r"[^\W\d_]+", re.sub(r"<[^>]+>|%\(\w+\)\w|\{\w+\}", " ", text))
        }
        assert not ENGLISH & used, language


@pytest.mark.parametrize("means", ["accept-language", "cookie"])
@pytest.mark.parametrize("language", ["hr", "ro"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_speaks_the_interface_language(client, name, language, means):
    path = PAGES[name]
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    response = ask(client, path, language, means)
    page = response.content.decode()
    assert response.status_code == english.status_code
    assert re.search(rf'<html lang="{language}">', page)
    switcher = html.fromstring(page).xpath("//form[@action='/i18n/setlang/']")
    assert switcher and switcher[0].xpath(".//input[@name='next']/@value") == [path]
    assert addresses(page) == addresses(english.content.decode())
    left = interface_words(page, language) & ENGLISH
    assert not left, f"English interface words on the {name} page in {language}: {sorted(left)}"
    # The test's own check of itself: the same page in English is full of them.
    assert interface_words(english.content.decode(), "en") & ENGLISH


@pytest.fixture
def passages_in_every_state():
    """A passage with curators' notes, a withdrawn one and an earlier revision of a third."""
    call_command("import_annotations", "fixtures/annotations.jsonld", verbosity=0)
    withdrawn = Passage.objects.get(document__slug=SLUGS["002"], n=3)
    withdrawn.withdraw()
    revised = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    revised.revise(revised.text + " (corrected)", reason="edit", note="a correction")
    return {
        "with notes": revised.get_absolute_url(),
        "withdrawn": withdrawn.get_absolute_url(),
        "an earlier revision": revised.get_absolute_url() + "?rev=1",
    }


@pytest.mark.parametrize("language", ["hr", "ro"])
def test_passages_in_every_state_speak_the_interface_language(
    client, passages_in_every_state, language
):
    for name, path in passages_in_every_state.items():
        page = ask(client, path, language, "cookie").content.decode()
        left = interface_words(page, language) & ENGLISH
        assert not left, f"English interface words on a passage {name} in {language}: {left}"
        assert interface_words(client.get(path).content.decode(), "en") & ENGLISH


@pytest.mark.parametrize("language", ["hr", "ro"])
def test_the_texts_keep_their_own_language(client, language):
    page = ask(client, PAGES["passage"], language, "cookie").content.decode()
    tree = html.fromstring(page)
    assert tree.get("lang") == language
    assert tree.xpath("//blockquote[@class='passage-text']/@lang") == ["ro"]
    reader = html.fromstring(ask(client, PAGES["reader"], language, "cookie").content.decode())
    assert reader.xpath("//article/@lang") == ["ro"]
    assert {a.get("lang") for a in reader.xpath("//a[@class='passage-number']")} == {language}


API_ERRORS = {
    "a refused parameter": ("/api/search/?page=x", 400),
    "a page past the last": ("/api/search/?q=Molotov&page=999", 404),
    "an unknown passage": (f"/api/documents/{SLUGS['001']}/9999/", 404),
    "an unknown document's annotations": ("/api/annotations/?document=no-such", 404),
    "a number out of range": ("/api/annotations/?page=0&page_size=x", 400),
    "a malformed reference": ("/api/annotations/?passage=nowhere", 400),
}


@pytest.mark.parametrize("means", ["accept-language", "cookie"])
@pytest.mark.parametrize("language", ["hr", "ro"])
@pytest.mark.parametrize("name", API_ERRORS)
def test_the_api_gives_its_reasons_in_the_interface_language(client, name, language, means):
    path, status = API_ERRORS[name]
    english = client.get(path)
    response = ask(client, path, language, means)
    assert english.status_code == response.status_code == status
    said, said_in_english = response.json(), english.json()
    # The same shape and keys; only what a person reads changes.
    assert said.keys() == said_in_english.keys()
    assert said.get("details", {}).keys() == said_in_english.get("details", {}).keys()
    reasons = [said["error"], *(r for rs in said.get("details", {}).values() for r in rs)]
    english_reasons = [
        said_in_english["error"],
        *(r for rs in said_in_english.get("details", {}).values() for r in rs),
    ]
    assert all(a != b for a, b in zip(reasons, english_reasons, strict=True)), reasons
    words = {w.lower() for r in reasons for w in re.findall(r"[^\W\d_]+", r)}
    assert not words & ENGLISH, reasons
