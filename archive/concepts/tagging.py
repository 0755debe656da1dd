"""Tagging passages with the thesaurus concepts they mention: in the transaction of the change
that needs it (an import, a correction, a merge or split), or, after the thesaurus changed, as
a re-tagging of every passage that the index worker runs."""

from django.db import connection, transaction
from django.db.models import Max

from archive.concepts.thesaurus import Thesaurus
from archive.models import (
    Concept,
    ConceptLabel,
    Passage,
    PassageConcept,
    RetagRequest,
    TagOrigin,
)
from archive.signals import announce_passages_changed, announce_thesaurus_changed

_cache: dict[str, object] = {"version": None, "thesaurus": None}


def thesaurus_version() -> tuple:
    """Changes whenever a concept or label changes, in this process or another. Every search
    asks it, so it is one statement without the ORM's query building: the labels' count and
    highest id, the concepts' count and latest change."""
    quote = connection.ops.quote_name
    labels, concepts = quote(ConceptLabel._meta.db_table), quote(Concept._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {labels}), (SELECT MAX(id) FROM {labels}),"
            f" (SELECT COUNT(*) FROM {concepts}), (SELECT MAX(updated_at) FROM {concepts})"
        )
        return tuple(cursor.fetchone())


def current_thesaurus() -> Thesaurus:
    """The thesaurus as in the database now, rebuilt only when it changed."""
    version = thesaurus_version()
    if _cache["version"] != version:
        thesaurus = Thesaurus()
        for slug, language, text, preferred in ConceptLabel.objects.values_list(
            "concept__slug", "language", "text", "preferred"
        ):
            thesaurus.add(slug, language, text, preferred)
        thesaurus.version = version
        _cache.update(version=version, thesaurus=thesaurus)
    return _cache["thesaurus"]


@transaction.atomic
def tag_passages(passages) -> set[int]:
    """Recompute automatic concept tags; curators' tags and rejections stay. Returns the ids of
    passages whose tags changed."""
    thesaurus = current_thesaurus()
    concept_ids = dict(Concept.objects.values_list("slug", "pk"))
    passages = list(passages)
    existing: dict[int, dict[int, PassageConcept]] = {}
    for tag in PassageConcept.objects.filter(passage__in=passages):
        existing.setdefault(tag.passage_id, {})[tag.concept_id] = tag
    changed: set[int] = set()
    to_add: list[PassageConcept] = []
    to_drop: list[int] = []
    for passage in passages:
        found = {
            concept_ids[slug]
            for slug in thesaurus.find_in(passage.text, passage.language)
            if slug in concept_ids
        }
        tags = existing.get(passage.pk, {})
        for concept_id in found - set(tags):
            to_add.append(
                PassageConcept(passage=passage, concept_id=concept_id, origin=TagOrigin.AUTO)
            )
            changed.add(passage.pk)
        for concept_id, tag in tags.items():
            if tag.origin == TagOrigin.AUTO and not tag.rejected and concept_id not in found:
                to_drop.append(tag.pk)
                changed.add(passage.pk)
    PassageConcept.objects.bulk_create(to_add)
    PassageConcept.objects.filter(pk__in=to_drop).delete()
    return changed


def tag_all() -> set[int]:
    """Re-tag every passage (after the thesaurus changed)."""
    return tag_passages(Passage.objects.only("pk", "text", "language"))


def request_retag() -> None:
    """Ask, within the current transaction, for every passage to be re-tagged: the thesaurus
    changed. The request commits (or rolls back) with the change."""
    RetagRequest.objects.create()
    announce_thesaurus_changed()


def retag_pending() -> int:
    """Re-tag every passage if a re-tagging was requested, announcing the passages whose tags
    changed (which reindexes them); the number of those passages."""
    with transaction.atomic():
        top = RetagRequest.objects.aggregate(top=Max("id"))["top"]
        if top is None:
            return 0
        changed = tag_all()
        announce_passages_changed(changed)
        # Requests made while this ran are kept: their change may not have been seen.
        RetagRequest.objects.filter(id__lte=top).delete()
    return len(changed)
