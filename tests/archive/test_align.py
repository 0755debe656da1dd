"""Aligning a revised source with its published passages: a text is found again wherever it now
stands, unchanged, re-exported or lightly corrected; a text that comes back finds its withdrawn
passage; a big document costs a few comparisons per passage."""

import random
from collections import Counter

import pytest

from archive.ingest import align as alignment
from archive.ingest.align import Change, Step, align
from archive.ingest.segment import split_sentences
from tests.conftest import SEED, seed_text

# A sentence of the wiki seed, short enough to stand as a paragraph of its own.
SHORT = "Cooperarea militară dintre cele două țări este întreruptă în 1933."


def paragraphs(key):
    """The body paragraphs of a seed source."""
    return [line.strip() for line in seed_text(key).splitlines() if len(line) > 200]


def corrected(text):
    """The text with one word in its middle respelt, as a proof-reader would."""
    words = text.split()
    words[len(words) // 2] += "a"
    return " ".join(words)


def changes(steps):
    return Counter(step.change for step in steps)


def pairs(steps):
    """New index → old index of every text found again (restored ones marked)."""
    return {
        s.new: ("withdrawn", s.old) if s.change == Change.RESTORE else s.old
        for s in steps
        if s.old is not None and s.new is not None
    }


def test_two_texts_that_trade_places_are_both_found_and_one_counts_as_moved():
    old = paragraphs("000")
    new = old[:]
    new[2], new[3] = new[3], new[2]
    steps = align(old, new)
    assert pairs(steps) == {j: old.index(text) for j, text in enumerate(new)}
    assert changes(steps) == {Change.KEEP: len(old) - 1, Change.MOVE: 1}


def test_a_corrected_paragraph_moved_to_the_end_is_found_as_a_move():
    old = paragraphs("001")
    new = [*old[:3], *old[4:], corrected(old[3])]
    steps = align(old, new)
    assert Step(Change.MOVE, old=3, new=len(new) - 1) in steps
    assert changes(steps) == {Change.KEEP: len(old) - 1, Change.MOVE: 1}


def test_a_block_moved_with_its_repeated_paragraph_keeps_each_copy_with_its_block():
    a, x, b, y = paragraphs("001")[:4]
    old = [a, SHORT, x, b, SHORT, y]
    steps = align(old, [b, SHORT, y, a, SHORT, x])
    assert pairs(steps) == {0: 3, 1: 4, 2: 5, 3: 0, 4: 1, 5: 2}
    assert changes(steps) == {Change.KEEP: 3, Change.MOVE: 3}


def test_when_the_first_copy_of_a_repeated_paragraph_goes_the_second_keeps_its_place():
    # A control: in-order alignment already did this, and matching anywhere must not undo it.
    a, b = paragraphs("001")[:2]
    steps = align([SHORT, a, SHORT, b], [a, SHORT, b])
    assert pairs(steps) == {0: 1, 1: 2, 2: 3}
    assert Step(Change.WITHDRAW, old=0) in steps


def test_a_re_export_in_legacy_letters_and_typographic_punctuation_is_the_same_text(comparisons):
    old = paragraphs("001")
    legacy = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ", "-": "–", '"': "”"})
    new = [text.translate(legacy).replace(", ", ",\u00a0 ") + " " for text in old]
    steps = align(old, new)
    assert pairs(steps) == {j: j for j in range(len(old))}
    assert changes(steps) == {Change.REVISE: len(old)}
    # Found as the same text, not as a similar one: no text needed comparing word by word.
    assert comparisons["pairs"] == 0


def test_a_withdrawn_text_that_comes_back_corrected_is_restored():
    texts = paragraphs("003")
    old = texts[:2] + texts[3:]
    new = [*texts[:2], corrected(texts[2]), *texts[3:]]
    steps = align(old, new, withdrawn=[paragraphs("000")[0], texts[2]])
    assert Step(Change.RESTORE, old=1, new=2) in steps
    assert changes(steps) == {Change.KEEP: len(old), Change.RESTORE: 1}


def test_a_text_found_in_place_and_among_the_withdrawn_stays_with_the_current_passage():
    # A control: the passage that has the text now keeps it; the withdrawn copy stays so.
    texts = paragraphs("003")
    steps = align(texts, texts, withdrawn=[texts[1]])
    assert changes(steps) == {Change.KEEP: len(texts)}


def test_a_new_text_unlike_every_withdrawn_one_is_new():
    # A control for the citation contract: a withdrawn number never comes back for other text.
    texts = paragraphs("003")
    steps = align(texts[:2], texts[:3], withdrawn=texts[3:])
    assert changes(steps) == {Change.KEEP: 2, Change.NEW: 1}


def big_document(size: int) -> list[str]:
    """`size` distinct paragraphs of three seed sentences each, as a long source would have."""
    sentences = list(
        dict.fromkeys(
            sentence
            for key in SEED
            for text in paragraphs(key)
            for sentence in split_sentences(text)
            if len(sentence.split()) >= 8
        )
    )
    rng, found = random.Random(1939), []
    while len(found) < size:
        rng.shuffle(sentences)
        found.extend(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences) - 2, 3))
    assert len(set(found[:size])) == size
    return found[:size]


@pytest.fixture
def comparisons(monkeypatch):
    """How many pairs of texts the alignment compares word by word."""
    count = Counter()
    compare = alignment.Likeness.to

    def counting(likeness, words):
        count["pairs"] += 1
        return compare(likeness, words)

    monkeypatch.setattr(alignment.Likeness, "to", counting)
    return count


def moved_blocks(texts, moves):
    """The texts, with each (start, to) block of ten moved; and where each now came from."""
    texts, origin = texts[:], list(range(len(texts)))
    for start, to in moves:
        for items in (texts, origin):
            block = items[start : start + 10]
            del items[start : start + 10]
            items[to:to] = block
    return texts, origin


def test_a_long_source_with_moved_sections_and_corrections_costs_few_comparisons(comparisons):
    old = big_document(2000)
    new, origin = moved_blocks(old, [(100, 1500), (700, 50), (1200, 1900)])
    fixes = random.Random(1941).sample(range(len(new)), 20)
    for j in fixes:
        new[j] = corrected(new[j])
    steps = align(old, new)
    assert pairs(steps) == dict(enumerate(origin))
    assert changes(steps)[Change.MOVE] == 30
    assert changes(steps)[Change.NEW] == changes(steps)[Change.WITHDRAW] == 0
    # Only the corrected texts need comparing, each with a few others at most.
    assert comparisons["pairs"] <= alignment.CANDIDATES * len(fixes)


def test_a_long_source_corrected_throughout_and_reordered_costs_comparisons_in_proportion(
    comparisons,
):
    old = big_document(600)
    moves = [(start, (start * 7) % 590) for start in range(0, 600, 60)]
    new, origin = moved_blocks([corrected(text) for text in old], moves)
    steps = align(old, new)
    assert pairs(steps) == dict(enumerate(origin))
    assert comparisons["pairs"] <= alignment.CANDIDATES * len(old)
