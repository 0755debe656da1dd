"""Listening to the archive: tag and reindex passages after the changes commit."""

from django.dispatch import receiver

from archive.models import Passage
from archive.signals import passages_changed, thesaurus_changed
from search.indexing import reindex_passages
from search.tagging import tag_all, tag_passages


@receiver(passages_changed)
def passages_were_changed(sender, passage_ids, **kwargs):
    tag_passages(Passage.objects.filter(pk__in=passage_ids).only("pk", "text", "language"))
    reindex_passages(passage_ids)


@receiver(thesaurus_changed)
def thesaurus_was_changed(sender, **kwargs):
    reindex_passages(tag_all())
