"""Importing: idempotent, transactional per document, and safe with bad files beside good ones."""

import html
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml.html import fromstring as html_tree

from annotations.models import Annotation
from annotations.services import save_annotation
from archive.aliases import merge_passages
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
    assert (
        "revised soviet-nazi-relations-1930s — "
        "6 kept, 0 revised, 0 moved, 0 restored, 1 new, 0 withdrawn"
    ) in out
    assert "Dry run: nothing was stored." in out
    assert snapshot() == before


# Text that moves keeps its number ----------------------------------------------------------

CRISIS = "Uniunea Sovietică și criza cehoslovacă din 1938"
RAPPROCHEMENT = "Apropierea sovieto-germană din primăvara și vara anului 1939"
# A sentence of the wiki seed, short enough to stand as a paragraph of its own in two sections.
SHORT = "Cooperarea militară dintre cele două țări este întreruptă în 1933."


def wiki_sections(text):
    """The seed wiki export cut before each heading: front matter and lead, then the sections."""
    return re.split(r"(?m)^(?=== )", text)


def move_section(text, heading, before):
    """The export with the section under `heading` moved to stand before section `before`."""
    sections = wiki_sections(text)
    moved = next(s for s in sections if s.startswith(f"== {heading} =="))
    sections.remove(moved)
    at = next(i for i, s in enumerate(sections) if s.startswith(f"== {before} =="))
    return "".join([*sections[:at], moved, *sections[at:]])


def with_lines(text, change):
    lines = text.split("\n")
    change(lines)
    return "\n".join(lines)


def reimport(tmp_path, catalogue, key, text):
    path = tmp_path / SEED[key]
    path.write_text(text, encoding="utf-8")
    [result] = import_paths([path], catalogue)
    assert result.status == "revised", result.error
    return result


def wiki_passages():
    """The wiki seed's passages by number."""
    return {p.n: p for p in Passage.objects.filter(document__slug=SLUGS["001"])}


def reading_order():
    return list(
        Passage.objects.filter(document__slug=SLUGS["001"])
        .current()
        .order_by("position")
        .values_list("n", flat=True)
    )


def numbers_of(section):
    return [
        p.n
        for p in sorted(wiki_passages().values(), key=lambda p: p.position or 0)
        if p.section == section and not p.withdrawn
    ]


def test_two_paragraphs_that_trade_places_keep_their_numbers(tmp_path, catalogue):
    before = wiki_passages()
    starts = ("Inițial germanii", "La această etapă")
    first, second = (next(n for n, p in before.items() if p.text.startswith(s)) for s in starts)
    order = reading_order()

    def swap(lines):
        a, b = (i for i, line in enumerate(lines) if line.startswith(starts))
        lines[a], lines[b] = lines[b], lines[a]

    result = reimport(tmp_path, catalogue, "001", with_lines(seed_text("001"), swap))
    assert result.changes["new"] == result.changes["withdrawn"] == 0
    assert result.changes["moved"] == 1 and result.changes["kept"] == len(before) - 1
    a, b = order.index(first), order.index(second)
    order[a], order[b] = order[b], order[a]
    assert reading_order() == order
    after = wiki_passages()
    assert {n: p.text for n, p in after.items()} == {n: p.text for n, p in before.items()}
    # The move is in the history of the passage that moved, with its unchanged text.
    [moved] = [p for p in after.values() if p.revisions.filter(reason="move").exists()]
    assert moved.n in (first, second)
    assert moved.revisions.last().text == before[moved.n].text


def test_a_moved_section_keeps_every_number_and_heading(tmp_path, catalogue, capsys):
    before = wiki_passages()
    crisis = numbers_of(CRISIS)
    path = tmp_path / SEED["001"]
    path.write_text(move_section(seed_text("001"), CRISIS, "Note"), encoding="utf-8")
    call_command("import_documents", str(path))
    assert (
        f"revised {SLUGS['001']} — {len(before) - 3} kept, 0 revised, 3 moved, 0 restored, "
        "0 new, 0 withdrawn"
    ) in capsys.readouterr().out
    after = wiki_passages()
    assert sorted(after) == sorted(before) and not any(p.withdrawn for p in after.values())
    assert len(crisis) == 3 and reading_order()[-3:] == crisis and numbers_of(CRISIS) == crisis
    for n in crisis:
        assert after[n].text == before[n].text and after[n].section == CRISIS
        assert list(after[n].revisions.values_list("reason", flat=True)) == ["import", "move"]


