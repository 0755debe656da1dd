"""Each source shape is recognised by its content and read into clean prose."""

import pytest

from archive.ingest.readers import reader_for
from archive.ingest.readers.essay import EssayReader
from archive.ingest.readers.paragraphs import ParagraphsReader
from archive.ingest.readers.tokens import TokenStreamReader
from archive.ingest.readers.wiki import WikiReader
from tests.conftest import seed_text


@pytest.mark.parametrize(
    ("key", "shape"),
    [
        ("000", "paragraphs"),
        ("001", "wiki"),
        ("002", "webpage"),
        ("003", "essay"),
        ("004", "tokens"),
    ],
)
def test_each_seed_file_is_recognised_by_its_content(key, shape):
    assert reader_for(seed_text(key)).shape == shape


def test_shape_does_not_depend_on_the_file_name(tmp_path):
    # The same wiki text under an unrelated name is still read as a wiki export.
    assert reader_for(seed_text("001")).shape == "wiki"
    assert reader_for("Just one line of prose, with a full stop.\n").shape == "paragraphs"


def test_plain_paragraphs_are_one_per_line():
    parsed = ParagraphsReader.read(seed_text("000"))
    assert parsed.title == ""
    assert parsed.blocks[0].text.startswith("Dvadesetih i tridesetih godina 20. stoljeća")
    assert parsed.blocks[1].text.startswith("Međutim, sve se promijenilo")
    assert all(b.text == b.text.strip() and "\n" not in b.text for b in parsed.blocks)


def test_a_letter_quoted_over_several_lines_stays_one_paragraph():
    parsed = ParagraphsReader.read(seed_text("000"))
    letter = [b.text for b in parsed.blocks if b.text.startswith("„Kancelaru Njemačke")]
    assert len(letter) == 1
    assert "Hvala Vam na Vašem pismu." in letter[0]
    assert letter[0].endswith("J.Staljin")


def test_wiki_front_matter_gives_title_url_and_revision():
    parsed = WikiReader.read(seed_text("001"))
    assert parsed.title == "Relațiile sovieto-germane (1918–1941)"
    assert parsed.source_revision == "15759133"
    assert parsed.source_url.startswith("https://ro.wikipedia.org/wiki/Rela")


def test_wiki_headings_become_sections_and_empty_or_apparatus_sections_go():
    parsed = WikiReader.read(seed_text("001"))
    sections = [b.section for b in parsed.blocks]
    assert sections[0] == ""  # the lead has no heading
    assert "Uniunea Sovietică și criza cehoslovacă din 1938" in sections
    # Headings with no prose under them leave nothing behind, nor does the notes section.
    assert "Al doilea Reich și guvernul lui Lenin" not in sections
    assert "Note" not in sections
    assert not any(b.text.startswith("==") for b in parsed.blocks)


def test_wiki_editorial_markers_are_dropped():
    parsed = WikiReader.read(seed_text("001"))
    text = " ".join(b.text for b in parsed.blocks)
    assert "[nefuncțională]" not in text
    assert "în noaptea dintre 23 și 24 august. Semnatarii" in text


def test_wiki_title_escapes_are_decoded():
    text = 'title: "Rela\\u021Biile"\nurl: https://example.org/x\n\n---\n\n== A ==\nProză aici.\n'
    parsed = WikiReader.read(text)
    assert parsed.title == "Relațiile"
    assert [(b.section, b.text) for b in parsed.blocks] == [("A", "Proză aici.")]


def test_essay_title_comes_from_its_first_line():
    parsed = EssayReader.read(seed_text("003"))
    assert parsed.title == "Soviet-Nazi Relations in the 1930s"
    assert parsed.blocks[0].text.startswith("It is interesting to note")
    assert len(parsed.blocks) == 6
    # The author's spelling is the source: kept, not corrected.
    assert any("Litinov" in b.text for b in parsed.blocks)


def test_token_stream_is_recognised_and_kept_whole_for_segmentation():
    text = seed_text("004")
    assert TokenStreamReader.recognises(text)
    assert not TokenStreamReader.recognises(seed_text("003"))
    parsed = TokenStreamReader.read(text)
    assert len(parsed.blocks) == 1
    assert parsed.blocks[0].text.startswith("axis talks occurred october november")
