"""Citation files of a passage, one per format a reference manager reads:
/documents/<slug>/<n>/cite.<txt|bib|biblatex|ris|json>."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive.citation import FORMATS, quote_in_text, squash, text_quote_fragment
from archive.references import Moved, cited_passage, published_document
from archive.views import moved_to


def selection(request, text: str) -> tuple[str, str, str]:
    """The words `?quote=` cites, with `?prefix=` and `?suffix=`; ValueError if not in the text."""
    quote = squash(request.GET.get("quote", "")).strip()
    prefix, suffix = (squash(request.GET.get(key, "")) for key in ("prefix", "suffix"))
    if quote and not quote_in_text(text, quote, prefix, suffix):
        raise ValueError
    return quote, prefix, suffix


@require_safe
def citation_file(request, slug, n, fmt):
    """A passage's citation in one format; `?rev=N` cites a revision, `?quote=` some words."""
    form = FORMATS.get(fmt)
    if form is None:
        raise Http404(_("No such citation format."))
    try:
        document = published_document(slug)
    except Moved as moved:
        return moved_to(request, moved.document, "archive:passage-cite", n=n, fmt=fmt)
    cited = cited_passage(document, n, request.GET.get("rev"))
    passage = cited.passage
    url = cited.url(request.build_absolute_uri)
    try:
        quote, prefix, suffix = selection(request, cited.text)
    except ValueError:
        message = _("The quoted words do not occur in the cited text of passage %(ref)s.")
        return HttpResponseBadRequest(
            message % {"ref": passage.ref}, content_type="text/plain; charset=utf-8"
        )
    if quote:
        url += "#" + text_quote_fragment(quote, prefix, suffix)
    # The citation's words are in the reader's interface language, as on the passage page.
    body = form.render(passage, url, revision=cited.number, quote=quote, language=get_language())
    response = HttpResponse(body, content_type=form.content_type)
    response["Content-Disposition"] = f'inline; filename="{form.filename(passage)}"'
    return response
