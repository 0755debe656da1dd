"""Citations of a passage: the plain-text note and the files reference managers read, each read
back by a real parser (bibtexparser, rispy, citeproc-py, jsonschema), the view that serves them,
and the "Cite this passage" box."""

import json
import re
import warnings
from datetime import date

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.template.loader import render_to_string
from lxml import html
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from archive.aliases import rename_document
from archive.citation import (
    FORMATS,
    biblatex,
    bibtex,
    csl_json,
    passage_citation,
    ris,
    text_quote_fragment,
)
from archive.models import Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

URL = f"https://archive.example/documents/{SLUGS['001']}/5/"
ACCESSED = date(2025, 5, 1)
QUOTE = "mai întîi relațiile comerciale și economice"

# The part of the CSL-JSON data schema (citation-style-language/schema, csl-data.json) that our
# items use; anything else is refused so that a misspelt variable fails here.
DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 2,
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": 3,
                "items": {"type": ["string", "number"]},
            },
        },
        "literal": {"type": "string"},
    },
    "additionalProperties": False,
}
NAME = {
    "type": "object",
    "properties": {key: {"type": "string"} for key in ("family", "given", "literal")},
    "additionalProperties": False,
}
CSL_ITEM = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {
        "id": {"type": ["string", "number"]},
        "type": {"enum": ["chapter"]},
        "author": {"type": "array", "items": NAME},
        "issued": DATE,
        "accessed": DATE,
        **{
            key: {"type": "string"}
            for key in (
                "title",
                "container-title",
                "publisher",
                "version",
                "section",
                "archive",
                "archive_location",
                "URL",
                "language",
                "note",
                "abstract",
            )
        },
    },
    "additionalProperties": False,
}
CSL_DATA = {"type": "array", "items": CSL_ITEM}


@pytest.fixture
def romanian() -> Passage:
    """A passage of the Romanian Wikipedia export: publisher, source revision, no author."""
    return Passage.objects.select_related("document").get(document__slug=SLUGS["001"], n=5)


@pytest.fixture
def croatian() -> Passage:
    """A passage of the Croatian essay, whose title the archive supplied."""
    return Passage.objects.select_related("document").get(document__slug=SLUGS["000"], n=1)


