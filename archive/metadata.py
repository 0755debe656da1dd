"""Metadata embedded in the reader's pages, so that reference managers and search engines read
what a page cites: Highwire Press and Dublin Core meta tags, Open Graph, COinS and JSON-LD."""

import json
from urllib.parse import quote, urlencode, urljoin, urlsplit

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from archive.citation import ARCHIVE_NAME, Cited, cite, date_parts, iso_date
from archive.models import Document, Passage

DC_TYPE = "Text"
# Escaped so that no string in the data can close the <script> element or open a comment:
# the same characters Django's json_script escapes.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data: dict) -> SafeString:
    """JSON for the inside of a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


def dated(document: Document) -> list[int]:
    """The date a document goes by: its source's where known, else the day it was imported."""
    parts = date_parts(document.source_date)
    if parts or not document.imported_at:
        return parts
    day = timezone.localdate(document.imported_at)
    return [day.year, day.month, day.day]


def creator(document: Document) -> str:
    """Who a document is by, for fields that need someone: author, publisher, or source site."""
    return document.author or document.publisher or urlsplit(document.source_url).hostname or ""


def pairs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    """(name, content) pairs, leaving out those with no content."""
    return [(name, str(content)) for name, content in items if content]


def document_node(document: Document, url: str) -> dict:
    """A document as a schema.org CreativeWork."""
    node = {
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": document.display_title,
        "identifier": document.slug,
        "inLanguage": document.language,
        "author": {"@type": "Person", "name": document.author} if document.author else None,
        "publisher": {"@type": "Organization", "name": document.publisher}
        if document.publisher
        else None,
        "dateCreated": iso_date(dated(document)),
        "dateModified": document.updated_at.isoformat() if document.updated_at else None,
        "version": document.source_revision,
        "isBasedOn": document.source_url,
    }
    return {key: value for key, value in node.items() if value}


def embedded(highwire, dublin_core, opengraph, coins, jsonld) -> dict:
    """The metadata as meta_tags.html renders it."""
    jsonld = {"@context": "https://schema.org", **jsonld}
    return {
        "highwire": highwire,
        "dublin_core": [("DC.type", DC_TYPE), *dublin_core],
        "opengraph": [("og:site_name", str(ARCHIVE_NAME)), *opengraph],
        "coins": urlencode([("ctx_ver", "Z39.88-2004"), *coins], safe="", quote_via=quote),
        "jsonld": jsonld,
        "jsonld_script": jsonld_script(jsonld),
    }


def part_node(document: Document, n: int, page_url: str) -> dict:
    """A passage as a schema.org part of its document."""
    url = passage_url(document, n, page_url)
    name = gettext("Passage %(n)s") % {"n": n}
    identifier = f"{document.slug}:{n}"
    return {
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": name,
        "position": n,
        "identifier": identifier,
    }


def highwire_date(parts: list[int]) -> str:
    """Date parts as Highwire Press writes them: 2023/05/01."""
    return "/".join(f"{part:02d}" for part in parts)


def document_metadata(document: Document, canonical_url: str) -> dict:
    """The embedded metadata of a document's page."""
    date, title = dated(document), document.display_title
    numbers = document.passages.current().order_by("position").values_list("n", flat=True)
    return embedded(
        highwire=pairs(
            ("citation_title", title),
            ("citation_author", creator(document)),
            ("citation_publication_date", highwire_date(date)),
            ("citation_language", document.language),
            ("citation_publisher", document.publisher),
            ("citation_public_url", canonical_url),
            ("citation_abstract_html_url", canonical_url),
        ),
        dublin_core=dublin_core(document, title, canonical_url, document.slug, document.language),
        opengraph=pairs(("og:type", "article"), ("og:title", title), ("og:url", canonical_url)),
        coins=pairs(
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
            ("rft.title", title),
            ("rft.creator", document.author),
            ("rft.publisher", document.publisher),
            ("rft.date", iso_date(date)),
            ("rft.language", document.language),
            ("rft.type", DC_TYPE),
            ("rft.source", document.source_url),
            ("rft_id", canonical_url),
        ),
        jsonld={
            **document_node(document, canonical_url),
            "hasPart": [part_node(document, n, canonical_url) for n in numbers],
        },
    )


def passage_url(document: Document, n: int, page_url: str) -> str:
    """The absolute URL of a passage, on the same site as a page."""
    return urljoin(page_url, reverse("archive:passage", kwargs={"slug": document.slug, "n": n}))


def dublin_core(document: Document, title: str, url: str, identifier: str, language: str) -> list:
    """Dublin Core elements shared by a document's page and a passage's."""
    return pairs(
        ("DC.title", title),
        ("DC.creator", document.author),
        ("DC.publisher", document.publisher),
        ("DC.date", iso_date(dated(document))),
        ("DC.language", language),
        ("DC.identifier", url),
        ("DC.identifier", identifier),
        ("DC.source", document.source_url or document.source_file),
    )


def passage_metadata(passage: Passage, canonical_url: str, *, revision: int | None = None) -> dict:
    """The embedded metadata of a passage's page, for one revision of its text."""
    cited: Cited = cite(passage, canonical_url, revision=revision)
    document = passage.document
    document_url = urljoin(canonical_url, document.get_absolute_url())
    book, date = document.display_title, dated(document)
    jsonld = {
        "@type": "CreativeWork",
        "@id": canonical_url,
        "url": canonical_url,
        "name": cited.title,
        "identifier": passage.ref,
        "position": passage.n,
        "text": cited.text,
        "inLanguage": cited.language,
        "version": cited.revision,
        "dateModified": cited.revised_on.isoformat() if cited.revised_on else None,
        "isPartOf": document_node(document, document_url),
    }
    return embedded(
        highwire=pairs(
            ("citation_title", cited.title),
            ("citation_inbook_title", book),
            ("citation_author", creator(document)),
            ("citation_publication_date", highwire_date(date)),
            ("citation_language", cited.language),
            ("citation_publisher", document.publisher),
            ("citation_public_url", canonical_url),
            ("citation_abstract_html_url", canonical_url),
        ),
        dublin_core=[
            *dublin_core(document, cited.title, canonical_url, passage.ref, cited.language),
            *pairs(("DCTERMS.isPartOf", document_url)),
        ],
        opengraph=pairs(
            ("og:type", "article"),
            ("og:title", f"{cited.title} — {book}"),
            ("og:url", canonical_url),
            ("og:description", Truncator(cited.text).chars(200)),
        ),
        coins=pairs(
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"),
            ("rft.genre", "bookitem"),
            ("rft.atitle", cited.title),
            ("rft.btitle", book),
            ("rft.au", document.author),
            ("rft.pub", document.publisher),
            ("rft.date", iso_date(date)),
            ("rft_id", canonical_url),
        ),
        jsonld={key: value for key, value in jsonld.items() if value},
    )
