"""Template filters for dates the reader's pages show."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(moment: datetime | None) -> str:
    """A moment as a <time datetime> value: ISO 8601 to the second, in the site's time zone
    (HTML's valid global date and time string has no room for microseconds)."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(microsecond=0).isoformat()
