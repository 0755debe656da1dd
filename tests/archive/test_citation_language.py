"""A citation is written in one language, the reader's interface language: its words and its
dates alike, never a mix; English until the interface speaks the reader's language."""

from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.translation import trans_real
from lxml import html

from archive.citation import citation_day, citation_language
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

PASSAGE = f"/documents/{SLUGS['001']}/5/"
# Words of an English citation, and month names as Django's own catalogues give them.
ENGLISH = ("accessed", "passage", "reference", "text revision", "Archive")
FOREIGN_MONTHS = ("Prosinac", "prosinca", "Decembrie", "decembrie")


def words(message: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def citation(client, language: str, path: str = PASSAGE) -> str:
    page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html.fromstring(page).get_element_by_id("citation-text").text_content()


@pytest.mark.parametrize(
    ("language", "written"),
    [("hr", "1. prosinca 2026."), ("ro", "1 decembrie 2026"), ("en", "1 December 2026")],
)
def test_a_day_is_written_as_each_language_writes_it(language, written):
    assert citation_day(date(2026, 12, 1), language) == written


@pytest.mark.parametrize("language", ["hr", "ro", "en"])
def test_each_reader_gets_the_citation_wholly_in_their_language(client, language):
    assert citation_language(language) == language
    today = citation_day(timezone.localdate(), language)
    text = citation(client, language)
    assert text.endswith(f"({words('accessed %(date)s', language) % {'date': today}}).")
    assert words("Soviet–German Relations Archive", language) in text
    # Each sentence ends, the reference's too, even after a date that ends in a full stop.
    assert ") http" not in text
    if language != "en":
        assert not any(word in text for word in ENGLISH)
    else:
        assert not any(month in text for month in FOREIGN_MONTHS)
    # The files say the same, in the same language, their notes included.
    served = client.get(f"{PASSAGE}cite.txt", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert served == text
    note = client.get(f"{PASSAGE}cite.json", HTTP_ACCEPT_LANGUAGE=language).json()[0]["note"]
    assert note.startswith(words("Soviet–German Relations Archive", language))


def test_a_language_whose_citation_words_are_not_all_translated_gets_english(client, monkeypatch):
    # A catalogue that lacks one of the citation's words, as one being translated may.
    catalogue = trans_real.translation("hr")
    original = catalogue.gettext
    monkeypatch.setattr(
        catalogue, "gettext", lambda m: m if m == "accessed %(date)s" else original(m)
    )
    assert citation_language("hr") == "en"
    text = citation(client, "hr")
    assert text == citation(client, "en")
    assert text.endswith(f"(accessed {citation_day(timezone.localdate(), 'en')}).")
    assert not any(month in text for month in FOREIGN_MONTHS)
