"""Metadata embedded in the document and passage pages, read back as a reference manager or a
search engine would: JSON-LD, Dublin Core and Open Graph with extruct, Highwire meta tags and
COinS with lxml and urllib."""

from datetime import date

import extruct
import pytest
from django.template import Context, Template
from django.utils import timezone
from lxml import html

from archive.citation import ARCHIVE_NAME
from archive.metadata import document_metadata, jsonld_script, passage_metadata
from archive.models import Document, Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
PASSAGE_URL = f"{SITE}/documents/{SLUGS['001']}/5/"
PAGE = Template(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test</title>'
    '{% include "includes/meta_tags.html" %}</head><body><p>Text</p>'
    "</body></html>"
)


@pytest.fixture
def romanian() -> Passage:
    """Passage 5 of the Romanian Wikipedia export: a publisher and a source URL, no author."""
    return Passage.objects.select_related("document").get(document__slug=SLUGS["001"], n=5)


@pytest.fixture
def croatian() -> Document:
    """The Croatian essay: a title supplied by the archive, no author, publisher or URL."""
    return Document.objects.get(slug=SLUGS["000"])


def render(metadata: dict) -> str:
    return PAGE.render(Context({"metadata": metadata}))


def extract(page: str) -> dict:
    """What extruct finds in a page: JSON-LD, Dublin Core and Open Graph."""
    return extruct.extract(page, base_url=SITE, syntaxes=["json-ld", "dublincore", "opengraph"])


def meta_tags(page: str, prefix: str) -> list[tuple[str, str]]:
    """The (name, content) of each <meta> whose name starts with a prefix, in order."""
    tree = html.fromstring(page)
    return [
        (meta.get("name"), meta.get("content"))
        for meta in tree.xpath("//head/meta[@name]")
        if meta.get("name").startswith(prefix)
    ]


def dublin_core(page: str) -> dict[str, list[str]]:
    """Dublin Core elements and terms, as extruct reads them, by name."""
    [found] = extract(page)["dublincore"]
    values = {}
    for item in found["elements"] + found["terms"]:
        values.setdefault(item["name"], []).append(item["content"])
    return values


def imported_on(document: Document) -> date:
    return timezone.localdate(document.imported_at)


def test_passage_page_has_highwire_tags_for_a_part_of_its_document(romanian):
    page = render(passage_metadata(romanian, PASSAGE_URL))
    assert meta_tags(page, "citation_") == [
        ("citation_title", "Passage 5"),
        ("citation_book_title", "Relațiile sovieto-germane (1918–1941)"),
        ("citation_inbook_title", "Relațiile sovieto-germane (1918–1941)"),
        # No author and no date: the source names none, and the publisher is not an author,
        # nor the day of the import the source's date.
        ("citation_language", "ro"),
        ("citation_publisher", "Wikipedia (ro)"),
        ("citation_public_url", PASSAGE_URL),
        ("citation_abstract_html_url", PASSAGE_URL),
    ]


def test_passage_page_has_dublin_core_read_by_extruct(romanian):
    page = render(passage_metadata(romanian, PASSAGE_URL))
    values = dublin_core(page)
    assert values["DC.title"] == ["Passage 5"]
    assert values["DC.identifier"] == [PASSAGE_URL, f"{SLUGS['001']}:5"]
    assert values["DC.type"] == ["Text"]
    assert values["DC.language"] == ["ro"]
    assert values["DC.publisher"] == ["Wikipedia (ro)"]
    assert values["DC.source"] == [romanian.document.source_url]
    assert values["DCTERMS.isPartOf"] == [f"{SITE}/documents/{SLUGS['001']}/"]
    assert "DC.creator" not in values


def test_passage_page_has_schema_org_json_ld(romanian):
    page = render(passage_metadata(romanian, PASSAGE_URL, revision=1))
    [item] = extract(page)["json-ld"]
    assert item["@context"] == "https://schema.org" and item["@type"] == "CreativeWork"
    assert (item["name"], item["url"], item["identifier"]) == (
        "Passage 5",
        PASSAGE_URL,
        f"{SLUGS['001']}:5",
    )
    assert (item["position"], item["inLanguage"], item["version"]) == (5, "ro", 1)
    assert item["text"] == romanian.text
    document = item["isPartOf"]
    assert document["@type"] == "CreativeWork"
    assert document["name"] == "Relațiile sovieto-germane (1918–1941)"
    assert document["url"] == f"{SITE}/documents/{SLUGS['001']}/"
    assert document["publisher"] == {"@type": "Organization", "name": "Wikipedia (ro)"}
    assert "dateCreated" not in document
    assert item["holdingArchive"] == {"@type": "ArchiveOrganization", "name": str(ARCHIVE_NAME)}
    assert item["dateModified"] == imported_on(romanian.document).isoformat()
    assert document["isBasedOn"] == romanian.document.source_url


