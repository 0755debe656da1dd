"""Passages are what a reader would cite: paragraphs, long ones split at sentence ends."""

from archive.ingest.readers import reader_for
from archive.ingest.readers.base import Block
from archive.ingest.segment import MAX_WORDS, segment, split_sentences
from archive.text import count_words
from tests.conftest import SEED, seed_text


def segments_of(key):
    text = seed_text(key)
    reader = reader_for(text)
    return segment(reader.read(text).blocks, token_stream=reader.shape == "tokens")


def test_no_seed_passage_is_empty_or_over_the_limit():
    for key in SEED:
        for seg in segments_of(key):
            assert seg.text.strip()
            assert count_words(seg.text) <= MAX_WORDS, (key, seg.text[:80])


def test_long_paragraphs_are_split_at_sentence_ends_into_balanced_parts():
    parts = segments_of("000")
    # The third paragraph (~600 words) becomes three passages of similar length.
    third = [p for p in parts if p.text.startswith("Jednom kad je Sovjetski Savez")][0]
    index = parts.index(third)
    sizes = [count_words(p.text) for p in parts[index : index + 3]]
    assert all(150 <= s <= 250 for s in sizes), sizes
    for p in parts[index : index + 3]:
        assert p.text.rstrip()[-1] in '.!?“”"', p.text[-40:]


def test_splitting_loses_and_reorders_nothing():
    for key in SEED:
        text = seed_text(key)
        reader = reader_for(text)
        blocks = reader.read(text).blocks
        joined = " ".join(s.text for s in segments_of(key))
        assert joined.split() == " ".join(b.text for b in blocks).split()


def test_token_stream_passages_hold_120_to_200_words():
    sizes = [count_words(s.text) for s in segments_of("004")]
    assert len(sizes) > 10
    assert all(120 <= s <= 200 for s in sizes), sizes


def test_sections_carry_over_to_every_part_of_a_split_paragraph():
    long = " ".join(["This sentence has exactly eight words in it."] * 40)
    parts = segment([Block(long, "Background")])
    assert len(parts) == 2
    assert {p.section for p in parts} == {"Background"}


def test_sentences_do_not_end_at_initials_or_ordinal_dates():
    text = (
        "Professor Samuel N. Harper spoke. Dana 3. svibnja 1939. Staljin uklanja Litvinova. "
        "Dr. Schulenburg agreed."
    )
    assert split_sentences(text) == [
        "Professor Samuel N. Harper spoke.",
        "Dana 3. svibnja 1939.",
        "Staljin uklanja Litvinova.",
        "Dr. Schulenburg agreed.",
    ]


def test_a_sentence_longer_than_the_limit_is_cut_between_words():
    monster = " ".join(["word"] * 900) + "."
    parts = segment([Block(monster)])
    assert all(count_words(p.text) <= MAX_WORDS for p in parts)
    assert sum(count_words(p.text) for p in parts) == 900


def test_a_romanian_sentence_may_begin_with_s_or_t_comma_below_as_with_the_legacy_cedilla():
    modern = "Tratatul a fost semnat în 1939. Ștefan a plecat la Berlin. Țara a răspuns."
    legacy = modern.replace("Ș", "Ş").replace("Ț", "Ţ")
    assert len(split_sentences(modern)) == len(split_sentences(legacy)) == 3
