"""Dates and numbers as each interface language writes them."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from archive.models import Passage
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db

DATES = {"en": "{d} {month} {y}", "hr": "{d}. {month} {y}.", "ro": "{d} {month} {y}"}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "hr": "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada "
    "studenoga prosinca",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie "
    "noiembrie decembrie",
}


def written(day, language: str) -> str:
    month = MONTHS[language].split()[day.month - 1]
    return DATES[language].format(d=day.day, month=month, y=day.year)


@pytest.mark.parametrize("language", ["en", "hr", "ro"])
def test_a_passage_page_writes_dates_as_its_language_does(client, language):
    passage = Passage.objects.get(document__slug=SLUGS["001"], n=5)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(passage.get_absolute_url()).content.decode()
    day = timezone.localdate(passage.revisions.get().created_at)
    # In the revision list and in the citation's date of access.
    assert page.count(written(day, language)) >= 2, written(day, language)


@pytest.mark.parametrize(("language", "separator"), [("en", ","), ("hr", "."), ("ro", ".")])
def test_big_numbers_are_grouped_as_each_language_groups_them(client, language, separator):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The home page's count of words in the archive (25 795 in the seed corpus).
    assert f"25{separator}795" in client.get("/").content.decode()
    with translation.override(language):
        facet = render_to_string(
            "search/facet.html",
            {"rows": [{"value": "x", "label": "x", "count": 12345, "toggle": "?"}], "title": "x"},
        )
    assert f'<span class="count">12{separator}345</span>' in facet
