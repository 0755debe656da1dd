"""Folding, stemming and the per-language analyzers, on sentences from the seed corpus."""

import pickle
import re

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from archive.text import STOP_WORDS, WORD_PATTERN, fold, index_forms
from search.engine.whoosh.analysis import (
    FOLDED_ANALYZER,
    LANGUAGE_ANALYZERS,
    analyze,
    analyzer_for,
    stemming_analyzer,
)
from tests.conftest import SEED, seed_text


def corpus_sentence(key: str, fragment: str) -> str:
    """The sentence of seed text `key` that contains `fragment`."""
    text = seed_text(key)
    at = text.index(fragment)
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1)
    end = min(i for i in (text.find(". ", at), text.find("\n", at), len(text)) if i >= 0)
    return text[start:end]


def matches(text: str, query: str, code: str) -> set[str]:
    """Terms a query would find in an index of `text`: index terms ∩ query terms."""
    return set(analyze(text, code, mode="index")) & set(analyze(query, code, mode="query"))


def finds(text: str, query: str, code: str) -> bool:
    """Every word of `query` is found in `text`."""
    return set(analyze(query, code, mode="query")) <= set(analyze(text, code, mode="index"))


@pytest.mark.parametrize(
    ("key", "fragment", "query", "code"),
    [
        ("000", "Pregovori su posrnuli", "pregovor", "hr"),
        ("000", "političkih pregovora s Moskvom", "pregovori", "hr"),
        ("000", "trgovinski sporazum", "sporazuma", "hr"),
        ("000", "dobitak za Staljina", "Staljin", "hr"),
        ("000", "daljnjih sovjetskih zahtjeva", "sovjetski", "hr"),
        ("000", "Vjačeslav Molotov", "Molotova", "hr"),
        ("001", "log negocierile sovieto-germane", "negociere", "ro"),
        ("001", "Au urmat negocieri", "negocierile", "ro"),
        ("001", "începerea negocierilor", "negociere", "ro"),
        ("001", "Basarabia și Bucovina", "Basarabiei", "ro"),
        ("002", "Such treaties", "treaty", "en"),
        ("002", "culmination of negotiations", "negotiation", "en"),
        ("004", "negotiations occurred era", "negotiations", "en"),
    ],
)
def test_inflected_forms_meet_on_their_stem(key, fragment, query, code):
    assert matches(corpus_sentence(key, fragment), query, code)


@pytest.mark.parametrize(
    ("key", "fragment", "query", "code"),
    [
        ("000", "dobitak za Staljina", "staljina", "hr"),
        ("000", "daljnjih sovjetskih zahtjeva", "SOVJETSKIH", "hr"),
        ("000", "Sljedeći dan potpisan", "sljedeci trgovinski sporazum izmedu", "hr"),
        ("000", "Sljedeći dan potpisan", "izmedju", "hr"),
        ("001", "împărțeau sferele de influență", "sfere de influenta", "ro"),
        ("001", "împărțeau sferele de influență", "sfere de influență", "ro"),
        ("001", "împărțeau sferele de influență", "sfere de influenţă", "ro"),
        ("001", "Tratatul de la Brest-Litovsk", "tratatul de la brest litovsk", "ro"),
        ("001", "Tratatul de la Brest-Litovsk", "ostilitatilor", "ro"),
        ("001", "Tratatul de la Brest-Litovsk", "capăt ostilităţilor", "ro"),
        ("001", "pentru Basarabia", "Basarabia", "ro"),
        ("001", "Ungaria sau România", "Romania", "ro"),
        ("001", "Mirbach-Harff", "Moscova", "ro"),
        ("001", "Mirbach-Harff", "impuscat", "ro"),
    ],
)
def test_accents_do_not_matter_either_way(key, fragment, query, code):
    assert finds(corpus_sentence(key, fragment), query, code)


def test_text_without_accents_is_found_by_accented_queries():
    assert finds("sfere de influenta in Romania", "sferele de influență în România", "ro")
    assert finds("Staljin i sovjetski pregovori", "Staljina sovjetskih pregovora", "hr")


def test_the_same_name_is_found_in_every_language():
    for key, code in [("000", "hr"), ("001", "ro"), ("002", "en"), ("004", "en")]:
        text = seed_text(key)
        assert finds(text, "Molotov", code)
        assert finds(text, "molotov", code)
        assert "molotov" in analyze(text, "xx", mode="index")