def test_a_cedilla_re_export_with_a_renamed_heading_and_a_moved_section_keeps_every_number(
    tmp_path, catalogue
):
    before = wiki_passages()
    crisis, rapprochement = numbers_of(CRISIS), numbers_of(RAPPROCHEMENT)
    renamed = "Apropierea sovieto-germană în primăvara și vara lui 1939"
    text = move_section(seed_text("001"), CRISIS, "Note").replace(RAPPROCHEMENT, renamed)
    cedilla = str.maketrans("șțȘȚ", "şţŞŢ")
    result = reimport(tmp_path, catalogue, "001", text.translate(cedilla))
    assert result.changes["new"] == result.changes["withdrawn"] == 0
    after = wiki_passages()
    assert sorted(after) == sorted(before) and not any(p.withdrawn for p in after.values())
    for n, passage in after.items():
        assert passage.text == before[n].text.translate(cedilla)
    assert numbers_of(renamed.translate(cedilla)) == rapprochement
    assert numbers_of(CRISIS.translate(cedilla)) == crisis == reading_order()[-3:]
    # Every old text stays readable as the revision it was.
    for n, passage in after.items():
        assert passage.revisions.filter(number=1, text=before[n].text).exists()


def test_a_cedilla_re_export_whose_moved_section_is_renamed_keeps_every_number_and_citation(
    tmp_path, catalogue, client
):
    before = wiki_passages()
    crisis = numbers_of(CRISIS)
    renamed = "Criza cehoslovacă din 1938 și Uniunea Sovietică"
    text = move_section(seed_text("001"), CRISIS, "Note").replace(
        f"== {CRISIS} ==", f"== {renamed} =="
    )
    cedilla = str.maketrans("șțȘȚ", "şţŞŢ")
    result = reimport(tmp_path, catalogue, "001", text.translate(cedilla))
    assert result.changes["new"] == result.changes["withdrawn"] == 0
    after = wiki_passages()
    assert sorted(after) == sorted(before) and not any(p.withdrawn for p in after.values())
    assert numbers_of(renamed.translate(cedilla)) == crisis == reading_order()[-3:]
    for n in after:
        cited = client.get(f"/documents/{SLUGS['001']}/{n}/cite.txt").content.decode()
        assert f"{SLUGS['001']}:{n}" in cited
        assert not client.get(f"/api/documents/{SLUGS['001']}/{n}/").json()["withdrawn"]


def test_a_withdrawn_paragraph_that_comes_back_gets_its_number_again(tmp_path, catalogue, client):
    before = wiki_passages()
    [gone] = [n for n, p in before.items() if p.text.startswith("Impactul semnării")]
    position = before[gone].position
    without = with_lines(
        seed_text("001"), lambda ls: ls.remove(seed_paragraph("001", "Impactul")[:-1])
    )
    assert reimport(tmp_path, catalogue, "001", without).changes["withdrawn"] == 1
    assert wiki_passages()[gone].withdrawn

    result = reimport(tmp_path, catalogue, "001", seed_text("001"))
    assert result.changes["restored"] == 1
    assert result.changes["new"] == result.changes["withdrawn"] == 0
    after = wiki_passages()
    assert sorted(after) == sorted(before)
    back = after[gone]
    assert not back.withdrawn and back.position == position
    assert back.text == before[gone].text
    assert back.revisions.last().reason == "restore"
    page = client.get(back.get_absolute_url()).content.decode()
    assert "This passage has been withdrawn." not in page
    # Its history still says when it was out of the source.
    assert back.withdrawn_at is not None
    withdrawn_on = back.withdrawn_at.strftime("%-d %B %Y")
    [restored] = html_tree(page).xpath("//section[@class='revisions']//li[last()]")
    assert f"(withdrawn on {withdrawn_on})" in restored.text_content()


def test_an_earlier_revision_of_a_moved_passage_shows_no_change_of_words(
    tmp_path, catalogue, client
):
    [n, *_] = numbers_of(CRISIS)
    reimport(tmp_path, catalogue, "001", move_section(seed_text("001"), CRISIS, "Note"))
    page = client.get(f"/documents/{SLUGS['001']}/{n}/?rev=1").content.decode()
    assert "You are reading revision 1 of 2" in page
    assert "This text was revised on" not in page and "Changes since this revision" not in page
    assert "Its words are those of the current text" in page


