"""Full builds in several processes: the same index content as one process writes, and a failing
process stops the rebuild without touching the live index."""

from pathlib import Path

import pytest
from django.core.management import call_command
from whoosh.index import open_dir

from archive.models import Passage
from search.engine import engine
from search.engine.whoosh import building
from search.engine.whoosh.compile import compile_plan
from search.engine.whoosh.evaluation import Evaluator
from search.indexing import prepared_batches, rebuild_index
from search.query import build_query, parse_query

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

QUERIES = ["Molotov", "pakt o nenapadanju", '"secret protocol"', "Ribbentrop -Hitler", "negoti*"]


def index_path() -> Path:
    return Path(engine().path)


@pytest.fixture
def small_runs(monkeypatch):
    # The seed corpus is small; let every process take part anyway.
    monkeypatch.setattr(building, "MIN_PER_PROCESS", 10)


def found(path: Path) -> tuple[int, dict]:
    """Segments of the index at `path`, and per query: passage pk → score."""
    ix = open_dir(str(path))
    with ix.searcher() as searcher:
        evaluator = Evaluator(searcher)
        results = {}
        for text in QUERIES:
            scored = evaluator.evaluate(compile_plan(build_query(parse_query(text)).query))
            results[text] = {
                searcher.stored_fields(int(doc))["django_id"]: round(float(score), 9)
                for doc, score in zip(scored.ids, scored.scores, strict=True)
            }
        return len(ix._segments()), results


def test_two_build_processes_write_what_one_writes(tmp_path, small_runs):
    be = engine()
    if not be.setup_complete:
        be.setup()
    ids = list(Passage.objects.published().values_list("pk", flat=True))
    for processes in (1, 2):
        (tmp_path / str(processes)).mkdir()
        count = building.build(
            tmp_path / str(processes),
            be.schema,
            ([be.document(entry) for entry in batch] for batch in prepared_batches(ids, 20)),
            total=len(ids),
            processes=processes,
            limitmb=64,
        )
        assert count == len(ids)
    one_segments, by_one = found(tmp_path / "1")
    two_segments, by_two = found(tmp_path / "2")
    assert (one_segments, two_segments) == (1, 2)
    assert by_one == by_two
    assert all(by_one[q] for q in QUERIES)


def test_rebuild_command_takes_the_number_of_processes(private_index, small_runs):
    call_command("rebuild_index", interactive=False, workers=3, batchsize=20, verbosity=0)
    be = engine()
    be.reopen_if_swapped()
    searcher = be.searcher()
    assert len(list(searcher.reader().leaf_readers())) == 3
    assert searcher.doc_count() == Passage.objects.published().count()


def test_a_failing_build_process_leaves_the_live_index(private_index, small_runs, monkeypatch):
    live = index_path().resolve()

    def broken(self, **fields):
        raise RuntimeError("disk full")

    # Replaced before the children are forked, so they inherit the fault.
    monkeypatch.setattr(building.BulkSegmentWriter, "add_document", broken)
    with pytest.raises(building.BuildError, match="disk full"):
        rebuild_index(processes=2)
    assert index_path().resolve() == live
    # The half-written folder is gone; nothing but the live index is left.
    assert sorted(p.name for p in live.parent.iterdir()) == sorted([index_path().name, live.name])
    assert engine().searcher().doc_count() == Passage.objects.published().count()


def test_a_searcher_opened_before_a_rebuild_still_reads_its_hits(private_index):
    from whoosh import query as wq

    be = engine()
    be.reopen_if_swapped()
    searcher = be.searcher()
    found = be.state(searcher).evaluator.evaluate(wq.Term("text", "molotov"))
    old = index_path().resolve()
    rebuild_index()
    # The old folder is gone, yet the searcher still holding it reads what it found.
    assert not old.exists()
    texts = [searcher.stored_fields(int(doc))["text"] for doc in found.ids[:5]]
    assert texts and all("olotov" in text for text in texts)
    assert be.run_query(wq.Term("text", "molotov"), start=0, end=5).total == len(found)


def test_a_search_meeting_removed_files_retries_on_the_current_index(monkeypatch):
    from whoosh import query as wq

    be = engine()
    real, calls = type(be)._run, []

    def first_fails(self, q, **options):
        calls.append(q)
        if len(calls) == 1:
            raise FileNotFoundError("MAIN_x.seg")
        return real(self, q, **options)

    monkeypatch.setattr(type(be), "_run", first_fails)
    assert be.run_query(wq.Term("text", "molotov"), start=0, end=5).total > 0
    assert len(calls) == 2


def test_a_word_of_one_passage_is_kept_inline_and_found_both_ways(private_index):
    from whoosh import query as wq

    from search.engine.whoosh.equivalence import compare_query

    be = engine()
    be.reopen_if_swapped()
    searcher = be.searcher()
    reader = searcher.reader()
    # Words of a single passage, the passage ids among them, keep their posting in the term
    # table; words of many passages keep their blocks.
    lone = next(
        text.decode()
        for text, info in reader.iter_field("text")
        if info.doc_frequency() == 1 and text.isalpha()
    )
    leaf = next(leaf for leaf, _ in reader.leaf_readers()) if not reader.is_atomic() else reader
    assert leaf._terms.term_info("text", lone.encode()).is_inlined()
    assert not leaf._terms.term_info("text", b"molotov").is_inlined()
    scored = be.state(searcher).evaluator.evaluate(wq.Term("text", lone))
    assert len(scored) == 1
    assert searcher.search(wq.Term("text", lone)).scored_length() == 1
    for text in (lone, f'"{lone}"', f"{lone} OR Molotov", f"Molotov -{lone}"):
        assert compare_query(text, {}) == [], text


