"""Signals other apps listen to when what readers can find has changed."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the transaction that changed them commits, with `passage_ids`: passages whose
# text, metadata, tags or visibility changed. The search app reindexes them.
passages_changed = Signal()

# Sent after a change to the thesaurus (concepts or labels) commits: tags need recomputing.
thesaurus_changed = Signal()


def announce_passages_changed(passage_ids) -> None:
    """Tell listeners, once the current transaction commits, that these passages changed."""
    ids = sorted(set(passage_ids))
    if ids:
        transaction.on_commit(lambda: passages_changed.send(sender=None, passage_ids=ids))


def announce_thesaurus_changed() -> None:
    """Tell listeners, once the current transaction commits, that the thesaurus changed."""
    transaction.on_commit(lambda: thesaurus_changed.send(sender=None))
