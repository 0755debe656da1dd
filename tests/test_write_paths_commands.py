"""Every command that writes leaves the search index as the database says it should be."""

import pytest
from django.core.management import call_command

from annotations.models import Annotation
from archive.models import Document, Passage
from tests.conftest import CORPUS, SEED, SLUGS, seed_text
from tests.helpers import index_differences

# Inline indexing runs when a transaction really commits: each command commits here.
pytestmark = pytest.mark.django_db(transaction=True)

ANNOTATIONS = CORPUS.parent / "annotations.jsonld"


@pytest.fixture
def seeded(seeded_database):
    return seeded_database


@pytest.fixture
def index(seeded, private_index):
    """A private index built from the seeded database, in step with it before the command."""
    assert index_differences().total == 0
    return private_index


def snapshot():
    return sorted(Passage.objects.values_list("pk", "text", "withdrawn", "concepts__slug"))


def test_importing_a_new_file_reaches_the_index(index, tmp_path):
    path = tmp_path / "pact-notes.txt"
    path.write_text("\n".join(seed_text("003").splitlines()[2:5]) + "\n", encoding="utf-8")
    call_command("import_documents", str(path), verbosity=0)
    assert Document.objects.get(source_file="pact-notes.txt").passages.count() == 2
    assert index_differences().total == 0


def test_reimporting_a_revised_file_reaches_the_index(index, tmp_path):
    old = "Litinov had Jewish ancestry"
    assert Passage.objects.filter(document__slug=SLUGS["003"], text__contains=old).exists()
    path = tmp_path / SEED["003"]
    path.write_text(seed_text("003").replace(old, "Litvinov had Jewish ancestry"), "utf-8")
    call_command("import_documents", str(path), verbosity=0)
    revised = Passage.objects.get(document__slug=SLUGS["003"], text__contains="Litvinov had")
    assert revised.revisions.count() == 2
    assert index_differences().total == 0


def test_a_dry_run_import_leaves_the_index_alone(index, tmp_path):
    before = snapshot()
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "pact-notes.txt").write_text(seed_text("003"), encoding="utf-8")
    (folder / SEED["000"]).write_text(seed_text("000") + "\nNovi odlomak.\n", "utf-8")
    call_command("import_documents", str(folder), "--dry-run", verbosity=0)
    assert snapshot() == before
    assert index_differences().total == 0


@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_loading_a_thesaurus_that_tags_passages_anew_reaches_the_index(index, tmp_path, dry_run):
    # The essay misspells "Nazi Germany" as "Nazi German"; listing that spelling tags its passage.
    passage = Passage.objects.get(document__slug=SLUGS["003"], text__contains="Nazi German began")
    assert "nazi-germany" not in passage.concept_slugs()
    path = tmp_path / "thesaurus.toml"
    path.write_text(
        '[[concept]]\nid = "nazi-germany"\nkind = "place"\n'
        'labels = { en = "Nazi Germany" }\naliases = { en = ["Nazi German"] }\n',
        encoding="utf-8",
    )
    call_command("load_thesaurus", str(path), *["--dry-run"] * dry_run, verbosity=0)
    assert index_differences().total == 0
    assert ("nazi-germany" in passage.concept_slugs()) is not dry_run


@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_importing_annotations_reaches_the_index(index, dry_run):
    call_command("import_annotations", str(ANNOTATIONS), *["--dry-run"] * dry_run, verbosity=0)
    assert Annotation.objects.count() == (0 if dry_run else 10)
    assert index_differences().total == 0
