"""Signals other apps listen to when what readers can find has changed."""

from django.dispatch import Signal

# Sent inside the transaction that changes them, with `passage_ids`: passages whose text,
# metadata, tags, notes or visibility changed. The search app queues them for reindexing in the
# same transaction, so a change and its reindexing commit (or roll back) together.
passages_changed = Signal()

# Sent inside the transaction that stores it, with `passage` and `revision`, when a passage's
# text is replaced by a newer revision (not for its first one): what is anchored to words of the
# old text looks for them in the new.
passage_revised = Signal()

# Sent inside the transaction that changes the thesaurus (concepts or labels), once the
# re-tagging it needs is recorded: a change calls `archive.concepts.tagging.request_retag`,
# which records the request and sends this (the search app then runs the writer after commit).
thesaurus_changed = Signal()


def announce_passages_changed(passage_ids) -> None:
    """Tell listeners, within the current transaction, that these passages changed."""
    ids = sorted(set(passage_ids))
    if ids:
        passages_changed.send(sender=None, passage_ids=ids)


def announce_thesaurus_changed() -> None:
    """Tell listeners, within the current transaction, that the thesaurus changed (called by
    `request_retag`, which first records the re-tagging; on its own it re-tags nothing)."""
    thesaurus_changed.send(sender=None)
