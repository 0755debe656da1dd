"""Listening to the archive: queue index work in the same transaction as each change."""

from django.dispatch import receiver

from archive.signals import passages_changed, thesaurus_changed
from search.indexing import after_commit, queue_passages


@receiver(passages_changed)
def passages_were_changed(sender, passage_ids, **kwargs):
    queue_passages(passage_ids)


@receiver(thesaurus_changed)
def thesaurus_was_changed(sender, **kwargs):
    # The archive has recorded its re-tagging request; it runs before the next drain.
    after_commit()
