"""Forms behind the admin's structural changes: rename a document, split a passage."""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from archive.ingest.segment import split_sentences


class RenameForm(forms.Form):
    new_slug = forms.SlugField(
        label=_("New slug"),
        max_length=100,
        help_text=_("The old URLs will redirect here permanently (301)."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def split_points(text: str) -> list[tuple[str, str]]:
    """Places a passage can be split: after each sentence but the last (offset, label)."""
    points, offset = [], 0
    sentences = split_sentences(text)
    for sentence in sentences[:-1]:
        offset = text.index(sentence, offset) + len(sentence)
        points.append((str(offset), Truncator(sentence).chars(90)))
    return points


class SplitForm(forms.Form):
    at = forms.ChoiceField(
        label=_("Split after the sentence"),
        widget=forms.RadioSelect,
        help_text=_("The passage's number will list both new parts."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].choices = split_points(text)
