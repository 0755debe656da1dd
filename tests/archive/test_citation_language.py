"""A citation is written in one language, the reader's interface language: its words and its
dates alike, never a mix; English until the interface speaks the reader's language."""

from datetime import date

import pytest
from django.utils import timezone
from django.utils.translation import trans_real
from lxml import html

from archive.citation import citation_day, citation_language
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

PASSAGE = f"/documents/{SLUGS['001']}/5/"
# What a translator would give the citation's words, for a test of a finished catalogue.
CATALOGUES = {
    "hr": {
        "Passage %(n)s": "Odlomak %(n)s",
        "“%(document)s,” passage %(n)s": "„%(document)s”, odlomak %(n)s",
        "“%(document)s,” passage %(n)s (“%(section)s”)": (
            "„%(document)s”, odlomak %(n)s („%(section)s”)"
        ),
        "revision %(revision)s": "inačica %(revision)s",
        "Source revision %(revision)s": "Inačica izvora %(revision)s",
        "%(archive)s, reference %(ref)s": "%(archive)s, oznaka %(ref)s",
        "text revision %(n)s": "inačica teksta %(n)s",
        "text revision %(n)s of %(date)s": "inačica teksta %(n)s od %(date)s",
        "quoting “%(quote)s”": "navod „%(quote)s”",
        "Quoted: “%(quote)s”": "Navedeno: „%(quote)s”",
        "accessed %(date)s": "pristupljeno %(date)s",
        "Accessed %(date)s": "Pristupljeno %(date)s",
        "Soviet–German Relations Archive": "Arhiv sovjetsko-njemačkih odnosa",
    },
    "ro": {
        "Passage %(n)s": "Pasajul %(n)s",
        "“%(document)s,” passage %(n)s": "„%(document)s”, pasajul %(n)s",
        "“%(document)s,” passage %(n)s (“%(section)s”)": (
            "„%(document)s”, pasajul %(n)s („%(section)s”)"
        ),
        "revision %(revision)s": "revizia %(revision)s",
        "Source revision %(revision)s": "Revizia sursei %(revision)s",
        "%(archive)s, reference %(ref)s": "%(archive)s, referința %(ref)s",
        "text revision %(n)s": "revizia textului %(n)s",
        "text revision %(n)s of %(date)s": "revizia textului %(n)s din %(date)s",
        "quoting “%(quote)s”": "citând „%(quote)s”",
        "Quoted: “%(quote)s”": "Citat: „%(quote)s”",
        "accessed %(date)s": "accesat %(date)s",
        "Accessed %(date)s": "Accesat %(date)s",
        "Soviet–German Relations Archive": "Arhiva relațiilor sovieto-germane",
    },
}
# Words of an English citation, and month names as other languages' catalogues give them.
ENGLISH = ("accessed", "passage", "reference", "text revision")
FOREIGN_MONTHS = ("Prosinac", "prosinca", "Decembrie", "decembrie", "Studeni", "Noiembrie")


@pytest.fixture
def translated(monkeypatch):
    """The interface's catalogues with every word of a citation translated into hr and ro."""
    for language, words in CATALOGUES.items():
        catalogue = trans_real.translation(language)
        original = catalogue.gettext
        monkeypatch.setattr(
            catalogue, "gettext", lambda message, w=words, o=original: w.get(message) or o(message)
        )


def citation(client, language: str, path: str = PASSAGE) -> str:
    page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html.fromstring(page).get_element_by_id("citation-text").text_content()


@pytest.mark.parametrize(
    ("language", "written"),
    [("hr", "1. prosinca 2026."), ("ro", "1 decembrie 2026"), ("en", "1 December 2026")],
)
def test_a_day_is_written_as_each_language_writes_it(language, written):
    assert citation_day(date(2026, 12, 1), language) == written


def test_until_the_interface_speaks_a_language_its_citations_are_in_english(client):
    english = citation(client, "en")
    assert english.endswith(f"(accessed {citation_day(timezone.localdate(), 'en')}).")
    for language in ("hr", "ro", "hr-HR,hr;q=0.9", "ro-RO"):
        assert citation_language(language) == "en"
        assert citation(client, language) == english
        files = client.get(f"{PASSAGE}cite.txt", HTTP_ACCEPT_LANGUAGE=language)
        assert files.content.decode() == english
    assert not any(month in english for month in FOREIGN_MONTHS)


@pytest.mark.parametrize("language", ["hr", "ro"])
def test_a_translated_interface_gets_its_citations_wholly_in_its_language(
    client, translated, language
):
    assert citation_language(language) == language
    today = citation_day(timezone.localdate(), language)
    words = CATALOGUES[language]
    text = citation(client, language)
    accessed = words["accessed %(date)s"] % {"date": today}
    assert text.endswith(f"({accessed}).")
    assert words["Soviet–German Relations Archive"] in text
    assert not any(word in text for word in ENGLISH)
    # The cite files are in the same language as the page, their notes included.
    note = client.get(f"{PASSAGE}cite.json", HTTP_ACCEPT_LANGUAGE=language).json()[0]["note"]
    assert note.startswith(words["Soviet–German Relations Archive"])
    assert not any(word in note for word in ENGLISH)
    # English readers still get English.
    assert "(accessed " in citation(client, "en")
