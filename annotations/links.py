"""Links into the annotation form from a passage, and the way back to where it was opened."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# The form's parameter naming the page to return to once the note is saved.
RETURN_PARAMETER = "next"


def annotate_url(passage, back: str) -> str:
    """The form for a new note on `passage`, which leads back to `back` once saved."""
    query = urlencode({"passage": passage.pk, RETURN_PARAMETER: back})
    return f"{reverse('admin:annotations_annotation_add')}?{query}"


def return_url(request) -> str | None:
    """Where the form was asked to lead back to, if that is an address of this site."""
    url = request.GET.get(RETURN_PARAMETER, "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else None
