from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    """Curators' notes on passages: anchored to words, audited, exported as W3C annotations."""

    name = "annotations"
    verbose_name = _("Annotations")

    def ready(self):
        from annotations import signals  # noqa: F401  (connects the receivers)
