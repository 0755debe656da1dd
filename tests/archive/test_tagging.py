"""Passages are tagged with the concepts they mention; curators' corrections stick."""

import pytest

from archive.concepts.tagging import current_thesaurus, tag_passages
from archive.concepts.thesaurus import Thesaurus
from archive.models import Concept, ConceptLabel, Passage, PassageConcept, TagOrigin
from tests.conftest import SLUGS

pytestmark = pytest.mark.django_db


def slugs_of(passage):
    return set(passage.concept_tags.filter(rejected=False).values_list("concept__slug", flat=True))


def test_seed_passages_are_tagged_in_their_own_language():
    hr = Passage.objects.filter(document__slug=SLUGS["000"])
    assert any("lithuania" in slugs_of(p) for p in hr if "Litv" in p.text)
    ro = Passage.objects.get(document__slug=SLUGS["001"], n=2)
    assert "treaty-of-brest-litovsk" in slugs_of(ro)


def test_the_longest_label_wins_over_labels_inside_it():
    thesaurus = Thesaurus()
    thesaurus.add("pact", "en", "Molotov–Ribbentrop Pact", True)
    thesaurus.add("molotov", "en", "Molotov", True)
    assert thesaurus.find_in("The Molotov–Ribbentrop Pact was signed.", "en") == {"pact"}
    assert thesaurus.find_in("Molotov signed the pact.", "en") == {"molotov"}


def test_stems_match_only_in_the_labels_language():
    thesaurus = Thesaurus()
    thesaurus.add("usa", "ro", "SUA", True)
    assert thesaurus.find_in("Oni su bili tamo.", "hr") == set()
    assert thesaurus.find_in("Statele Unite (SUA) au refuzat.", "ro") == {"usa"}


def test_inflected_forms_are_found_through_the_stemmer():
    assert "lithuania" in current_thesaurus().find_in("granica Litve bila je", "hr")


def test_a_rejected_automatic_tag_stays_rejected_after_retagging():
    passage = Passage.objects.get(document__slug=SLUGS["001"], n=2)
    tag = passage.concept_tags.get(concept__slug="treaty-of-brest-litovsk")
    assert tag.origin == TagOrigin.AUTO
    tag.rejected = True
    tag.save()
    tag_passages([passage])
    assert "treaty-of-brest-litovsk" not in slugs_of(passage)
    assert passage.concept_tags.filter(concept__slug="treaty-of-brest-litovsk").exists()


def test_a_curators_tag_survives_retagging():
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=1)
    concept = Concept.objects.get(slug="lithuania")
    PassageConcept.objects.create(passage=passage, concept=concept, origin=TagOrigin.CURATOR)
    tag_passages([passage])
    assert "lithuania" in slugs_of(passage)


def test_a_new_label_is_picked_up_at_the_next_tagging():
    passage = Passage.objects.get(document__slug=SLUGS["003"], n=4)
    concept = Concept.objects.get(slug="lithuania")
    ConceptLabel.objects.create(concept=concept, language="en", text="foreign ministry")
    changed = tag_passages([passage])
    assert passage.pk in changed
    assert "lithuania" in slugs_of(passage)


@pytest.fixture
def worker_mode(private_index, settings):
    """As in production: changes wait for the index worker."""
    settings.ARCHIVE_INDEX_INLINE = False
    return private_index


def test_an_import_tags_its_passages_in_its_own_transaction(worker_mode, tmp_path, catalogue):
    from archive.ingest.importer import import_paths

    source = tmp_path / "lithuania-note.txt"
    source.write_text(
        "In September 1939 Lithuania was moved into the Soviet sphere of influence.\n",
        encoding="utf-8",
    )
    [result] = import_paths([source], catalogue)
    # Before any index work runs, the passage already carries its concept.
    assert "lithuania" in slugs_of(result.document.passages.get())


def test_a_rebuild_queued_after_a_thesaurus_change_keeps_the_retagging(worker_mode):
    from archive.concepts.tagging import request_retag
    from search.indexing import drain_if_free, queue
    from search.models import TaskKind
    from tests.helpers import index_differences

    concept = Concept.objects.get(slug="nazi-germany")
    passage = next(p for p in Passage.objects.all() if "Nazi German " in p.text)
    assert "nazi-germany" not in slugs_of(passage)
    ConceptLabel.objects.create(concept=concept, language="en", text="Nazi German")
    request_retag()
    queue(TaskKind.REBUILD)
    drain_if_free()  # the writer's round, as the index worker runs it
    assert "nazi-germany" in slugs_of(passage)
    assert index_differences().total == 0


def test_a_concepts_label_is_the_one_in_the_readers_language_once_it_is_added():
    thesaurus = Thesaurus()
    thesaurus.add("joseph-stalin", "en", "Joseph Stalin", True)
    assert thesaurus.preferred_label("joseph-stalin", "hr") == "Joseph Stalin"
    thesaurus.add("joseph-stalin", "hr", "Josif Staljin", True)
    assert thesaurus.preferred_label("joseph-stalin", "hr") == "Josif Staljin"
    assert thesaurus.preferred_label("joseph-stalin", "en") == "Joseph Stalin"
    assert thesaurus.preferred_label("unknown", "en") == "unknown"


def test_a_search_asks_once_whether_the_thesaurus_changed(django_assert_num_queries):
    current_thesaurus()
    with django_assert_num_queries(1):
        current_thesaurus()


def test_a_label_another_process_added_is_found_at_once():
    assert "lithuania" not in current_thesaurus().find_in("oko Žmudije", "hr")
    # bulk_create sends no signal: to this process the label is as new as another process's.
    concept = Concept.objects.get(slug="lithuania")
    ConceptLabel.objects.bulk_create(
        [ConceptLabel(concept=concept, language="hr", text="Žmudija", preferred=False)]
    )
    assert "lithuania" in current_thesaurus().find_in("oko Žmudije", "hr")
