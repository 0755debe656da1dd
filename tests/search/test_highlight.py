"""Highlighting: escaped passage text with stemmed, folded and phrase matches marked."""

import re

import pytest

from search.engine.whoosh.analysis import FOLDED_ANALYZER, analyzer_for
from search.highlight import mark, matches
from tests.conftest import seed_text
from tests.search.test_analysis import corpus_sentence


def query_terms(words: list[str], code: str) -> set[str]:
    """Terms of query `words` for the stemmed analyzer of `code` and the folded one (the
    service takes them from the compiled query)."""
    analyzers = [analyzer_for(code), FOLDED_ANALYZER]
    return {
        t.text for analyzer in analyzers for word in words for t in analyzer(word, mode="query")
    }


def highlight(text: str, terms: set[str], code: str, *, max_chars: int | None = None) -> str:
    return mark(text, matches(text, terms, code) if terms else [], max_chars=max_chars)


def marked(html: str) -> list[str]:
    """The words inside `<mark>` elements."""
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_markup_in_the_passage_comes_out_inert():
    text = 'Molotov <img src=x onerror=alert(1)> & "Ribbentrop" <script>x</script>'
    html = highlight(text, query_terms(["Molotov", "Ribbentrop"], "en"), "en")
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp; &quot;<mark>Ribbentrop</mark>&quot;" in html
    assert marked(html) == ["Molotov", "Ribbentrop"]
    assert "<img" not in highlight(text, set(), "en", max_chars=30)


def test_text_without_matches_is_only_escaped():
    assert highlight("a < b", {"molotov"}, "en") == "a &lt; b"
    assert highlight("a < b", set(), "en") == "a &lt; b"


def test_stemmed_forms_are_marked():
    sentence = corpus_sentence("000", "Prilikom njemačko-sovjetskih pregovora")
    html = highlight(sentence, query_terms(["pregovori", "sovjetski"], "hr"), "hr")
    assert marked(html) == ["sovjetskih", "pregovora"]
    sentence = corpus_sentence("001", "Au urmat negocieri")
    assert marked(highlight(sentence, query_terms(["negocierile"], "ro"), "ro")) == [
        "negocieri",
        "negocieri",
    ]


def test_unaccented_queries_mark_accented_words():
    sentence = corpus_sentence("001", "împărțeau sferele de influență")
    html = highlight(sentence, query_terms(["sfere de influenta"], "ro"), "ro")
    assert "<mark>sferele</mark> <mark>de</mark> <mark>influență</mark> în" in html
    sentence = corpus_sentence("001", "mai întîi relațiile comerciale")
    assert "<mark>întîi</mark>" in highlight(sentence, query_terms(["intai"], "ro"), "ro")
    html = highlight("Dobitak za Staljina", query_terms(["staljin"], "hr"), "hr")
    assert html == "Dobitak za <mark>Staljina</mark>"


def test_folded_matches_are_marked_in_languages_we_do_not_stem():
    html = highlight("Der Vertrag über Nichtangriff", query_terms(["uber"], "de"), "de")
    assert html == "Der Vertrag <mark>über</mark> Nichtangriff"


def test_phrase_words_are_all_marked():
    text = seed_text("002")
    at = text.index("spheres of influence In the field")
    sentence = text[at - 60 : at + 30]
    html = highlight(sentence, query_terms(["spheres of influence"], "en"), "en")
    assert "<mark>spheres</mark> <mark>of</mark> <mark>influence</mark>" in html
    assert "German\n<mark>spheres" in html


def test_query_terms_cover_the_stemmed_and_the_folded_analyzer():
    assert query_terms(["Treaties"], "en") == {"treati", "treaties"}
    assert query_terms(["Influenţă"], "ro") == {"influent", "influenta"}
    assert query_terms(["Brest-Litovsk"], "de") == {"brest", "litovsk"}


def test_snippet_is_the_window_with_most_matches_cut_between_words():
    text = seed_text("001")
    terms = query_terms(["Basarabia"], "ro")
    html = highlight(text, terms, "ro", max_chars=200)
    assert html.startswith("…") and html.endswith("…")
    assert len(marked(html)) >= 2
    inner = re.sub(r"</?mark>", "", html[1:-1])
    assert len(inner) <= 200
    assert inner in text
    at = text.index(inner)
    assert text[at - 1].isspace() and text[at + len(inner)].isspace()


def test_snippet_without_matches_is_the_start_of_the_text():
    sentence = corpus_sentence("002", "The treaty was the culmination")
    html = highlight(sentence, query_terms(["Basarabia"], "en"), "en", max_chars=40)
    assert html == "The treaty was the culmination of…"
    assert highlight(sentence, set(), "en", max_chars=1000) == sentence


def test_snippet_ellipses_and_marks_are_escaped_properly():
    text = "<b>bold</b> words before the name Molotov and <i>markup</i> after it, then more words"
    html = highlight(text, query_terms(["molotov"], "en"), "en", max_chars=40)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>Molotov</mark>" in html
    assert "<b>" not in html and "<i>" not in html


