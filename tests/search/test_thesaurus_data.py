"""The curated thesaurus, fixtures/thesaurus.toml: well formed, unambiguous, covering the corpus.

Plain data checks: no database, no search engine. Run after every edit to the thesaurus.
"""

import re
import tomllib
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
THESAURUS = FIXTURES / "thesaurus.toml"
CORPUS = FIXTURES / "corpus"

KINDS = ("event", "organisation", "person", "place", "term", "treaty")
LANGUAGES = {"en", "hr", "ro"}
FIELDS = {"id", "kind", "labels", "aliases", "note"}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Words as the search engine splits them (hyphens and dashes separate words), and the longest
# name it looks for (archive/concepts/thesaurus.py, MAX_LABEL_WORDS): longer names never match.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
MAX_WORDS = 8
# Seed corpus files by number: 000 Croatian, 001 Romanian, 002-004 English.
LANGUAGE_OF = {"000": "hr", "001": "ro", "002": "en", "003": "en", "004": "en"}

# Concepts checked against the texts by hand: each is named in two or more of the three
# languages, and in every file listed here (by a label or an alias of that file's language).
COVERAGE = {
    "adolf-hitler": "000 001 002 003 004",
    "joseph-stalin": "000 001 002 003 004",
    "vyacheslav-molotov": "000 001 002 003 004",
    "joachim-von-ribbentrop": "000 001 002 003 004",
    "maxim-litvinov": "000 001 002 003",
    "friedrich-werner-von-der-schulenburg": "000 001 002 004",
    "neville-chamberlain": "000 001 002",
    "kliment-voroshilov": "000 002",
    "edvard-benes": "000 001",
    "soviet-union": "000 001 002 003 004",
    "germany": "000 001 002 003 004",
    "nazi-germany": "001 002 003 004",
    "poland": "000 001 002 003 004",
    "lithuania": "000 001 002 003 004",
    "latvia": "000 001 002 003 004",
    "estonia": "000 001 002 003 004",
    "finland": "000 001 002 003 004",
    "bessarabia": "000 001 002 004",
    "bukovina": "000 001 002 004",
    "romania": "000 001 002 004",
    "united-kingdom": "000 001 002 003 004",
    "france": "000 001 002 003 004",
    "italy": "000 001 002 004",
    "japan": "000 001 002 004",
    "berlin": "000 001 002 003 004",
    "moscow": "001 002 004",
    "czechoslovakia": "000 001 002 004",
    "bulgaria": "000 001 002 004",
    "hungary": "000 001 002 004",
    "ukraine": "000 001 002 004",
    "baltic-states": "000 001 002 004",
    "leningrad": "000 001 002",
    "sudetenland": "000 001 002",
    "red-army": "000 001 002 004",
    "comintern": "000 001 002 004",
    "molotov-ribbentrop-pact": "000 001 002 003",
    "non-aggression-pact": "000 001 002 003",
    "secret-protocol": "000 001 002 004",
    "spheres-of-influence": "000 001 002 003 004",
    "german-soviet-boundary-and-friendship-treaty": "000 001 002",
    "treaty-of-brest-litovsk": "000 001 002",
    "tripartite-pact": "000 001 002 004",
    "anti-comintern-pact": "001 002 004",
    "munich-agreement": "001 002",
    "winter-war": "000 001 002 003 004",
    "operation-barbarossa": "001 002 003 004",
    "collective-security": "000 002",
    "two-front-war": "000 001 002",
    "western-democracies": "000 001 002 003 004",
    "soviet-german-relations": "000 001 002 003 004",
    "german-soviet-trade": "000 001 002 003 004",
}

_DASHES = str.maketrans({"ş": "ș", "ţ": "ț", "‐": "-", "‑": "-", "–": "-", "—": "-"})
# Old Romanian orthography: "î" inside a word is today's "â" (pînă → până).
_INNER_I = re.compile(r"(?<=[^\W\d_])î(?=[^\W\d_])")


def fold(text: str) -> str:
    """Case, Unicode composition, Romanian spelling variants and dashes made comparable."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_DASHES)
    return _INNER_I.sub("â", text)


@cache
def concepts() -> list[dict]:
    return tomllib.loads(THESAURUS.read_text(encoding="utf-8"))["concept"]


@cache
def corpus() -> dict[str, str]:
    return {path.name[:3]: fold(path.read_text(encoding="utf-8")) for path in CORPUS.glob("*.txt")}


def names(concept: dict, language: str) -> list[str]:
    """The concept's label and aliases in one language."""
    label = concept.get("labels", {}).get(language)
    return ([label] if label else []) + list(concept.get("aliases", {}).get(language, []))


def test_the_file_parses_into_concept_tables():
    assert isinstance(concepts(), list) and concepts()
    for concept in concepts():
        assert set(concept) <= FIELDS, concept.get("id")
        assert {"id", "kind", "labels"} <= set(concept), concept.get("id")


def test_ids_are_unique_slugs():
    ids = [concept["id"] for concept in concepts()]
    assert [i for i in ids if not SLUG.fullmatch(i)] == []
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_kinds_are_known():
    assert {
        concept["id"]: concept["kind"] for concept in concepts() if concept["kind"] not in KINDS
    } == {}


def test_concepts_are_sorted_by_kind_then_id():
    keys = [(KINDS.index(concept["kind"]), concept["id"]) for concept in concepts()]
    assert keys == sorted(keys)


def test_every_concept_has_an_english_label():
    assert [concept["id"] for concept in concepts() if not concept["labels"].get("en")] == []


def test_labels_and_aliases_are_clean_strings_in_known_languages():
    for concept in concepts():
        aliases = concept.get("aliases", {})
        assert set(concept["labels"]) | set(aliases) <= LANGUAGES, concept["id"]
        assert all(isinstance(v, list) and v for v in aliases.values()), concept["id"]
        for language in LANGUAGES:
            for name in names(concept, language):
                assert isinstance(name, str) and name == name.strip() and name, concept["id"]
        assert "\n" not in concept.get("note", ""), concept["id"]


def test_names_are_short_enough_to_be_found():
    too_long = {
        (concept["id"], name)
        for concept in concepts()
        for language in LANGUAGES
        for name in names(concept, language)
        if len(WORD.findall(name)) > MAX_WORDS
    }
    assert too_long == set()


def test_there_are_at_least_80_concepts():
    assert len(concepts()) >= 80


def test_no_name_belongs_to_two_concepts_in_one_language():
    owners = defaultdict(set)
    for concept in concepts():
        for language in LANGUAGES:
            for name in names(concept, language):
                owners[language, fold(name)].add(concept["id"])
    assert {key: sorted(ids) for key, ids in owners.items() if len(ids) > 1} == {}


def test_the_coverage_list_is_long_enough_and_multilingual():
    known = {concept["id"] for concept in concepts()}
    assert len(COVERAGE) >= 25
    assert sorted(set(COVERAGE) - known) == []
    for slug, files in COVERAGE.items():
        assert len({LANGUAGE_OF[f] for f in files.split()}) >= 2, slug


@pytest.mark.parametrize("slug", sorted(COVERAGE))
def test_concept_is_named_in_each_corpus_file_that_mentions_it(slug):
    concept = next(c for c in concepts() if c["id"] == slug)
    missing = [
        f
        for f in COVERAGE[slug].split()
        if not any(fold(name) in corpus()[f] for name in names(concept, LANGUAGE_OF[f]))
    ]
    assert missing == []
