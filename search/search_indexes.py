"""What the search index holds for each passage (haystack's declaration of it)."""

import hashlib
import json

from django.db.models import Prefetch
from haystack import indexes

from archive.models import Passage, load_concept_slugs
from archive.text import SNOWBALL_ALGORITHMS

# Each stemmed language's field: the passage text analysed by that language's analyzer.
STEMMED_FIELDS = {code: f"text_{code}" for code in SNOWBALL_ALGORITHMS}
# The fields holding a passage's own words (folded, and stemmed), which highlighting marks.
TEXT_FIELDS = ("text", *STEMMED_FIELDS.values())


def digest(data: dict) -> str:
    """A fingerprint of a prepared index entry (its own digest field left out)."""
    payload = json.dumps(
        {k: v for k, v in data.items() if k not in ("digest", "boost")},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


class PassageIndex(indexes.SearchIndex, indexes.Indexable):
    """A published passage: its text (folded, and stemmed in its own language) and facets."""

    # All languages, folded and unstemmed: exact forms, phrases, prefixes, spelling.
    text = indexes.CharField(document=True, model_attr="text")
    # The same text stemmed by its own language's analyzer; empty in the other languages.
    text_en = indexes.CharField(indexed=True, stored=False)
    text_ro = indexes.CharField(indexed=True, stored=False)
    text_hr = indexes.CharField(indexed=True, stored=False)

    ref = indexes.CharField(indexed=False)
    n = indexes.IntegerField(model_attr="n")
    position = indexes.IntegerField()
    section = indexes.CharField(model_attr="section", indexed=False)
    language = indexes.CharField(model_attr="language")
    document = indexes.CharField(model_attr="document__slug")
    document_title = indexes.CharField(model_attr="document__title", indexed=False)
    document_language = indexes.CharField(model_attr="document__language", indexed=False)
    source_file = indexes.CharField(model_attr="document__source_file", indexed=False)
    years = indexes.MultiValueField()
    concepts = indexes.MultiValueField()
    # Published annotations: their quotes, notes and tags, searchable with the passage.
    notes = indexes.CharField(indexed=True, stored=False)
    note_tags = indexes.MultiValueField()
    annotated = indexes.CharField()
    # A fingerprint of everything above, so `check_index` can tell a stale entry.
    digest = indexes.CharField(indexed=False)

    def get_model(self):
        return Passage

    def index_queryset(self, using=None):
        return (
            Passage.objects.published()
            .select_related("document")
            # A list, not a queryset per passage (which costs more than the notes, mostly none).
            .prefetch_related(Prefetch("annotations", to_attr="loaded_annotations"))
            .order_by("pk")
        )

    def passages(self, queryset) -> list[Passage]:
        """The passages of an `index_queryset` ready for `full_prepare`: their concepts read
        in one query for all (a passage read alone asks for its own)."""
        return load_concept_slugs(list(queryset))

    def prepare(self, passage):
        data = super().prepare(passage)
        for code, field in STEMMED_FIELDS.items():
            data[field] = passage.text if passage.language == code else ""
        data["digest"] = digest(data)
        return data

    def prepare_ref(self, passage):
        return passage.ref

    def prepare_position(self, passage):
        return passage.position or 0

    def prepare_years(self, passage):
        return [str(y) for y in passage.years]

    def prepare_concepts(self, passage):
        return passage.concept_slugs()

    def published_notes(self, passage):
        notes = getattr(passage, "loaded_annotations", None)
        if notes is None:
            notes = passage.annotations.all()
        return [a for a in notes if a.readable]

    def prepare_notes(self, passage):
        return "\n".join(a.searched_text for a in self.published_notes(passage))

    def prepare_note_tags(self, passage):
        return sorted({t for a in self.published_notes(passage) for t in a.tag_list})

    def prepare_annotated(self, passage):
        return "yes" if self.published_notes(passage) else "no"