def whoosh_terms(path: Path) -> dict:
    """Everything a reader of the index at `path` finds: per field and term, the term's
    statistics and postings; each document's stored fields and field lengths."""
    ix = open_dir(str(path))
    found = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
            )
            found[(fieldname, text)] = (stats, postings)
        for docnum in range(reader.doc_count_all()):
            lengths = {f: reader.doc_field_length(docnum, f) for f in ix.schema.scorable_names()}
            found[("doc", docnum)] = (reader.stored_fields(docnum), lengths)
    return found


def built_both_ways(tmp_path, schema, docs) -> tuple[dict, dict]:
    """`whoosh_terms` of the documents written by Whoosh's own writer, and by a build."""
    from whoosh.index import create_in

    from search.engine.whoosh.codec import CODEC

    (tmp_path / "whoosh").mkdir()
    writer = create_in(str(tmp_path / "whoosh"), schema).writer(codec=CODEC)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    (tmp_path / "build").mkdir()
    building.build(tmp_path / "build", schema, [docs], total=len(docs), processes=1)
    return whoosh_terms(tmp_path / "whoosh"), whoosh_terms(tmp_path / "build")


def test_the_build_writes_what_whoosh_writes(tmp_path):
    be = engine()
    if not be.setup_complete:
        be.setup()
    ids = list(Passage.objects.published().values_list("pk", flat=True))
    docs = [be.document(entry) for batch in prepared_batches(ids, 50) for entry in batch]
    theirs, ours = built_both_ways(tmp_path, be.schema, docs)
    assert len(ours) > 10_000
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []


@pytest.mark.parametrize(
    "text, language",
    [
        # Words repeated, in other cases and with the typographic apostrophe.
        ("Pakt, pakt i PAKT: pakt o pakt. O’Neill i O'Neill, o’neill.", "hr"),
        # Diacritics, old Romanian spellings (cedilla, inner î) and folds that gain letters.
        ("Şedinţa din România: hotărît, pînă ţară şi ţara; Međunarodni ugovor, medjunarodni", "ro"),
        ("Međunarodni ugovor i međunarodni sporazum, Đuro Đaković, ĐURO", "hr"),
        ("The Führer’s “secret protocol” — ß, Straße; naïve coöperation, café", "en"),
        # A language we do not stem, and a text that is all one word.
        ("Договор о ненападении между Германией", "ru"),
        ("Molotov", "en"),
    ],
)
def test_the_build_writes_what_whoosh_writes_for_words_that_repeat_or_fold(
    tmp_path, text, language
):
    be = engine()
    if not be.setup_complete:
        be.setup()
    entry = next(prepared_batches([Passage.objects.published().first().pk], 1))[0]
    docs = []
    # The text alone, then beside passages of other words, with and without notes or concepts.
    for n, (words, notes, concepts) in enumerate(
        [
            (text, "", []),
            (f"{text} {text}", f"{text} note", ["nazi-germany", "treaty-of-rapallo"]),
            ("Ribbentrop", text, ["nazi-germany"]),
            ("", "", []),
        ]
    ):
        prepared = {
            **entry,
            "id": f"archive.passage.{90_000 + n}",
            "django_id": str(90_000 + n),
            "text": words,
            "language": language,
            "notes": notes,
            "concepts": concepts,
        }
        for code in ("en", "ro", "hr"):
            prepared[f"text_{code}"] = words if language == code else ""
        docs.append(be.document(prepared))
    theirs, ours = built_both_ways(tmp_path, be.schema, docs)
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    assert any(k[0] == "text" for k in ours)


def test_a_batch_of_passages_is_prepared_in_three_queries_with_its_concepts(
    django_assert_num_queries,
):
    from archive.models import PassageConcept

    tagged = list(Passage.objects.published().filter(concept_tags__isnull=False).distinct()[:40])
    rejected = PassageConcept.objects.filter(passage=tagged[0]).first()
    rejected.rejected = True
    rejected.save()
    expected = {p.pk: p.concept_slugs() for p in tagged}
    assert rejected.concept.slug not in expected[tagged[0].pk]
    # The passages with their documents, their concepts as plain values, their notes.
    with django_assert_num_queries(3):
        entries = next(prepared_batches([p.pk for p in tagged], 40))
    assert {int(e["django_id"]): e["concepts"] for e in entries} == expected
    assert sum(len(slugs) for slugs in expected.values()) > len(tagged)


def test_a_build_that_outgrows_its_memory_writes_more_segments(tmp_path, monkeypatch):
    from search.engine.whoosh import bulkwrite

    be = engine()
    if not be.setup_complete:
        be.setup()
    ids = list(Passage.objects.published().values_list("pk", flat=True))
    docs = [be.document(entry) for batch in prepared_batches(ids, 50) for entry in batch]
    # 4,000 postings to a megabyte: about a tenth of the seed corpus's postings per segment.
    monkeypatch.setattr(bulkwrite, "BYTES_PER_POSTING", 1024 * 1024 // 4_000)
    (tmp_path / "small").mkdir()
    building.build(tmp_path / "small", be.schema, [docs], total=len(docs), processes=1, limitmb=1)
    segments, results = found(tmp_path / "small")
    assert segments >= 5
    (tmp_path / "one").mkdir()
    building.build(tmp_path / "one", be.schema, [docs], total=len(docs), processes=1)
    assert found(tmp_path / "one")[1] == results
