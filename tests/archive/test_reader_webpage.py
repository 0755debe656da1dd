"""Tests for the reader of wiki pages scraped from link-glossing mirror sites."""

import pathlib

import pytest

from archive.ingest.readers.webpage import WebPageReader, split_gloss_line

CORPUS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
PAGE = CORPUS / "002_46bac4e4e58ff968.txt"
OTHER_SOURCES = [
    "000_e0ae1ab68611c2eb.txt",
    "001_5aa7d51724b71bbf.txt",
    "003_1648030d0e596f67.txt",
    "004_ff22eedb3fb81119.txt",
]

SAMPLE = """HOME

TheInfoList



OR:

The Example Treaty, officially the Treaty of Examples, was signed by
Poland Poland, officially the Republic of Poland, is a country in Central Europe. It ...
and the
Soviet Union The Union of Soviet Socialist Republics. (USSR), commonly known as the ...
, and it was reported by ''
Pravda ''Pravda'' ( rus, Правда) is a Russian broadsheet newspaper ...
'' in 1939.


Background

The
Winter War The Winter War was a war between the Soviet Union and Finland. It began ...
followed, and
Lebensraum (, ) is a German concept of expansionism ...
was the goal.


See also

* Another page * Yet another page
"""


def _text(path: pathlib.Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed():
    return WebPageReader.read(_text(PAGE))


@pytest.fixture(scope="module")
def prose(parsed):
    return "\n".join(block.text for block in parsed.blocks)


def test_recognises_scraped_page():
    assert WebPageReader.recognises(_text(PAGE))


def test_does_not_recognise_other_sources():
    for name in OTHER_SOURCES:
        assert not WebPageReader.recognises(_text(CORPUS / name)), name


def test_shape_and_title(parsed):
    assert parsed.shape == "webpage"
    assert parsed.title == "Molotov–Ribbentrop Pact"


def test_lead_sentence_reads_continuously(parsed):
    lead = parsed.blocks[0]
    assert lead.section == ""
    assert (
        "was a non-aggression pact between Nazi Germany and the Soviet Union, with a secret "
        "protocol establishing Soviet and German spheres of influence across Eastern Europe. "
        "The pact was signed in Moscow on 24 August 1939" in lead.text
    )


def test_linked_terms_keep_their_place(prose):
    assert "Under the Secret Protocol, Poland was to be shared, while Lithuania, Latvia," in prose
    assert "in pursuit of the ideological goal of Lebensraum. The Anglo-Soviet" in prose
    assert "On 24 August, Pravda and Izvestia carried news" in prose
    assert "integrated with the Reichskommissariats Ostland and Ukraine." in prose
    assert 'who were considered "Untermenschen" (subhuman)' in prose


# The opening words of glosses from the page; none may reach the prose.
GLOSSES = [
    "officially the Republic of Poland, is a country in Central Europe",
    "officially the Republic of Lithuania",
    "Joseph Vissarionovich Stalin (born Dzhugashvili",
    "{{redirect category shell",
    "is a German concept of expansionism",
    "is a daily broadsheet newspaper in Russia",
    "The Union of Soviet Socialist Republics. (USSR)",
    "The October Revolution, also known as",
    "often shortened to chargé",
    "Eastern Borderlands (), often simply Borderlands",
]

# Gloss lines of each shape, with the linked term they start with.
SPLITS = [
    ("Nazi Germany Nazi Germany, officially known as the German Reich ...", "Nazi Germany"),
    ("Soviet Union The Union of Soviet Socialist Republics. (USSR), ...", "Soviet Union"),
    ("Stalin Joseph Vissarionovich Stalin (born Dzhugashvili; ...", "Stalin"),
    ("Lebensraum (, ) is a German concept ...", "Lebensraum"),
    ("Nuremberg trials #REDIRECT Nuremberg trials {{redirect ...", "Nuremberg trials"),
    ("chargé d'affaires A (), plural ''chargés d'affaires'', ...", "chargé d'affaires"),
    ("spheres of influence In the field of international relations, a ...", "spheres of influence"),
    ("Time Magazine ''Time'' (stylized in all caps as ''TIME'') is ...", "Time Magazine"),
    ("Treaty of Berlin (1926) The Treaty of Berlin (German–Soviet ...", "Treaty of Berlin (1926)"),
    ("Neville Chamberlain Arthur Neville Chamberlain (; 18 March ...", "Neville Chamberlain"),
    ("Kresy Eastern Borderlands (), often simply Borderlands (, ) ...", "Kresy"),
]


def test_named_glosses_are_gone(prose):
    for gloss in GLOSSES:
        assert gloss not in prose, gloss


def test_no_gloss_of_any_line_survives(prose):
    for line in _text(PAGE).splitlines():
        if line.endswith(" ..."):
            _, gloss = split_gloss_line(line)
            assert gloss.replace("''", "")[:40] not in prose, line


def test_split_gloss_line():
    for line, term in SPLITS:
        assert split_gloss_line(line) == (term, line[len(term) + 1 :]), line


def test_headings_become_sections(parsed):
    sections = [block.section for block in parsed.blocks]
    assert "Background" in sections
    assert "Munich Conference" in sections
    assert "Consequences in Finland, Poland, the Baltic States and Romania" not in (
        block.text for block in parsed.blocks
    )
    munich = next(b for b in parsed.blocks if b.section == "Munich Conference")
    assert munich.text.startswith("Hitler's fierce anti-Soviet rhetoric")


def test_no_markup_or_site_residue(parsed, prose):
    assert "''" not in prose
    assert "TheInfoList" not in prose
    assert "#REDIRECT" not in prose
    assert not prose.startswith("HOME")
    for block in parsed.blocks:
        assert block.text.strip()
        assert block.text == block.text.strip()
        assert not block.text.endswith(" ...")
        for mark in ",.;:)":
            assert f" {mark}" not in block.text


def test_appendix_is_dropped(parsed, prose):
    assert "See also" not in {block.section for block in parsed.blocks}
    assert "Walter Krivitsky" not in prose
    assert "DEFAULTSORT" not in prose
    assert parsed.blocks[-1].section == "Remembrance and response"


def test_synthetic_sample():
    assert WebPageReader.recognises(SAMPLE)
    parsed = WebPageReader.read(SAMPLE)
    assert parsed.title == "Example Treaty"
    assert [(b.section, b.text) for b in parsed.blocks] == [
        (
            "",
            "The Example Treaty, officially the Treaty of Examples, was signed by Poland and "
            "the Soviet Union, and it was reported by Pravda in 1939.",
        ),
        ("Background", "The Winter War followed, and Lebensraum was the goal."),
    ]


def test_plain_prose_is_not_recognised():
    text = "A paragraph of prose.\n\nAnother paragraph, which ends in an ellipsis ...\n"
    assert not WebPageReader.recognises(text)
