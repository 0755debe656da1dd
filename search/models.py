"""What the search app stores: the queue of changes the index has yet to take in."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    PASSAGE = "passage", _("Reindex a passage")
    REBUILD = "rebuild", _("Rebuild the whole index")


class IndexTask(models.Model):
    """A change the search index has yet to take in: written in the same transaction as the
    change itself, applied by the single index worker, deleted only once applied."""

    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    passage_id = models.BigIntegerField(_("passage"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("index task")
        verbose_name_plural = _("index tasks")

    def __str__(self):
        return f"{self.kind} {self.passage_id or ''}".strip()