def test_stems_keep_the_first_letters_of_every_seed_word():
    """What lets `matches` stem only the words that could begin a query term."""
    from archive.text import SNOWBALL_ALGORITHMS, fold, index_forms, split_words
    from search.highlight import KEPT_LETTERS
    from tests.conftest import SEED, seed_text

    words = {w for key in SEED for w in split_words(seed_text(key))}
    assert len(words) > 3000
    broken = []
    for algorithm in SNOWBALL_ALGORITHMS.values():
        kept = KEPT_LETTERS[algorithm]
        for word in words:
            head = fold(word)[:kept]
            if not head.isascii():
                continue
            broken += [
                (algorithm, word, form)
                for form in index_forms(algorithm, word)
                if form[:kept] != head and not head.startswith(form)
            ]
    assert broken == []


def test_a_phrase_is_marked_only_where_its_words_stand_together():
    from search.highlight import Marks

    text = "The secret protocol was denied; a protocol of trade followed, kept secret."
    marks = Marks(runs={(frozenset(["secret"]), frozenset(["protocol"])): None})
    assert marked(mark(text, matches(text, marks, "en"))) == ["secret", "protocol"]


def test_a_quoted_phrase_is_marked_as_written_and_a_label_in_any_form():
    from search.highlight import Marks

    text = "Secret protocols were signed; the secret protocol stayed hidden."
    phrase = Marks(phrases={("secret", "protocol")})
    # The phrase finds "secret protocol" as written, never "secret protocols".
    assert marked(mark(text, matches(text, phrase, "en"))) == ["secret", "protocol"]
    # A label of a concept stands for its inflected forms too.
    label = Marks(runs={(frozenset(["secret"]), frozenset(["protocol"])): "x"})
    assert marked(mark(text, matches(text, label, "en"))) == [
        "Secret",
        "protocols",
        "secret",
        "protocol",
    ]


def search(client, q, **params):
    response = client.get("/api/search/", {"q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_searched_phrase_marks_no_lone_word(client):
    data = search(client, '"secret protocol"', language="en")
    assert data["count"] > 10
    for result in data["results"]:
        html = result["highlight"]
        assert not re.search(r"(?<!<mark>secret</mark> )<mark>protocol</mark>", html), result["ref"]
        assert not re.search(r"<mark>secret</mark>(?! <mark>protocol)", html), result["ref"]


@pytest.mark.django_db
def test_a_label_of_several_words_is_marked_only_as_a_whole(client):
    data = search(client, "sfere de influenta")
    html = " ".join(r["highlight"] for r in data["results"])
    # "sovietică" is marked only inside the alias "sfera sovietică de influență".
    assert re.search(r"<mark>sfera</mark> <mark>sovietică</mark> <mark>de</mark>", html)
    assert not re.search(r"(?<!</mark> )<mark>sovietic\w*</mark>", html)


@pytest.mark.django_db
def test_every_variant_found_is_listed_as_also_searched(client):
    data = search(client, "sfere de influenta")
    [expansion] = [e for e in data["expansions"] if e["concept"] == "spheres-of-influence"]
    assert {"sfera sovietică de influență", "sferei sovietice de influență"} <= set(
        expansion["labels"]
    )
    # Names found in no passage are not listed.
    assert "sfere de interes" not in expansion["labels"]


@pytest.mark.django_db
def test_a_hit_found_through_a_note_shows_the_note_marked(
    client, private_index, django_capture_on_commit_callbacks
):
    from annotations.models import Annotation
    from annotations.services import save_annotation
    from archive.models import Passage
    from tests.conftest import SLUGS

    passage = Passage.objects.get(document__slug=SLUGS["003"], n=3)
    with django_capture_on_commit_callbacks(execute=True):
        save_annotation(
            Annotation(
                passage=passage,
                exact="Molotov-Ribbentrop Pact",
                body="Historians call it the Kremlin gambit.",
                status="published",
            ),
            user=None,
        )
    [hit] = search(client, "gambit")["results"]
    assert "<mark>" not in hit["highlight"]
    assert "<mark>gambit</mark>" in hit["note"]
    page = client.get("/search/", {"q": "gambit"}).content.decode()
    assert "<mark>gambit</mark>" in page


@pytest.mark.django_db
def test_a_note_is_found_and_shown_by_its_words_not_by_its_markup(
    client, private_index, django_capture_on_commit_callbacks
):
    from annotations.models import Annotation
    from annotations.services import save_annotation
    from archive.models import Passage
    from tests.conftest import SLUGS

    passage = Passage.objects.get(document__slug=SLUGS["003"], n=3)
    body = 'Signed on **24 April 1926** (<span lang="hr">24. travnja 1926.</span>), *not* in March.'
    with django_capture_on_commit_callbacks(execute=True):
        save_annotation(
            Annotation(
                passage=passage, exact="Molotov-Ribbentrop Pact", body=body, status="published"
            ),
            user=None,
        )
    # The markup's words find nothing, in this note or in any of the seed notes.
    for markup in ("span", "lang", "hr"):
        assert search(client, f"note:{markup}")["count"] == 0, markup
    [hit] = search(client, "note:travnja")["results"]
    assert "<mark>travnja</mark>" in hit["note"]
    assert "**" not in hit["note"] and "span" not in hit["note"], hit["note"]
    assert "24 April 1926 (24. <mark>travnja</mark> 1926.), not in March." in hit["note"]
