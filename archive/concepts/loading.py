"""Loading the curated thesaurus file into concepts and their labels."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from archive.concepts.tagging import request_retag
from archive.models import Concept, ConceptKind, ConceptLabel, Language, PassageConcept
from archive.signals import announce_passages_changed


class ThesaurusError(Exception):
    """A thesaurus file that cannot be loaded, with the reason."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    labels_added: int = 0


def read_thesaurus(path: Path) -> list[dict]:
    """The concepts in a thesaurus TOML file, checked for the fields the archive needs."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThesaurusError(f"{path} cannot be read: {error}") from error
    concepts = data.get("concept", [])
    kinds, languages = set(ConceptKind.values), set(Language.values)
    for i, concept in enumerate(concepts, 1):
        where = f"{path.name}, concept {i} ({concept.get('id', 'no id')})"
        if not concept.get("id") or concept.get("kind") not in kinds:
            raise ThesaurusError(f"{where}: needs an id and a kind ({', '.join(sorted(kinds))})")
        names = {**concept.get("labels", {}), **concept.get("aliases", {})}
        unknown = set(names) - languages
        if unknown:
            raise ThesaurusError(f"{where}: unknown languages {', '.join(sorted(unknown))}")
        if not concept.get("labels"):
            raise ThesaurusError(f"{where}: needs at least one label")
    return concepts


@transaction.atomic
def load_thesaurus(path: Path) -> LoadReport:
    """Add the file's concepts and labels; what curators added in the admin is kept."""
    report = LoadReport()
    for entry in read_thesaurus(path):
        concept, created = Concept.objects.get_or_create(
            slug=entry["id"], defaults={"kind": entry["kind"], "note": entry.get("note", "")}
        )
        report.created += created
        existing = {(lab.language, lab.text) for lab in concept.labels.all()}
        preferred = {lab.language for lab in concept.labels.all() if lab.preferred}
        new_labels = []
        for language, text in entry["labels"].items():
            if (language, text) not in existing:
                new_labels.append(
                    ConceptLabel(
                        concept=concept,
                        language=language,
                        text=text,
                        preferred=language not in preferred,
                    )
                )
        for language, texts in entry.get("aliases", {}).items():
            new_labels.extend(
                ConceptLabel(concept=concept, language=language, text=text)
                for text in texts
                if (language, text) not in existing and text != entry["labels"].get(language)
            )
        ConceptLabel.objects.bulk_create(new_labels)
        report.labels_added += len(new_labels)
        report.updated += bool(new_labels) and not created
    if report.created or report.labels_added:
        request_retag()
    return report


@transaction.atomic
def delete_concepts(concepts) -> int:
    """Delete concepts with their labels and tags; the passages they tagged are reindexed
    (read first: the tags go with the concepts, so re-tagging would not find them)."""
    ids = [concept.pk for concept in concepts]
    tagged = list(
        PassageConcept.objects.filter(concept__in=ids).values_list("passage_id", flat=True)
    )
    Concept.objects.filter(pk__in=ids).delete()
    announce_passages_changed(tagged)
    request_retag()
    return len(ids)
