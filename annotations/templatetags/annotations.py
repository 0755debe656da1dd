"""Notes in the reader's pages (`{% load annotations %}`): the archive's templates show them
without the archive's code knowing how notes are written or rendered."""

from django import template
from django.utils.safestring import mark_safe

from annotations import links, rendering

register = template.Library()


@register.filter
def note_html(body: str) -> str:
    """A note's Markdown as HTML (sanitised by `render_body`, so safe to show)."""
    return mark_safe(rendering.render_body(body))  # noqa: S308


@register.simple_tag
def marked_text(text: str, notes) -> str:
    """The passage text with each note's quote marked and linked to the note."""
    return mark_safe(rendering.marked_text(text, notes))  # noqa: S308


@register.filter
def readable_note_count(passage) -> int:
    """How many of a passage's notes readers may see; uses prefetched `annotations` if any."""
    return sum(1 for note in passage.annotations.all() if note.readable)


@register.simple_tag
def annotate_url(passage, back: str) -> str:
    """The admin's form for a new note on `passage`, leading back to `back` once saved."""
    return links.annotate_url(passage, back)
