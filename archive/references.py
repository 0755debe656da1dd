"""Resolving a reference — a document's slug, a passage number and perhaps `?rev=N` — to the
document, the passage and the text it cites. The reader, the permalink page, the citation files
and the API all resolve references here, so a reference means the same everywhere."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from archive.aliases import resolve_document
from archive.models import Document, Passage, PassageRevision


class Moved(Exception):
    """The document is published under another slug now."""

    def __init__(self, document):
        self.document = document


def published_document(slug: str) -> Document:
    """The published document a slug names; Moved if the slug is a former one, Http404 if no
    reader may see a document under it."""
    document, former = resolve_document(slug)
    if document is None or not document.published:
        raise Http404(_("No such document."))
    if former:
        raise Moved(document)
    return document


@dataclass(frozen=True)
class CitedPassage:
    """A passage as a reference names it: its current text, or an earlier revision of it."""

    passage: Passage
    revisions: list[PassageRevision]
    # The earlier revision asked for; None when the reference names the current text.
    shown: PassageRevision | None
    # Whether the reference carried `?rev=N` at all (even naming the current revision).
    revision_asked: bool

    @property
    def current(self) -> PassageRevision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def revision(self) -> PassageRevision | None:
        """The revision cited: the one asked for, or the current one."""
        return self.shown or self.current

    @property
    def number(self) -> int | None:
        return self.revision.number if self.revision else None

    @property
    def text(self) -> str:
        return self.shown.text if self.shown else self.passage.text

    @property
    def section(self) -> str:
        return self.shown.section if self.shown else self.passage.section

    @property
    def later(self) -> list[PassageRevision]:
        """The revisions that replaced the one shown (none for the current text)."""
        return [r for r in self.revisions if self.shown and r.number > self.shown.number]

    @property
    def reworded(self) -> PassageRevision | None:
        """The first later revision whose words differ from the one shown: a move or a renamed
        heading alone leaves the text as it was."""
        return next((r for r in self.later if r.text != self.shown.text), None)

    def url(self, absolute) -> str:
        """The passage's permanent URL, made absolute by `absolute`; only an earlier revision
        needs `?rev=N` to be found again."""
        url = absolute(self.passage.get_absolute_url())
        return f"{url}?rev={self.shown.number}" if self.shown else url


def cited_passage(document: Document, n: int, rev: str | None = None) -> CitedPassage:
    """Passage `n` of a document at the revision `rev` names (None: the current text); Http404
    if the document has no such passage or the passage no such revision."""
    # The revisions are kept on the passage: its citation and metadata read them there.
    revisions_in_order = Prefetch("revisions", PassageRevision.objects.order_by("number"))
    # The related manager gives the passage this document, and a number names one passage in
    # it: joining the documents again, to select or to order by title, only costs time.
    passage = document.passages.prefetch_related(revisions_in_order).filter(n=n).order_by().first()
    if passage is None:
        raise Http404(_("No such passage."))
    revisions = list(passage.revisions.all())
    shown = None
    if rev is not None:
        by_number = {r.number: r for r in revisions}
        try:
            shown = by_number[int(rev)]
        except (ValueError, KeyError):
            raise Http404(_("This passage has no such revision.")) from None
    if revisions and shown == revisions[-1]:
        shown = None
    return CitedPassage(passage, revisions, shown, revision_asked=rev is not None)
