"""Listening to the archive: notes follow their passage's text when it is revised."""

from django.dispatch import receiver

from annotations.services import reanchor
from archive.signals import passage_revised


@receiver(passage_revised)
def passage_was_revised(sender, passage, **kwargs):
    reanchor(passage)
