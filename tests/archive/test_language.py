"""Languages are detected among those the archive expects; Croatian is never Bosnian."""

import pytest

from archive.ingest.language import detect_language
from tests.conftest import seed_text


@pytest.mark.parametrize(
    ("key", "code"), [("000", "hr"), ("001", "ro"), ("002", "en"), ("003", "en"), ("004", "en")]
)
def test_seed_languages(key, code):
    assert detect_language(seed_text(key)) == code


def test_short_croatian_is_croatian_not_bosnian_or_serbian():
    assert detect_language("Hvala Vam na Vašem pismu.") == "hr"
    assert detect_language("Sovjetska vlada ovlastila me da Vas informiram.") == "hr"


def test_nothing_to_detect_gives_no_language():
    assert detect_language("   ") == ""
