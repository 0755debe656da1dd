"""Importing: idempotent, transactional per document, and safe with bad files beside good ones."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.ingest.catalogue import Catalogue
from archive.ingest.importer import import_paths
from archive.models import Document, DocumentAlias, Passage, PassageRevision
from tests.conftest import SEED, SLUGS, seed_text

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Passage.objects.values_list("document__slug", "n", "position", "text", "withdrawn")
    )


def test_seed_corpus_is_imported_with_languages_titles_and_shapes():
    docs = {d.source_file: d for d in Document.objects.all()}
    assert {k: docs[f].language for k, f in SEED.items()} == {
        "000": "hr",
        "001": "ro",
        "002": "en",
        "003": "en",
        "004": "en",
    }
    assert {k: docs[f].slug for k, f in SEED.items()} == SLUGS
    wiki = docs[SEED["001"]]
    assert wiki.title == "Relațiile sovieto-germane (1918–1941)"
    assert wiki.source_revision == "15759133" and wiki.source_url.startswith("https://ro.")
    assert not wiki.title_supplied
    assert docs[SEED["000"]].title_supplied  # curated in the catalogue
    assert docs[SEED["003"]].title == "Soviet-Nazi Relations in the 1930s"
    assert docs[SEED["002"]].title == "Molotov–Ribbentrop Pact"
    assert docs[SEED["000"]].raw_text == seed_text("000").replace("\r\n", "\n")


def test_wiki_passages_carry_their_section_headings():
    passages = Passage.objects.filter(document__slug=SLUGS["001"]).order_by("position")
    assert passages[0].section == ""
    assert passages.filter(section="Uniunea Sovietică și criza cehoslovacă din 1938").exists()
    assert not passages.filter(section="Note").exists()


def test_webpage_passages_hold_no_gloss_text_and_read_continuously():
    text = " ".join(
        Passage.objects.filter(document__slug=SLUGS["002"]).values_list("text", flat=True)
    )
    assert "officially the Republic of Poland, is a country in Central Europe" not in text
    assert " ..." not in text
    assert (
        "was a non-aggression pact between Nazi Germany and the Soviet Union, with a secret "
        "protocol establishing Soviet and German spheres of influence across Eastern Europe."
    ) in text


def test_passages_are_numbered_in_reading_order_with_derived_facts():
    passages = list(Passage.objects.filter(document__slug=SLUGS["000"]).order_by("position"))
    assert [p.n for p in passages] == list(range(1, len(passages) + 1))
    first = passages[0]
    assert first.language == "hr"
    assert first.word_count > 100
    assert 1921 in first.years and 1922 in first.years and 1926 in first.years
    assert first.revisions.count() == 1


def test_importing_the_same_folder_twice_changes_nothing(corpus_dir, catalogue):
    before = snapshot()
    revisions = PassageRevision.objects.count()
    results = import_paths([corpus_dir], catalogue)
    assert {r.status for r in results} == {"unchanged"}
    assert snapshot() == before
    assert PassageRevision.objects.count() == revisions


def test_broken_files_are_named_and_good_files_still_import(tmp_path, catalogue):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "good.txt").write_text(
        "Pactul a fost semnat la Moscova în august 1939 de miniștrii de externe.\n"
        "Protocolul adițional secret împărțea Europa de Est în sfere de influență.\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"2 of 3 files failed: empty.txt, image.txt"):
        call_command("import_documents", str(tmp_path))
    good = Document.objects.get(source_file="good.txt")
    assert good.language == "ro"
    assert good.passages.count() == 2
    assert not Document.objects.filter(source_file__in=["empty.txt", "image.txt"]).exists()


def test_command_reports_each_file_and_exits_cleanly(corpus_dir, capsys):
    call_command("import_documents", str(corpus_dir))
    out = capsys.readouterr().out
    assert "[1/5] 000_e0ae1ab68611c2eb.txt: unchanged (sovjetsko-njemacki-odnosi)" in out


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(CommandError, match="1 of 1 files failed: nowhere.txt"):
        call_command("import_documents", str(tmp_path / "nowhere.txt"))


def test_dry_run_stores_nothing(tmp_path, capsys):
    (tmp_path / "new.txt").write_text("A new source about the Rapallo treaty of 1922.\n")
    call_command("import_documents", str(tmp_path), "--dry-run")
    assert "imported as" in capsys.readouterr().out
    assert not Document.objects.filter(source_file="new.txt").exists()


def test_a_failure_midway_leaves_the_previous_state_intact(tmp_path, catalogue, monkeypatch):
    before = snapshot()
    revised = tmp_path / SEED["003"]
    revised.write_text(seed_text("003").replace("Litinov", "Litvinov") + "\n\nA new paragraph.\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # The corrected passages are saved first; the failure comes when their revision is recorded.
    monkeypatch.setattr("archive.models.Passage.record_revision", explode)
    [result] = import_paths([revised], catalogue)
    assert result.failed and "disk full" in result.error
    assert snapshot() == before
    assert Document.objects.get(source_file=SEED["003"]).raw_text == seed_text("003")


def test_a_revised_source_keeps_numbers_revises_adds_and_withdraws(tmp_path, catalogue):
    slug = SLUGS["000"]
    old = {p.n: p.text for p in Passage.objects.filter(document__slug=slug)}
    lines = seed_text("000").splitlines()
    fixed_line = lines[0].replace("bili smo prognanici", "bili su prognanici")
    deleted_line = lines[4]
    new_line = "Ovo je potpuno novi odlomak o trgovinskom sporazumu iz 1940. godine."
    revised_lines = [fixed_line, *lines[1:4], new_line, *lines[5:]]
    revised = tmp_path / SEED["000"]
    revised.write_text("\n".join(revised_lines) + "\n", encoding="utf-8")

    [result] = import_paths([revised], catalogue)
    assert result.status == "revised"
    assert result.changes["revised"] == 1 and result.changes["new"] == 1

    passages = {p.n: p for p in Passage.objects.filter(document__slug=slug)}
    # Every old number still answers, with its old text current, revised or withdrawn.
    for n, text in old.items():
        passage = passages[n]
        assert passage.text == text or passage.revisions.filter(text=text).exists()
    # The corrected passage kept its number and gained a revision.
    assert "bili su prognanici" in passages[1].text
    assert list(passages[1].revisions.values_list("number", "reason")) == [
        (1, "import"),
        (2, "reimport"),
    ]
    # The deleted paragraph's passages are withdrawn, not deleted.
    gone = [p for p in passages.values() if p.text.startswith(deleted_line[:40])]
    assert gone and all(p.withdrawn and p.position is None for p in gone)
    # The new paragraph has a number above every old one.
    [added] = [p for p in passages.values() if p.text == new_line]
    assert added.n > max(old)
    assert not added.withdrawn
    # Unchanged passages keep their numbers and texts.
    unchanged = [n for n, t in old.items() if passages[n].text == t and not passages[n].withdrawn]
    assert len(unchanged) >= len(old) - 3


def test_reimporting_the_revised_file_again_changes_nothing(tmp_path, catalogue):
    revised = tmp_path / SEED["003"]
    revised.write_text(seed_text("003") + "\n\nOne more paragraph at the end.\n")
    [first] = import_paths([revised], catalogue)
    assert first.status == "revised" and first.changes["new"] == 1
    before = snapshot()
    [second] = import_paths([revised], catalogue)
    assert second.status == "unchanged"
    assert snapshot() == before


def test_dry_run_of_a_revised_source_reports_the_changes_and_stores_nothing(tmp_path, capsys):
    before = snapshot()
    revised = tmp_path / SEED["003"]
    revised.write_text(seed_text("003") + "\n\nOne more paragraph at the end.\n")
    call_command("import_documents", str(revised), "--dry-run")
    out = capsys.readouterr().out
    assert "revised soviet-nazi-relations-1930s — 6 kept, 0 revised, 1 new, 0 withdrawn" in out
    assert "Dry run: nothing was stored." in out
    assert snapshot() == before


# Input is checked before anything is stored ---------------------------------------------------


def seed_paragraph(key, start):
    """A paragraph of a seed source, as the text of a new file."""
    return next(line for line in seed_text(key).splitlines() if line.startswith(start)) + "\n"


RO = seed_paragraph("001", "Relațiile dintre Germania și Uniunea Sovietică")
EN = seed_paragraph("003", "Still, by the end of the 30s")


def catalogue_file(tmp_path, text):
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sources(tmp_path, **texts):
    folder = tmp_path / "sources"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_catalogue_slug_that_is_not_url_safe_fails_only_its_file_and_pages_keep_working(
    tmp_path, client, capsys
):
    folder = sources(tmp_path, bad=RO, good=EN)
    path = catalogue_file(
        tmp_path,
        '[sources."bad.txt"]\nslug = "rapallo/1922"\n\n[sources."good.txt"]\nslug = "rapallo"\n',
    )
    with pytest.raises(CommandError, match=r"1 of 2 files failed: bad.txt"):
        call_command("import_documents", str(folder), "--catalogue", str(path))
    out = capsys.readouterr().out
    entry = f"the catalogue {path}, entry bad.txt"
    assert f"bad.txt: FAILED — {entry}: field slug: “rapallo/1922”: Enter a valid “slug”" in out
    assert not Document.objects.filter(source_file="bad.txt").exists()
    assert Document.objects.get(source_file="good.txt").slug == "rapallo"
    for url in ["/", "/documents/", "/api/documents/", "/documents/rapallo/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('slug = "rapallo treaty"', "field slug: “rapallo treaty”: Enter a valid “slug”"),
        ('slug = "rapallo-ugovor-iz-1922"', None),
        (f'slug = "{"r" * 101}"', "field slug: “rrr"),
        ('language = "sr"', "field language: unknown language “sr” (the archive's are hr, ro, en"),
        ('language = "Romanian"', "field language: unknown language “Romanian”"),
        ("language = 7", "field language: give it as text in quotes"),
        ('source_url = "javascript:alert(1)"', "field source_url: “javascript:alert(1)”"),
        ('titel = "Rapallo"', "unknown fields titel (known: slug, title,"),
        ('notes = "x"\nsource_date = 1922-04-16', "field source_date: give it as text in quotes"),
    ],
)
def test_each_catalogue_field_is_checked_before_the_file_is_stored(tmp_path, entry, message):
    path = catalogue_file(tmp_path, f'[sources."rapallo.txt"]\n{entry}\n')
    source = tmp_path / "rapallo.txt"
    source.write_text(RO, encoding="utf-8")
    [result] = import_paths([source], Catalogue.load(path))
    if message is None:
        assert result.status == "created"
        return
    assert result.failed
    assert result.error.startswith(f"the catalogue {path}, entry rapallo.txt: ")
    assert message in result.error
    assert not Document.objects.filter(source_file="rapallo.txt").exists()


def test_two_catalogue_entries_may_not_claim_one_slug(tmp_path, capsys):
    folder = sources(tmp_path, first=RO, second=EN, third=EN + "Again.\n")
    path = catalogue_file(
        tmp_path,
        '[sources."first.txt"]\nslug = "rapallo"\n\n[sources."second.txt"]\nslug = "rapallo"\n',
    )
    with pytest.raises(CommandError, match=r"2 of 3 files failed: first.txt, second.txt"):
        call_command("import_documents", str(folder), "--catalogue", str(path))
    out = capsys.readouterr().out
    assert "first.txt: FAILED — " in out and "is also claimed by the entry for second.txt" in out
    assert "second.txt: FAILED — " in out and "is also claimed by the entry for first.txt" in out
    stored = Document.objects.filter(source_file__in=["first.txt", "second.txt", "third.txt"])
    assert list(stored.values_list("source_file", flat=True)) == ["third.txt"]


def test_a_catalogue_slug_may_not_be_another_documents_now_or_before_its_rename(tmp_path):
    pact = Document.objects.get(slug=SLUGS["002"])
    DocumentAlias.objects.create(old_slug="nazi-soviet-pact", document=pact)
    folder = sources(tmp_path, taken=RO, former=EN)
    path = catalogue_file(
        tmp_path,
        f'[sources."taken.txt"]\nslug = "{SLUGS["002"]}"\n\n'
        '[sources."former.txt"]\nslug = "nazi-soviet-pact"\n',
    )
    results = {r.name: r for r in import_paths([folder], Catalogue.load(path))}
    assert results["taken.txt"].error.endswith(
        f"field slug: “{SLUGS['002']}” is the slug {SEED['002']} already has"
    )
    assert results["former.txt"].error.endswith(
        f"field slug: “nazi-soviet-pact” is the slug {SEED['002']} had before it was renamed"
    )
    assert Document.objects.get(slug=SLUGS["002"]) == pact
    assert not Document.objects.filter(source_file__in=["taken.txt", "former.txt"]).exists()


def test_a_slug_made_from_a_title_never_takes_a_former_slug(tmp_path, catalogue):
    pact = Document.objects.get(slug=SLUGS["002"])
    DocumentAlias.objects.create(old_slug="rapallo-notes", document=pact)
    source = tmp_path / "Rapallo notes.txt"
    source.write_text(EN, encoding="utf-8")
    [result] = import_paths([source], catalogue)
    assert result.document.slug == "rapallo-notes-2"


def test_same_named_files_in_one_run_are_refused_with_both_paths(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(RO, encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b" / "y.txt").write_text(EN, encoding="utf-8")
    with pytest.raises(CommandError, match=r"2 of 3 files failed: x.txt, x.txt"):
        call_command("import_documents", str(tmp_path / "a"), str(tmp_path / "b"))
    out = capsys.readouterr().out
    both = f"2 files of this run are named x.txt ({tmp_path}/a/x.txt, {tmp_path}/b/x.txt)"
    assert out.count(both) == 2
    assert not Document.objects.filter(source_file="x.txt").exists()
    assert Document.objects.filter(source_file="y.txt").exists()


def test_a_file_named_twice_in_one_run_is_imported_once(tmp_path, catalogue):
    source = tmp_path / "rapallo.txt"
    source.write_text(EN, encoding="utf-8")
    [result] = import_paths([tmp_path, source], catalogue)
    assert result.status == "created"