def test_a_wiki_export_dated_in_its_front_matter_gives_the_source_its_date(tmp_path, catalogue):
    text = seed_text("001").replace(
        "revision: 15759133\n", "revision: 15759133\ntimestamp: 2023-05-01T08:12:00Z\n"
    )
    path = tmp_path / "dated-wiki.txt"
    path.write_text(text, encoding="utf-8")
    [result] = import_paths([path], catalogue)
    assert result.status == "created", result.error
    assert result.document.source_date == "2023-05-01"


def test_a_repeated_short_paragraph_keeps_its_own_number_when_its_section_moves(
    tmp_path, catalogue
):
    def repeat(lines):
        for start in ("Este greu să", "Din acest moment discuțiile"):
            lines.insert(next(i for i, ln in enumerate(lines) if ln.startswith(start)) + 1, SHORT)

    twice = with_lines(seed_text("001"), repeat)
    assert reimport(tmp_path, catalogue, "001", twice).changes["new"] == 2
    copies = {p.section: p.n for p in wiki_passages().values() if p.text == SHORT}
    assert set(copies) == {CRISIS, RAPPROCHEMENT}

    result = reimport(tmp_path, catalogue, "001", move_section(twice, CRISIS, "Note"))
    assert result.changes["new"] == result.changes["withdrawn"] == 0
    assert {p.section: p.n for p in wiki_passages().values() if p.text == SHORT} == copies
    assert numbers_of(CRISIS)[-1] == copies[CRISIS]
    assert numbers_of(RAPPROCHEMENT)[-1] == copies[RAPPROCHEMENT]


def test_an_annotation_on_a_moved_and_corrected_passage_still_marks_its_words(
    tmp_path, catalogue, client
):
    [passage] = [p for p in wiki_passages().values() if p.text.startswith("Este greu")]
    quote = "aceste cedări nu au fost suficiente"
    note = save_annotation(
        Annotation(passage=passage, exact=quote, body="Cf. Beneš.", status="published"), user=None
    )
    fixed = seed_text("001").replace("Beneš nu cerut", "Beneš nu a cerut")
    result = reimport(tmp_path, catalogue, "001", move_section(fixed, CRISIS, "Note"))
    assert result.changes["moved"] == 3 and result.changes["withdrawn"] == 0
    note.refresh_from_db()
    moved = note.passage
    assert moved.n == passage.n and not moved.withdrawn and "nu a cerut" in moved.text
    assert moved.text[note.start : note.end] == quote and note.anchor_status != "orphaned"
    assert note.start == passage.text.index(quote) + 2
    api = client.get(f"/api/documents/{SLUGS['001']}/{passage.n}/").json()
    assert not api["withdrawn"] and [a["exact"] for a in api["annotations"]] == [quote]


def test_the_citation_url_of_a_moved_passage_answers_with_its_text(tmp_path, catalogue, client):
    crisis = numbers_of(CRISIS)
    cited = {n: wiki_passages()[n].text for n in crisis}
    reimport(tmp_path, catalogue, "001", move_section(seed_text("001"), CRISIS, "Note"))
    for n in crisis:
        response = client.get(f"/documents/{SLUGS['001']}/{n}/")
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert cited[n] in page and "This passage has been withdrawn." not in page
        assert CRISIS in page


def test_numbers_a_curator_merged_away_stay_with_the_merged_passage_after_a_re_import(
    tmp_path, catalogue, client
):
    # A control: only passages a re-import withdrew can come back; a merged one leads onward.
    first, second = Passage.objects.filter(document__slug=SLUGS["003"]).order_by("position")[:2]
    merged = merge_passages(first, second, reason="one argument")
    result = reimport(tmp_path, catalogue, "003", seed_text("003") + "\n\nOne more paragraph.\n")
    assert result.changes["restored"] == 0
    for old in (first, second):
        old.refresh_from_db()
        assert old.withdrawn
        response = client.get(old.get_absolute_url())
        assert response.status_code == 301 and response["Location"] == merged.get_absolute_url()


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
