"""Month names as a date writes them ("1 decembrie 2026"): in lower case, as Croatian and
Romanian write them, where Django's own catalogues capitalise them. Never imported: it puts the
names in the archive's catalogues (locale/), which Django reads before its own."""

from django.utils.translation import gettext_lazy as _

MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)
