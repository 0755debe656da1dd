"""Metadata embedded in the reader's pages, so that reference managers and search engines read
what a page cites: Highwire Press and Dublin Core meta tags, Zotero's own fields, Open Graph and
JSON-LD — all from the description a citation is made of, so that they agree with the files.

No COinS span: Zotero runs its COinS translator before Embedded Metadata (a lower priority
number runs first; zotero/translators COinS.js and Embedded Metadata.js), and makes the item
from the OpenURL ContextObject alone (Zotero.OpenURL.parseContextObject). For a book item that
reads titles, authors, publisher, date, pages and identifiers, and nothing else: language is
read only in the Dublin Core format, which makes the item a web page; there is no key for an
archive or a place in it; and an http rft_id sets the access date to empty, so Zotero does not
fill it in. A COinS span can therefore never give a complete item, and any COinS span hides
the complete one the meta tags give (type from citation_book_title, language from
citation_language, archive and archive location from the z.* names Embedded Metadata hands to
Zotero's RDF import, the access date filled in as for every web item with a URL)."""

import json
from urllib.parse import urljoin

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from archive.citation import ARCHIVE_NAME, Cited, cite, date_parts, iso_date
from archive.links import passage_path
from archive.models import Document, Passage

DC_TYPE = "Text"
# Escaped so that no string in the data can close the <script> element or open a comment:
# the same characters Django's json_script escapes.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data: dict) -> SafeString:
    """JSON for the inside of a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


def dated(document: Document) -> list[int]:
    """The source's own date as far as it is known (the catalogue's, or the source's); none
    when unknown — the day it was imported is the archive's, not the source's."""
    return date_parts(document.source_date)


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
        "version": document.source_revision,
        "isBasedOn": document.source_url,
    }
    return {key: value for key, value in node.items() if value}


def embedded(highwire, dublin_core, opengraph, jsonld, zotero=()) -> dict:
    """The metadata as meta_tags.html renders it."""
    jsonld = {"@context": "https://schema.org", **jsonld}
    return {
        "highwire": highwire,
        "dublin_core": [("DC.type", DC_TYPE), *dublin_core],
        "zotero": list(zotero),
        "opengraph": [("og:site_name", str(ARCHIVE_NAME)), *opengraph],
        "jsonld": jsonld,
        "jsonld_script": jsonld_script(jsonld),
    }


def part_node(document: Document, n: int, page_url: str, name: str) -> dict:
    """A passage as a schema.org part of its document."""
    url = passage_url(document, n, page_url)
    return {
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": name,
        "position": n,
        "identifier": f"{document.slug}:{n}",
    }


def highwire_date(parts: list[int]) -> str:
    """Date parts as Highwire Press writes them: 2023/05/01."""
    return "/".join(f"{part:02d}" for part in parts)


def document_metadata(document: Document, canonical_url: str, *, language=None) -> dict:
    """The embedded metadata of a document's page; `language` is the interface language the
    passages' names are written in."""
    date, title = dated(document), document.display_title
    passages = document.passages.current().order_by("position")
    parts = []
    for passage in passages.select_related("document"):
        name = cite(passage, canonical_url, language=language).title
        parts.append(part_node(document, passage.n, canonical_url, name))
    return embedded(
        highwire=pairs(
            ("citation_title", title),
            ("citation_author", document.author),
            ("citation_publication_date", highwire_date(date)),
            ("citation_language", document.language),
            ("citation_publisher", document.publisher),
            ("citation_public_url", canonical_url),
            ("citation_abstract_html_url", canonical_url),
        ),
        dublin_core=dublin_core(document, title, canonical_url, document.slug, document.language),
        opengraph=pairs(("og:type", "article"), ("og:title", title), ("og:url", canonical_url)),
        jsonld={**document_node(document, canonical_url), "hasPart": parts},
    )


def passage_url(document: Document, n: int, page_url: str) -> str:
    """The absolute URL of a passage, on the same site as a page."""
    return urljoin(page_url, passage_path(document.slug, n))


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


def passage_metadata(
    passage: Passage, canonical_url: str, *, revision: int | None = None, language=None
) -> dict:
    """The embedded metadata of a passage's page, for one revision of its text, its names in
    the interface language the caller gives."""
    cited: Cited = cite(passage, canonical_url, revision=revision, language=language)
    document = passage.document
    document_url = urljoin(canonical_url, document.get_absolute_url())
    book, date = document.display_title, dated(document)
    revised_on = cited.revised_on.isoformat() if cited.revised_on else ""
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
        "dateModified": revised_on,
        "isPartOf": document_node(document, document_url),
        "holdingArchive": {"@type": "ArchiveOrganization", "name": cited.archive},
    }
    return embedded(
        highwire=pairs(
            ("citation_title", cited.title),
            # Zotero's Embedded Metadata reads the type of item (a book section) and its book
            # from citation_book_title; Google Scholar reads citation_inbook_title.
            ("citation_book_title", book),
            ("citation_inbook_title", book),
            ("citation_author", document.author),
            ("citation_publication_date", highwire_date(date)),
            ("citation_language", cited.language),
            ("citation_publisher", document.publisher),
            ("citation_public_url", canonical_url),
            ("citation_abstract_html_url", canonical_url),
        ),
        dublin_core=[
            *dublin_core(document, cited.title, canonical_url, passage.ref, cited.language),
            *pairs(("DCTERMS.isPartOf", document_url), ("DCTERMS.modified", revised_on)),
        ],
        zotero=pairs(("z.archive", cited.archive), ("z.archiveLocation", passage.ref)),
        opengraph=pairs(
            ("og:type", "article"),
            ("og:title", f"{cited.title} — {book}"),
            ("og:url", canonical_url),
            ("og:description", Truncator(cited.text).chars(200)),
        ),
        jsonld={key: value for key, value in jsonld.items() if value},
    )