def test_open_graph_names_the_passage_and_the_site(romanian):
    page = render(passage_metadata(romanian, PASSAGE_URL))
    [found] = extract(page)["opengraph"]
    properties = dict(found["properties"])
    assert properties["og:site_name"] == str(ARCHIVE_NAME)
    assert properties["og:title"] == "Passage 5 — Relațiile sovieto-germane (1918–1941)"
    assert properties["og:url"] == PASSAGE_URL
    assert romanian.text.startswith(properties["og:description"].rstrip("…"))


def test_source_date_and_author_are_used_where_known(romanian):
    document = romanian.document
    document.author, document.source_date = "Ion Popescu", "2023-05-01"
    document.save()
    page = render(passage_metadata(romanian, PASSAGE_URL))
    highwire = dict(meta_tags(page, "citation_"))
    assert highwire["citation_author"] == "Ion Popescu"
    assert highwire["citation_publication_date"] == "2023/05/01"
    values = dublin_core(page)
    assert values["DC.creator"] == ["Ion Popescu"] and values["DC.date"] == ["2023-05-01"]
    [item] = extract(page)["json-ld"]
    assert item["isPartOf"]["author"] == {"@type": "Person", "name": "Ion Popescu"}
    assert item["isPartOf"]["dateCreated"] == "2023-05-01"


def test_an_earlier_revision_is_described_with_its_own_text(romanian):
    old = romanian.text
    romanian.revise(old.replace("München", "Munchen"), reason="edit")
    [item] = extract(render(passage_metadata(romanian, f"{PASSAGE_URL}?rev=1", revision=1)))[
        "json-ld"
    ]
    assert item["text"] == old and item["version"] == 1
    assert item["url"] == f"{PASSAGE_URL}?rev=1"
    [current] = extract(render(passage_metadata(romanian, PASSAGE_URL, revision=2)))["json-ld"]
    assert "Munchen" in current["text"] and current["version"] == 2


def test_document_page_lists_its_passages_and_brackets_a_supplied_title(croatian):
    url = f"{SITE}/documents/{croatian.slug}/"
    page = render(document_metadata(croatian, url))
    title = "[Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop]"
    highwire = dict(meta_tags(page, "citation_"))
    assert highwire["citation_title"] == title
    assert highwire["citation_language"] == "hr"
    # Nobody to name: no author, publisher or source site.
    assert "citation_author" not in highwire and "citation_publisher" not in highwire
    values = dublin_core(page)
    assert values["DC.title"] == [title] and values["DC.source"] == [croatian.source_file]
    assert values["DC.identifier"] == [url, croatian.slug]
    [item] = extract(page)["json-ld"]
    assert item["@type"] == "CreativeWork" and item["name"] == title
    passages = croatian.passages.current().order_by("position")
    assert [part["position"] for part in item["hasPart"]] == [p.n for p in passages]
    first = item["hasPart"][0]
    assert first["url"] == f"{url}{passages[0].n}/"
    assert first["identifier"] == passages[0].ref


def test_zotero_reads_the_archive_and_the_reference_from_its_own_fields(romanian):
    page = render(passage_metadata(romanian, PASSAGE_URL))
    assert meta_tags(page, "z.") == [
        ("z.archive", str(ARCHIVE_NAME)),
        ("z.archiveLocation", f"{SLUGS['001']}:5"),
    ]
    assert "coins" not in passage_metadata(romanian, PASSAGE_URL)


def test_json_ld_cannot_break_out_of_its_script_element(romanian):
    hostile = 'Text </script><script>alert("x")</script> <!-- & more'
    romanian.text = hostile  # not saved: only what is rendered matters
    page = render(passage_metadata(romanian, PASSAGE_URL))
    assert "</script><script>" not in page and "<!--" not in page
    assert html.fromstring(page).xpath("count(//script)") == 1
    [item] = extract(page)["json-ld"]
    assert item["text"] == hostile
    assert jsonld_script({"a": "<&>"}) == '{"a": "\\u003C\\u0026\\u003E"}'