def latex_decoder() -> LatexNodes2Text:
    """bibtexparser's LaTeX decoder, plus LaTeX's \\textbraceleft and \\textbraceright (which
    pylatexenc does not know)."""
    context = get_default_latex_context_db()
    macros = [
        MacroTextSpec("url", simplify_repl="%s"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
    ]
    context.add_context_category("archive", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


def parse_bibtex(text: str, *, decode: bool = True):
    """The one entry of a BibTeX file, read by bibtexparser (LaTeX decoded unless asked not)."""
    middleware = [LatexDecodingMiddleware(decoder=latex_decoder())] if decode else []
    library = bibtexparser.parse_string(text, append_middleware=middleware)
    assert not library.failed_blocks
    assert len(library.entries) == 1
    return library.entries[0]


def classic_bibtex_fields(text: str) -> dict[str, str]:
    """The fields of one entry as BibTeX itself reads them: a braced value ends where its braces
    balance, counting every brace, escaped with a backslash or not."""
    at = re.match(r"@\w+\{[^,\s]+,", text).end()
    fields = {}
    while field := re.compile(r"\s*(\w+) = \{").match(text, at):
        depth, at = 1, field.end()
        while depth:
            assert at < len(text), f"{field[1]} never ends"
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        fields[field[1]] = text[field.end() : at - 1]
        if not (comma := re.compile(r",\n").match(text, at)):
            break
        at = comma.end()
    assert re.fullmatch(r"\s*\}\s*", text[at:]), f"the entry ends early: {text[at:]!r}"
    return fields


def bibliography(items: list[dict]) -> str:
    """The items rendered by citeproc-py in a style it ships, failing on unknown variables."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=True)
    rendered = CitationStylesBibliography(style, source, formatter.plain)
    rendered.register(Citation([CitationItem(item["id"]) for item in items]))
    return "\n".join(str(entry) for entry in rendered.bibliography())


def test_plain_citation_names_the_document_passage_revision_url_and_access_date(romanian):
    citation = passage_citation(romanian, URL, revision=1, accessed=ACCESSED)
    assert citation.startswith("“Relațiile sovieto-germane (1918–1941),” passage 5.")
    assert "Wikipedia (ro), revision 15759133." in citation
    # The archive that holds it is named, with the reference that finds the text again.
    assert f"Soviet–German Relations Archive, reference {SLUGS['001']}:5, text revision 1 (" in (
        citation
    )
    assert citation.endswith(f"{URL} (accessed 1 May 2025).")


def test_plain_citation_of_a_selection_quotes_it(romanian):
    citation = passage_citation(romanian, URL, accessed=ACCESSED, quote=f"  {QUOTE}\n")
    assert f"quoting “{QUOTE}”." in citation


def test_a_quote_that_is_not_in_the_text_cannot_be_cited(romanian):
    with pytest.raises(ValueError, match="not in the text"):
        bibtex(romanian, URL, quote="Molotov a semnat la Paris")


def test_supplied_title_is_in_square_brackets_in_every_format(croatian):
    title = "[Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop]"
    assert f"“{title},” passage 1." in passage_citation(croatian, URL)
    assert parse_bibtex(bibtex(croatian, URL))["booktitle"] == title
    assert rispy.loads(ris(croatian, URL))[0]["secondary_title"] == title
    assert csl_json(croatian, URL)[0]["container-title"] == title


def test_bibtex_entry_is_read_by_bibtexparser(romanian):
    text = bibtex(romanian, URL, revision=1, accessed=ACCESSED)
    entry = parse_bibtex(text)
    assert entry.entry_type == "incollection"
    assert entry.key == f"{SLUGS['001']}:5"
    assert entry["title"] == "Passage 5"
    assert entry["booktitle"] == "Relațiile sovieto-germane (1918–1941)"
    assert entry["publisher"] == "Wikipedia (ro)"
    # Classic styles print the note and nothing of BibLaTeX's own fields: the archive, the
    # reference and the access date are in it.
    assert entry["language"] == "romanian"
    assert entry["note"].startswith(
        f"Soviet–German Relations Archive, reference {SLUGS['001']}:5, text revision 1 ("
    )
    assert entry["note"].endswith("Accessed 1 May 2025.")
    assert entry["abstract"] == romanian.text
    assert not {"author", "year", "urldate", "langid", "date"} & set(entry.fields_dict)
    # URLs are verbatim in BibTeX: read without LaTeX decoding, where % would start a comment.
    assert parse_bibtex(text, decode=False)["url"] == URL


def test_biblatex_entry_uses_biblatex_fields(romanian):
    text = biblatex(romanian, URL, revision=1, accessed=ACCESSED)
    entry = parse_bibtex(text)
    assert entry.entry_type == "incollection" and entry.key == f"{SLUGS['001']}:5"
    assert (entry["title"], entry["booktitle"]) == (
        "Passage 5",
        "Relațiile sovieto-germane (1918–1941)",
    )
    assert (entry["urldate"], entry["langid"], entry["version"]) == (
        "2025-05-01",
        "romanian",
        "15759133",
    )
    assert entry["library"].startswith(
        f"Soviet–German Relations Archive, reference {SLUGS['001']}:5"
    )
    assert "Accessed" not in entry["note"] and "date" not in entry.fields_dict


def test_bibtex_escapes_latex_specials(romanian):
    document = romanian.document
    document.author = r"Ana & Co_ {Ltd} #1, 50% $5 \ end"
    document.publisher = "caret^ tilde~"
    document.save()
    text = bibtex(romanian, URL)
    assert r"Ana \& Co\_ \{Ltd\} \#1, 50\% \$5 \textbackslash{} end" in text
    assert r"caret\textasciicircum{} tilde\textasciitilde{}" in text
    assert parse_bibtex(text)["author"] == document.author


def test_bibtex_values_balance_their_braces_so_every_field_is_read(romanian):
    romanian.document.title = "Notes {draft"
    romanian.section = "Part } one"
    romanian.text = r"Closing } before {a} and { after, \{ too"
    text = bibtex(romanian, URL, accessed=ACCESSED)
    fields = {"title", "booktitle", "publisher", "url", "language", "note", "abstract"}
    # BibTeX, biber and anything else that counts braces as BibTeX does,
    classic = classic_bibtex_fields(text)
    assert classic.keys() == fields
    assert classic["booktitle"] == r"{Notes \textbraceleft{}draft}"
    assert classic["abstract"].startswith(r"Closing \textbraceright{} before \{a\} and")
    # and bibtexparser read every field, with every brace.
    entry = parse_bibtex(text)
    assert entry.fields_dict.keys() == fields
    assert entry["booktitle"] == "Notes {draft"
    assert entry["title"] == "Passage 5: Part } one"
    assert entry["abstract"] == romanian.text
    assert entry["note"].endswith("Accessed 1 May 2025.")
    # A quote goes into the note.
    quoted = bibtex(romanian, URL, quote="before {a} and {")
    assert classic_bibtex_fields(quoted).keys() == fields
    assert "Quoted: “before {a} and {”." in parse_bibtex(quoted)["note"]
    # So do the BibLaTeX entry's values.
    assert classic_bibtex_fields(biblatex(romanian, URL, accessed=ACCESSED))["booktitle"] == (
        r"{Notes \textbraceleft{}draft}"
    )


def test_bibtex_key_stays_the_same_whatever_is_cited(romanian):
    keys = {
        parse_bibtex(bibtex(romanian, URL, **options)).key
        for options in ({}, {"revision": 1}, {"quote": QUOTE}, {"accessed": ACCESSED})
    }
    assert keys == {f"{SLUGS['001']}:5"}


def test_ris_record_is_read_by_rispy(romanian):
    selection_url = f"{URL}#{text_quote_fragment(QUOTE)}"
    records = rispy.loads(ris(romanian, selection_url, revision=1, accessed=ACCESSED, quote=QUOTE))
    assert len(records) == 1
    record = records[0]
    assert record["type_of_reference"] == "CHAP"
    assert record["title"] == "Passage 5"
    assert record["secondary_title"] == "Relațiile sovieto-germane (1918–1941)"
    assert record["publisher"] == "Wikipedia (ro)"
    assert record["urls"] == [selection_url]
    assert record["access_date"] == "2025/05/01/"
    assert record["language"] == "ro"
    assert record["abstract"] == QUOTE
    [note] = record["notes"]
    assert f"{SLUGS['001']}:5, text revision 1" in note and f"Quoted: “{QUOTE}”" in note
    assert "authors" not in record and "year" not in record


def test_source_date_and_author_go_where_each_format_puts_them(romanian):
    document = romanian.document
    document.author, document.source_date = "Ion Popescu", "2023-05-01"
    document.save()
    entry = parse_bibtex(bibtex(romanian, URL))
    assert (entry["author"], entry["year"], entry["month"]) == ("Ion Popescu", "2023", "may")
    assert parse_bibtex(biblatex(romanian, URL))["date"] == "2023-05-01"
    record = rispy.loads(ris(romanian, URL))[0]
    assert (record["authors"], record["year"], record["date"]) == (
        ["Ion Popescu"],
        "2023",
        "2023/05/01/",
    )
    item = csl_json(romanian, URL)[0]
    assert item["author"] == [{"literal": "Ion Popescu"}]
    assert item["issued"] == {"date-parts": [[2023, 5, 1]]}
    assert "Popescu" in bibliography([item]) and "2023" in bibliography([item])

    document.source_date = "1939"
    document.save()
    assert csl_json(romanian, URL)[0]["issued"] == {"date-parts": [[1939]]}
    assert rispy.loads(ris(romanian, URL))[0]["date"] == "1939///"


def test_csl_json_is_valid_and_rendered_by_citeproc(romanian, croatian):
    items = [
        *csl_json(romanian, URL, revision=1, accessed=ACCESSED),
        *csl_json(croatian, URL, accessed=ACCESSED),
    ]
    jsonschema.validate(items, CSL_DATA)
    # A part of its document, as BibTeX (incollection) and RIS (CHAP) say.
    assert items[0]["type"] == "chapter"
    assert items[0]["accessed"] == {"date-parts": [[2025, 5, 1]]}
    assert items[0]["archive_location"] == f"{SLUGS['001']}:5"
    rendered = bibliography(items)
    assert "Passage 5" in rendered and "Relațiile sovieto-germane (1918–1941)" in rendered
    assert "[Sovjetsko-njemački odnosi i pakt Molotov–Ribbentrop]" in rendered
    assert URL in rendered and "Accessed: May 1, 2025" in rendered


def test_an_earlier_revision_is_cited_with_its_own_text(romanian):
    old = romanian.text
    romanian.revise(old.replace("München", "Munchen"), reason="edit")
    assert csl_json(romanian, URL, revision=1)[0]["abstract"] == old
    assert "Munchen" in csl_json(romanian, URL, revision=2)[0]["abstract"]
    assert "text revision 2" in csl_json(romanian, URL, revision=2)[0]["note"]


def test_text_quote_fragment_percent_encodes_every_value():
    fragment = text_quote_fragment("a, b (c)=d", prefix="x ", suffix="")
    assert fragment == "selector(type=TextQuoteSelector,exact=a%2C%20b%20%28c%29%3Dd,prefix=x%20)"


def test_formats_registry_serves_each_extension():
    assert list(FORMATS) == ["txt", "bib", "biblatex", "ris", "json"]
    assert FORMATS["bib"].content_type == "application/x-bibtex; charset=utf-8"
    assert all(callable(form.render) and str(form.label) for form in FORMATS.values())


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("txt", "text/plain; charset=utf-8"),
        ("bib", "application/x-bibtex; charset=utf-8"),
        ("ris", "application/x-research-info-systems; charset=utf-8"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ],
)
def test_citation_file_is_served_in_each_format(client, romanian, fmt, content_type):
    response = client.get(f"/documents/{SLUGS['001']}/5/cite.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{SLUGS["001"]}-5.{fmt}"'
    body = response.content.decode()
    url = f"http://testserver/documents/{SLUGS['001']}/5/"
    if fmt == "bib":
        assert parse_bibtex(body, decode=False)["url"] == url
    elif fmt == "ris":
        assert rispy.loads(body)[0]["urls"] == [url]
    elif fmt == "json":
        jsonschema.validate(json.loads(body), CSL_DATA)
        assert "Passage 5" in bibliography(json.loads(body))
    assert "text revision 1" in body and url in body


def test_citation_file_answers_head_but_not_post(client):
    assert client.head(f"/documents/{SLUGS['001']}/5/cite.ris").status_code == 200
    assert client.post(f"/documents/{SLUGS['001']}/5/cite.ris").status_code == 405


def test_unknown_format_passage_or_revision_is_not_found(client, romanian):
    assert client.get(f"/documents/{SLUGS['001']}/5/cite.docx").status_code == 404
    assert client.get(f"/documents/{SLUGS['001']}/9999/cite.bib").status_code == 404
    assert client.get(f"/documents/{SLUGS['001']}/5/cite.bib?rev=99").status_code == 404
    romanian.document.published = False
    romanian.document.save()
    assert client.get(f"/documents/{SLUGS['001']}/5/cite.bib").status_code == 404


def test_citing_a_selection_quotes_it_and_points_at_it(client):
    prefix, suffix = "s-au îmbunătățit ", " dintre Germania"
    response = client.get(
        f"/documents/{SLUGS['001']}/5/cite.json",
        {"quote": QUOTE, "prefix": prefix, "suffix": suffix},
    )
    assert response.status_code == 200
    [item] = response.json()
    assert item["abstract"] == QUOTE and f"Quoted: “{QUOTE}”." in item["note"]
    assert item["URL"].endswith("#" + text_quote_fragment(QUOTE, prefix, suffix))


def test_a_selection_not_in_the_text_is_a_bad_request(client):
    base = f"/documents/{SLUGS['001']}/5/cite.txt"
    response = client.get(base, {"quote": "Hitler a semnat la Paris"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "do not occur in the cited text" in response.content.decode()
    # The context the reader's browser sent must fit as well.
    assert client.get(base, {"quote": QUOTE, "prefix": "nowhere "}).status_code == 400


def test_citing_an_earlier_revision_points_at_it(client, romanian):
    old = romanian.text
    romanian.revise(old.replace("München", "Munchen"), reason="edit")
    body = client.get(f"/documents/{SLUGS['001']}/5/cite.ris?rev=1").content.decode()
    record = rispy.loads(body)[0]
    assert record["urls"] == [f"http://testserver/documents/{SLUGS['001']}/5/?rev=1"]
    assert record["abstract"] == old and "text revision 1" in record["notes"][0]
    # The current text is cited as its newest revision, at the plain URL.
    current = rispy.loads(client.get(f"/documents/{SLUGS['001']}/5/cite.ris").content.decode())
    assert current[0]["urls"] == [f"http://testserver/documents/{SLUGS['001']}/5/"]
    assert "text revision 2" in current[0]["notes"][0]
    # A quote is checked against the revision cited.
    quote, base = "fiasco-ului de la München", f"/documents/{SLUGS['001']}/5/cite.txt"
    assert client.get(base, {"rev": 1, "quote": quote}).status_code == 200
    assert client.get(base, {"quote": quote}).status_code == 400


def test_a_renamed_document_redirects_to_its_citation_file(client, romanian):
    rename_document(romanian.document, "relatiile-sovieto-germane")
    response = client.get(f"/documents/{SLUGS['001']}/5/cite.bib?rev=1")
    assert response.status_code == 301
    assert response["Location"] == "/documents/relatiile-sovieto-germane/5/cite.bib?rev=1"


def test_cite_box_links_each_format_and_offers_selection_citing(romanian):
    context = {
        "passage": romanian,
        "document": romanian.document,
        "citation": passage_citation(romanian, URL),
        "canonical_url": URL,
        "revision": 1,
        "metadata": {"coins": "ctx_ver=Z39.88-2004"},
    }
    page = html.fromstring(render_to_string("includes/cite_box.html", context))
    links = {a.get("download"): a.get("href") for a in page.xpath("//a[@download]")}
    base = f"/documents/{SLUGS['001']}/5/cite"
    assert links == {
        f"{SLUGS['001']}-5.bib": f"{base}.bib?rev=1",
        f"{SLUGS['001']}-5-biblatex.bib": f"{base}.biblatex?rev=1",
        f"{SLUGS['001']}-5.ris": f"{base}.ris?rev=1",
        f"{SLUGS['001']}-5.json": f"{base}.json?rev=1",
    }
    copies = [button.get("data-copy-url") for button in page.xpath("//button[@data-copy-url]")]
    assert copies == list(links.values())
    assert len(page.xpath("//*[@class='copy-status']")) == 1
    box = page.xpath("//*[@data-cite-selection]")[0]
    assert box.get("data-cite-url") == f"{base}.txt"
    assert (box.get("data-revision"), box.get("data-page-url")) == ("1", f"{URL}?rev=1")
    assert all(box.get(f"data-{key}") for key in ("selected", "working", "ready", "failed"))
    # No COinS: Zotero would read it before the meta tags, and save less (archive/metadata.py).
    assert not page.xpath("//span[contains(@class, 'Z3988')]")
    assert page.xpath("//script")[0].get("src").endswith("archive/cite.js")