def test_romanian_cedillas_fold_onto_commas():
    assert fold("ŞŢşţ") == fold("ȘȚșț") == "stst"
    assert analyze("Relaţiile şi negocierile", "ro") == analyze("Relațiile și negocierile", "ro")
    assert analyze("ţară", "ro", mode="index") == analyze("țară", "ro", mode="index")


@pytest.mark.parametrize(
    ("old", "new"),
    [("pînă", "până"), ("întîi", "întâi"), ("hotărît", "hotărât"), ("rezultînd", "rezultând")],
)
def test_old_romanian_orthography_matches_the_new(old, new):
    assert fold(old) == fold(new)
    assert analyze(old, "ro", mode="index") == analyze(new, "ro", mode="index")
    assert analyze(old, "ro") == analyze(new, "ro")


def test_old_orthography_in_the_corpus_is_found_with_modern_spelling():
    sentence = corpus_sentence("001", "mai întîi relațiile comerciale")
    assert finds(sentence, "întâi rezultând", "ro")
    assert finds(corpus_sentence("001", "de la Marea Baltică pînă"), "până", "ro")


def test_initial_and_final_i_circumflex_stay():
    assert fold("în") == "in"
    assert fold("Înainte") == "inainte"
    assert fold("coborî") == "cobori"
    assert fold("Întîi") == "intai"
    assert analyze("În", "ro") == ["in"]


def test_fold_strips_diacritics_of_every_expected_language():
    assert fold("Čelnici ćirilica Šibenik Žrtva Đakovo") == "celnici cirilica sibenik zrtva dakovo"
    assert fold("Straße Führer Köln Ärger") == "strasse fuhrer koln arger"
    assert fold("Łódź Ørsted Æther Œuvre José Hélène") == "lodz orsted aether oeuvre jose helene"
    assert fold("Ёлка йод") == "елка йод"


def test_fold_normalises_quotes_and_dashes():
    assert fold("„arijevac“ «bază» ‘x’ ‚y‛") == "\"arijevac\" \"baza\" 'x' 'y'"
    assert fold("a‐b‑c‒d–e—f―g−h") == "a-b-c-d-e-f-g-h"


def test_fold_is_idempotent_over_the_corpus():
    for key in ("000", "001", "002"):
        once = fold(seed_text(key))
        assert fold(once) == once
    assert fold("s\u0326i i\u0302n") == fold("și în") == "si in"


def test_typographic_dashes_and_apostrophes_tokenize_like_ascii():
    pact = corpus_sentence("002", "The Molotov–Ribbentrop Pact, officially")
    assert "Molotov–Ribbentrop" in pact
    assert analyze("Molotov–Ribbentrop", "en") == analyze("Molotov-Ribbentrop", "en")
    assert analyze("Molotov–Ribbentrop", "en") == ["molotov", "ribbentrop"]
    assert finds(pact, "Molotov-Ribbentrop", "en")
    assert analyze("Germany’s", "xx") == analyze("Germany's", "xx") == ["germany's"]
    assert analyze("Germany’s", "en") == analyze("Germany", "en")


def test_hyphenated_words_split_and_numbers_stay():
    assert analyze("sovieto-germane (1918–1941)", "xx") == ["sovieto", "germane", "1918", "1941"]
    assert re.fullmatch(WORD_PATTERN, "întîi")


def test_tokens_keep_positions_and_offsets():
    text = corpus_sentence("001", "Tratatul de la Brest-Litovsk")
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer_for("ro")(text, positions=True, chars=True, mode="index")
    ]
    assert tokens[:5] == [
        ("tratat", 0, 0, 8),
        ("de", 1, 9, 11),
        ("la", 2, 12, 14),
        ("brest", 3, 15, 20),
        ("litovsk", 4, 21, 28),
    ]
    start = text.index("ostilităților")
    assert {t[0] for t in tokens if t[2] == start} == set(index_forms("romanian", "ostilităților"))
    assert {t[2:] for t in tokens if t[2] == start} == {(start, start + len("ostilităților"))}


