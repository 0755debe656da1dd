from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """What the archive stores: documents, passages and their revisions."""

    name = "archive"
    verbose_name = _("Archive")
