"""How a note reads in a page: its Markdown as safe HTML, and its quote marked in the text."""

import re
from functools import lru_cache
from html import unescape

import markdown
import nh3
from django.utils.html import escape

# The HTML a note may contain once rendered: enough for scholarly notes, nothing that runs.
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "i",
    "b",
    "a",
    "code",
    "blockquote",
    "ul",
    "ol",
    "li",
    "span",
    "sup",
    "sub",
    "q",
    "cite",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "*": {"lang"}}


def render_body(body: str) -> str:
    """A note's Markdown as a small, safe HTML subset (language marks kept)."""
    html = markdown.markdown(body or "", extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# The tags between which a note's words part (a paragraph, a line, an item); across the others
# a word reads on ("<em>Reichs</em>wehr").
PARTING_TAGS = re.compile(r"</?(?:p|br|li|ul|ol|blockquote)\b[^>]*>")
TAGS = re.compile(r"<[^>]*>")


@lru_cache(maxsize=4096)
def body_text(body: str) -> str:
    """A note's words as its readers read them: the rendered Markdown without its markup."""
    html = PARTING_TAGS.sub(" ", render_body(body))
    return " ".join(unescape(TAGS.sub("", html)).split())


def marked_text(text: str, annotations) -> str:
    """The passage text, escaped, with each annotated quote in a <mark> that links to its note
    (numbered like footnotes, so the marks do not rely on colour alone)."""
    cuts = sorted({0, len(text), *(a.start for a in annotations), *(a.end for a in annotations)})
    numbered = list(enumerate(annotations, 1))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(i, note) for i, note in numbered if note.start <= a and b <= note.end]
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        refs = " ".join(f"note-{note.uuid}" for _, note in covering)
        out.append(f'<mark class="annotated" aria-describedby="{refs}">{piece}</mark>')
        ends_here = [(i, note) for i, note in covering if note.end == b]
        for i, note in ends_here:
            out.append(
                f'<a class="note-ref" href="#note-{note.uuid}" id="ref-{note.uuid}">'
                f"<sup>[{i}]</sup></a>"
            )
    return "".join(out)