def test_both_stems_are_indexed_at_one_position():
    assert index_forms("romanian", "rezultînd") == ("rezult", "rezultand")
    tokens = [(t.text, t.pos) for t in analyzer_for("ro")("rezultînd atunci", positions=True)]
    assert tokens[:2] == [("rezult", 0), ("rezultand", 0)]
    assert analyze("rezultînd", "ro", mode="query") == ["rezult"]
    assert analyze("rezultand", "ro", mode="query") == ["rezultand"]


def test_languages_without_a_stemmer_fall_back_to_folding():
    assert analyzer_for("de") is FOLDED_ANALYZER
    assert analyzer_for("") is FOLDED_ANALYZER
    assert analyzer_for("hr-HR") is LANGUAGE_ANALYZERS["hr"]
    assert analyzer_for("RO") is LANGUAGE_ANALYZERS["ro"]
    assert analyze("Verträge über Grenzen", "de") == ["vertrage", "uber", "grenzen"]
    assert analyze("Пакт Молотова", "ru") == ["пакт", "молотова"]
    with pytest.raises(KeyError):
        stemming_analyzer("de")


def test_stop_words_are_folded_and_kept_in_the_index():
    assert {"the", "of"} <= STOP_WORDS["en"]
    assert {"si", "in", "de", "la"} <= STOP_WORDS["ro"]
    assert {"i", "je", "u"} <= STOP_WORDS["hr"]
    assert {"und", "fur"} <= STOP_WORDS["de"]
    assert "и" in STOP_WORDS["ru"]
    assert analyze("spheres of influence", "en", mode="index") == ["sphere", "of", "influenc"]


def test_schema_with_the_analyzers_pickles_and_searches():
    schema = Schema(
        id=ID(stored=True),
        text=TEXT(analyzer=FOLDED_ANALYZER),
        **{f"text_{code}": TEXT(analyzer=analyzer_for(code)) for code in LANGUAGE_ANALYZERS},
    )
    restored = pickle.loads(pickle.dumps(schema))
    assert restored["text_ro"].analyzer == schema["text_ro"].analyzer
    index = RamStorage().create_index(restored)
    with index.writer() as writer:
        sentence = corpus_sentence("001", "Tratatul de la Brest-Litovsk")
        writer.add_document(id="001", text=sentence, text_ro=sentence)
    with index.searcher() as searcher:
        for field, query in [
            ("text_ro", '"tratatul de la brest litovsk"'),
            ("text_ro", "capat ostilitatilor"),
            ("text_ro", "Tratatul de la Brest-Litovsk"),
            ("text", '"dictat de germania"'),
        ]:
            parsed = QueryParser(field, index.schema).parse(query)
            assert len(searcher.search(parsed)) == 1, parsed


@pytest.mark.parametrize("code", ["en", "ro", "hr", "de", "hr-HR", ""])
def test_the_archives_terms_are_what_the_index_analyzers_make(code):
    from archive.text import terms, words_at
    from tests.conftest import SEED

    for key in SEED:
        text = seed_text(key)
        for mode in ("query", "index"):
            assert terms(text, code, mode) == analyze(text, code, mode=mode), (key, code, mode)
        tokens = FOLDED_ANALYZER(text, chars=True, mode="index")
        assert [(s, e, fold(w)) for s, e, w in words_at(text)] == [
            (t.startchar, t.endchar, t.text) for t in tokens
        ]


def test_stemming_runs_in_snowballs_c_library_with_the_stems_of_its_python_port():
    """The index worker, rebuilds and queries stem with Snowball's C library (PyStemmer, which
    snowballstemmer hands out when it is installed), forty times faster than the pure-Python
    port, which gives the same stem for every word of the seed corpus."""
    import snowballstemmer
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.romanian_stemmer import RomanianStemmer
    from snowballstemmer.serbian_stemmer import SerbianStemmer

    words = {w.lower() for key in SEED for w in re.findall(WORD_PATTERN, seed_text(key))}
    assert len(words) > 5_000
    for algorithm, port in [
        ("serbian", SerbianStemmer()),
        ("romanian", RomanianStemmer()),
        ("english", EnglishStemmer()),
    ]:
        stemmer = snowballstemmer.stemmer(algorithm)
        assert isinstance(stemmer, Stemmer.Stemmer)
        assert [stemmer.stemWord(w) for w in sorted(words)] == [
            port.stemWord(w) for w in sorted(words)
        ], algorithm
