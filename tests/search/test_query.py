"""Query reading and building, without an index."""

from archive.concepts.thesaurus import Thesaurus
from search import plan
from search.query import MAX_QUERY_CHARS, Clause, build_query, parse_query


def kinds(parsed):
    return [[(c.kind, c.text) for c in group] for group in parsed.groups]


def test_words_must_all_match_and_or_joins_neighbours():
    parsed = parse_query("Molotov Ribbentrop OR Litvinov")
    assert kinds(parsed) == [[("word", "Molotov")], [("word", "Ribbentrop"), ("word", "Litvinov")]]
    assert not parsed.notices


def test_phrases_prefixes_fuzzy_and_exclusions_are_read():
    parsed = parse_query('"spheres of influence" negoc* Ribentrop~ -Hitler NOT Stalin')
    assert kinds(parsed) == [
        [("phrase", "spheres of influence")],
        [("prefix", "negoc")],
        [("fuzzy", "Ribentrop")],
    ]
    assert parsed.excluded == [Clause("word", "Hitler"), Clause("word", "Stalin")]


def test_typographic_quotes_make_phrases():
    assert kinds(parse_query("„sfere de influență”")) == [[("phrase", "sfere de influență")]]


def test_unbalanced_quote_is_searched_as_words_and_said():
    parsed = parse_query('"spheres of influence')
    assert kinds(parsed) == [[("word", "spheres")], [("word", "of")], [("word", "influence")]]
    assert "not closed" in parsed.notices[0]


def test_lone_operators_and_symbols_are_ignored_with_a_notice():
    parsed = parse_query("OR * - Molotov OR")
    assert kinds(parsed) == [[("word", "Molotov")]]
    assert "Ignored" in parsed.notices[-1]
    assert parse_query("OR").is_empty


def test_brackets_and_markup_are_plain_text():
    parsed = parse_query("(Molotov) <img src=x onerror=alert(1)>")
    assert parsed.groups[0] == [Clause("word", "Molotov")]
    assert any("Brackets" in n for n in parsed.notices)
    assert build_query(parsed).query is not None


def test_very_long_query_is_cut_and_said():
    parsed = parse_query("Molotov " * 5000)
    assert len(parsed.clauses) <= 24
    assert any(str(MAX_QUERY_CHARS) in n for n in parsed.notices)


def test_only_exclusions_search_nothing():
    parsed = parse_query("-Hitler")
    assert build_query(parsed).query is None
    assert parsed.notices


def test_a_word_searches_every_language_field_and_the_exact_form_first():
    q = build_query(parse_query("pregovori")).query
    fields = {t[0] for t in plan.terms(q)}
    assert fields == {"text", "text_en", "text_ro", "text_hr", "notes"}
    exact = [s for s in q.parts if getattr(s, "field", None) == "text"][0]
    assert exact.boost > 1


def test_unaccented_and_accented_words_meet_the_same_stems():
    plain = set(plan.terms(build_query(parse_query("influenta")).query))
    accented = set(plan.terms(build_query(parse_query("influență")).query))
    assert ("text", "influenta") in plain & accented
    a = {t for t in plan.terms(build_query(parse_query("relatiile")).query) if t[0] == "text_ro"}
    b = {t for t in plan.terms(build_query(parse_query("relațiile")).query) if t[0] == "text_ro"}
    assert a & b


def test_phrase_is_exact_on_the_folded_field():
    q = build_query(parse_query('"Tratatul de la Brest-Litovsk"')).query
    phrases = {s.field: s for s in q.parts}
    assert set(phrases) == {"text", "notes"}  # never a stemmed field
    assert isinstance(phrases["text"], plan.Phrase)
    assert phrases["text"].words == ("tratatul", "de", "la", "brest", "litovsk")


def test_note_prefix_searches_only_curators_notes():
    parsed = parse_query('note:typo note:"Maxim Litvinov" Molotov')
    assert [c.kind for c in parsed.clauses] == ["note", "note", "word"]
    q = build_query(parsed).query
    assert {t[0] for t in plan.terms(q.parts[0])} == {"notes"}


def test_exclusion_becomes_and_not():
    q = build_query(parse_query("Stalin -Hitler")).query
    assert isinstance(q, plan.Without)


def test_a_concept_name_is_expanded_to_its_labels_in_other_languages():
    thesaurus = Thesaurus()
    for language, text, preferred in [
        ("en", "Lithuania", True),
        ("hr", "Litva", True),
        ("ro", "Lituania", True),
    ]:
        thesaurus.add("lithuania", language, text, preferred)
    compiled = build_query(parse_query("Lithuania"), thesaurus=thesaurus)
    [expansion] = compiled.expansions
    assert expansion.concept == "lithuania"
    assert set(expansion.labels) == {"Litva", "Lituania"}
    terms = set(plan.terms(compiled.query))
    assert ("concepts", "lithuania") in terms
    # The labels are not searched one by one (tagging found them); they are highlighted.
    assert ("text", "litva") not in terms
    assert {"litva", "lituania"} <= expansion.terms


def test_multi_word_concept_names_are_found_in_running_words():
    thesaurus = Thesaurus()
    thesaurus.add("spheres-of-influence", "en", "spheres of influence", True)
    thesaurus.add("spheres-of-influence", "ro", "sfere de influență", True)
    compiled = build_query(parse_query("secret spheres of influence"), thesaurus=thesaurus)
    assert [e.matched for e in compiled.expansions] == ["spheres of influence"]
    assert compiled.expansions[0].labels == ["sfere de influență"]


def test_expansion_can_be_turned_off():
    compiled = build_query(parse_query("Lithuania"), thesaurus=None)
    assert compiled.expansions == []


def test_stop_words_outside_quotes_are_optional_and_ranked():
    q = build_query(parse_query("the secret protocol")).query
    assert isinstance(q, plan.Maybe)
    assert ("text", "the") not in set(plan.terms(q.query))
    assert ("text", "the") in set(plan.terms(q.optional))
    assert not isinstance(build_query(parse_query('"the secret protocol"')).query, plan.Maybe)
    # Nothing but stop words: they are all there is to find.
    assert set(plan.terms(build_query(parse_query("the")).query)) >= {("text", "the")}


def test_hyphenated_joined_and_separate_forms_meet():
    joined = set(plan.terms(build_query(parse_query("Soviet-Finnish")).query))
    assert ("text", "sovietfinnish") in joined
    vocabulary = {"german", "soviet", "sovietfinnish"}.__contains__
    split = build_query(parse_query("germansoviet"), vocabulary=vocabulary).query
    assert plan.Phrase("text", ("german", "soviet"), boost=2.0) in set(plan.leaves(split))
    apart = build_query(parse_query("soviet finnish"), vocabulary=vocabulary).query
    assert ("text", "sovietfinnish") in set(plan.terms(apart))
    # Without the index's word list, no halves are guessed.
    assert not any(
        isinstance(leaf, plan.Phrase)
        for leaf in plan.leaves(build_query(parse_query("germansoviet")).query)
    )


def test_an_excluded_concept_name_excludes_the_concept():
    thesaurus = Thesaurus()
    thesaurus.add("joseph-stalin", "en", "Stalin", True)
    thesaurus.add("joseph-stalin", "hr", "Staljin", True)
    q = build_query(parse_query("Hitler NOT Stalin"), thesaurus=thesaurus).query
    assert ("concepts", "joseph-stalin") in set(plan.terms(q.excluded))
