"""The Croatian and Romanian catalogues are complete: every string the code and templates mark
for translation has a translation that is neither empty nor fuzzy, in every plural form the
language has, with the placeholders of the English."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n import po

ROOT = settings.BASE_DIR
CATALOGUES = {"hr": 3, "ro": 3}
# What `make translations` leaves out of makemessages (the Makefile's MAKEMESSAGES_IGNORE).
NOT_SCANNED = {
    *(".git", ".venv", "node_modules", "data", "tests", "bench", "fixtures", "locale"),
    *("screenshots", "test-results", "__pycache__"),
}


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def marked_strings(tree: Path) -> list[po.Entry]:
    """What makemessages finds marked for translation in a source tree (its .pot)."""
    (tree / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "hr", "--keep-pot"],
        cwd=tree,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "ARCHIVE_DATA_DIR": str(tree / "data")},
    )
    return [e for e in po.read(tree / "locale" / "django.pot") if e.msgid]


def untranslated(entries: list[po.Entry], language: str) -> list[str]:
    """The marked strings a catalogue lacks, leaves empty or marks fuzzy."""
    translated = {e.key: e for e in po.read(catalogue(language)) if not e.obsolete}
    missing = []
    for entry in entries:
        found = translated.get(entry.key)
        if found is None or not found.translated:
            missing.append(entry.msgid)
        elif entry.msgid_plural and len(found.msgstr) != CATALOGUES[language]:
            missing.append(f"{entry.msgid} ({len(found.msgstr)} plural forms)")
    return missing


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory) -> Path:
    """The project's sources as makemessages scans them, in a folder of the test's own (it
    writes beside the templates it reads)."""
    tree = tmp_path_factory.mktemp("sources") / "archive"
    shutil.copytree(ROOT, tree, ignore=lambda folder, names: NOT_SCANNED & set(names))
    return tree


@pytest.fixture(scope="module")
def marked(source_copy) -> list[po.Entry]:
    return marked_strings(source_copy)


def test_the_code_marks_strings_for_translation(marked):
    msgids = {e.msgid for e in marked}
    assert {"Cite this passage", "Interface language", "No such passage."} <= msgids


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_marked_string_is_translated(marked, language):
    missing = untranslated(marked, language)
    assert not missing, (
        f"{len(missing)} strings untranslated or fuzzy in {catalogue(language)} (run make "
        f"translations and translate them): {missing}"
    )


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_catalogue_header_names_its_language_and_plural_forms(language):
    entries = po.read(catalogue(language))
    assert not entries[0].fuzzy, "a fuzzy header is left out of the compiled catalogue"
    header = po.header(entries)
    assert header["Language"] == language
    assert header["Plural-Forms"].startswith(f"nplurals={CATALOGUES[language]};")


@pytest.mark.parametrize("language", CATALOGUES)
def test_translations_keep_the_placeholders(language):
    """msgfmt --check: each translation has the msgid's %(name)s and %s placeholders."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogue(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_a_new_string_left_untranslated_is_found(source_copy, tmp_path):
    """The check itself: a string added to a template and not yet translated is reported."""
    tree = tmp_path / "archive"
    shutil.copytree(source_copy, tree, ignore=shutil.ignore_patterns("locale"))
    template = tree / "templates" / "includes" / "new_feature.html"
    template.write_text('{% load i18n %}<p>{% translate "A sentence nobody translated" %}</p>')
    assert untranslated(marked_strings(tree), "hr") == ["A sentence nobody translated"]
