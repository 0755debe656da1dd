"""The citation files as the ecosystem's own clients read them: citation-js (what many reference
tools embed) parses the .bib (as BibLaTeX and as classic BibTeX), .ris and .json of a passage of
every seed document, and they must agree field by field; citeproc-js (the CSL processor Zotero
uses) renders the CSL-JSON in Chicago author-date and APA. The Node scripts are in
tests/clients/; `make node` installs what they need."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from archive.citation import ARCHIVE_NAME, BABEL_NAMES
from archive.models import Document, Passage
from tests.conftest import SLUGS

CLIENTS = Path(__file__).resolve().parents[1] / "clients"
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
NEEDED = ("citeproc", "@citation-js/core", "@citation-js/plugin-bibtex", "@citation-js/plugin-ris")
MISSING = (
    "node is not installed"
    if not shutil.which("node")
    else next(
        (
            f"node_modules/{name} is missing: run make node"
            for name in NEEDED
            if not (NODE_MODULES / name).is_dir()
        ),
        "",
    )
)
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(bool(MISSING), reason=MISSING)]
# The files of a passage, as the cite box offers them, by the name citation-js reads them under.
FILES = {"json": "csl.json", "ris": "record.ris", "bib": "classic.bib", "biblatex": "biblatex.bib"}


def node(script: str, *args: str, payload=None) -> dict:
    done = subprocess.run(
        ["node", str(CLIENTS / script), *args],
        input=json.dumps(payload) if payload is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def seed_passages() -> list[Passage]:
    """The first passage of each seed document (the Romanian one's 5th, under a heading)."""
    passages = []
    for key, slug in SLUGS.items():
        n = 5 if key == "001" else 1
        passages.append(Passage.objects.select_related("document").get(document__slug=slug, n=n))
    return passages


def read_files(client, tmp_path: Path, passages: list[Passage]) -> list[dict[str, dict]]:
    """Each passage's citation files as citation-js reads them (one run for all), one CSL item
    per file, by file name."""
    paths = []
    for at, passage in enumerate(passages):
        base = f"{passage.get_absolute_url()}cite"
        for fmt, name in FILES.items():
            path = tmp_path / f"{at}-{name}"
            path.write_bytes(client.get(f"{base}.{fmt}").content)
            paths.append(str(path))
    found = node("read_citations.mjs", *paths)
    assert all(len(items) == 1 for items in found.values()), found
    by_passage = [{} for _ in passages]
    for name, [item] in found.items():
        at, rest = name.split("-", 1)
        by_passage[int(at)][rest] = item
    return by_passage


def name_of(author: dict) -> str:
    """A name as one string, whether a reader split it (BibTeX does) or kept it whole."""
    return author.get("literal") or f"{author['given']} {author['family']}"


def render(items: list[dict], style: str, locale: str = "en-US") -> dict:
    return node("render_csl.mjs", payload={"items": items, "style": style, "locale": locale})


def test_citation_js_reads_the_same_item_from_every_file_of_every_seed_document(client, tmp_path):
    passages = seed_passages()
    for passage, read in zip(passages, read_files(client, tmp_path, passages), strict=True):
        csl, ris = read["csl.json"], read["record.ris"]
        biblatex, classic = read["biblatex.bib"], read["classic.bib (classic)"]
        label = passage.ref
        every = (csl, ris, biblatex, classic, read["classic.bib"], read["biblatex.bib (classic)"])
        for field in ("type", "title", "container-title", "publisher", "URL"):
            assert len({json.dumps(item.get(field)) for item in every}) == 1, (label, field)
        # A part of its document, with no author and no date where the source names none.
        assert csl["type"] == "chapter", label
        assert not any("author" in item or "issued" in item for item in every), label
        # The access date where each format has a field for it, in the note where it has none.
        assert csl["accessed"] == ris["accessed"] == biblatex["accessed"], label
        day = csl["accessed"]["date-parts"][0]
        assert "accessed" not in classic
        assert classic["note"].endswith(".") and "Accessed " in classic["note"], label
        assert str(day[0]) in classic["note"].rsplit("Accessed ", 1)[1]
        # The language: a code in CSL-JSON and RIS, a babel name in BibLaTeX.
        assert csl["language"] == ris["language"] == passage.effective_language, label
        assert biblatex["language"] == BABEL_NAMES[passage.effective_language], label
        # The archive that holds it, in every format.
        archive = str(ARCHIVE_NAME)
        assert csl["archive"] == ris["source"] == archive, label
        assert csl["archive_location"] == passage.ref, label
        assert biblatex["call-number"].startswith(f"{archive}, reference {passage.ref}"), label
        assert classic["note"].startswith(f"{archive}, reference {passage.ref}"), label


def test_a_known_author_and_date_reach_every_reader(client, tmp_path):
    [passage, *_] = seed_passages()
    Document.objects.filter(pk=passage.document_id).update(
        author="Ivo Babić", source_date="1939-08-23"
    )
    [read] = read_files(client, tmp_path, [Passage.objects.get(pk=passage.pk)])
    for name, item in read.items():
        assert [name_of(author) for author in item["author"]] == ["Ivo Babić"], name
        # (The BibLaTeX file dates the source in `date`, which classic BibTeX does not have.)
        if name != "biblatex.bib (classic)":
            assert item["issued"]["date-parts"][0][0] == 1939, name
    # The whole date where the format holds one: CSL-JSON and BibLaTeX's date; classic BibTeX
    # has a year and a month (citation-js reads RIS's year, PY, before its date, DA).
    assert read["csl.json"]["issued"]["date-parts"] == [[1939, 8, 23]]
    assert read["biblatex.bib"]["issued"]["date-parts"] == [[1939, 8, 23]]
    assert read["classic.bib (classic)"]["issued"]["date-parts"] == [[1939, 8]]


@pytest.mark.parametrize("style", ["chicago-author-date", "apa"])
def test_citeproc_renders_each_passage_as_a_part_of_its_document(client, style):
    passages = seed_passages()
    items = [client.get(f"{p.get_absolute_url()}cite.json").json()[0] for p in passages]
    bibliography = render(items, style)["bibliography"]
    for passage, item in zip(passages, items, strict=True):
        entry = bibliography[item["id"]]
        document = passage.document
        title = f"Passage {passage.n}"
        # The passage's own title comes first (it has no author), its document after "In".
        assert entry.lstrip("“").startswith(title), entry
        # (Chicago writes an English title in title case.)
        assert f"In {document.display_title}".lower() in entry.lower(), entry
        assert str(ARCHIVE_NAME) in entry and item["URL"] in entry, entry
        # No date is invented: the source names none, so the style says so.
        assert "n.d." in entry, entry
        year = str(item["accessed"]["date-parts"][0][0])
        assert entry.count(year) == entry.count("Accessed") + entry.count("Retrieved"), entry


def test_citeproc_puts_a_known_author_and_year_where_styles_want_them(client):
    [passage, *_] = seed_passages()
    Document.objects.filter(pk=passage.document_id).update(
        author="Ivo Babić", source_date="1939-08-23"
    )
    [item] = client.get(f"{passage.get_absolute_url()}cite.json").json()
    chicago = render([item], "chicago-author-date")
    assert chicago["bibliography"][item["id"]].startswith("Ivo Babić. 1939.")
    assert chicago["citation"] == "(Ivo Babić 1939)"
    apa = render([item], "apa")
    assert apa["bibliography"][item["id"]].startswith("Ivo Babić. (1939). Passage 1. In ")
    assert apa["citation"] == "(Ivo Babić, 1939)"
