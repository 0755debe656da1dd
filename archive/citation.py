"""How a passage is cited: a plain-text citation and the formats reference managers read
(BibTeX, RIS, CSL-JSON), all built from one description of what is cited."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypedDict, Unpack
from urllib.parse import quote as percent_encode

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive.models import Document, Passage

# The same message as the site name in base.html, so it is translated once.
ARCHIVE_NAME = _("Soviet–German Relations Archive")
# biblatex hyphenates and localises by a babel language name.
BABEL_NAMES = {
    "hr": "croatian",
    "ro": "romanian",
    "en": "english",
    "de": "ngerman",
    "ru": "russian",
}
LATEX_SPECIALS = {char: "\\" + char for char in "{}$&#%_"} | {
    "\\": r"\textbackslash{}",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# BibTeX counts every brace, backslash or not, to find where a value ends: a brace without its
# partner would end the value early or swallow the fields after it. Paired braces stay \{ \},
# a lone one becomes the command LaTeX's own \{ and \} print in running text.
LONE_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
DATE_PARTS = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def date_parts(text: str) -> list[int]:
    """Year, month and day of a free-text date such as 2023 or 2023-05-01, as far as it goes."""
    match = DATE_PARTS.search(text or "")
    return [int(part) for part in match.groups() if part] if match else []


def iso_date(parts: list[int]) -> str:
    """Date parts as ISO 8601: 2023, 2023-05 or 2023-05-01."""
    return "-".join(f"{part:02d}" for part in parts)


def squash(text: str) -> str:
    """Runs of white space as one space, as a browser shows the text and a reader selects it."""
    return re.sub(r"\s+", " ", text)


def quote_in_text(text: str, quote: str, prefix: str = "", suffix: str = "") -> bool:
    """Whether the quoted words, with the context around them if given, occur in the text."""
    return squash(prefix + quote + suffix) in squash(text)


def text_quote_fragment(exact: str, prefix: str = "", suffix: str = "") -> str:
    """A URL fragment naming quoted words with a W3C TextQuoteSelector, without the '#'."""
    # W3C Selectors and States, "Fragment identifiers" (https://www.w3.org/TR/selectors-states/):
    # values are percent-encoded so that commas, parentheses and '=' cannot end a value early.
    pairs = [
        ("type", "TextQuoteSelector"),
        ("exact", exact),
        ("prefix", prefix),
        ("suffix", suffix),
    ]
    body = ",".join(f"{key}={percent_encode(value, safe='')}" for key, value in pairs if value)
    return f"selector({body})"


class CiteOptions(TypedDict, total=False):
    """What every citation function takes besides the passage and its URL."""

    revision: int | None  # the text revision cited; None for the current text
    accessed: date | None  # defaults to today
    quote: str | None  # words selected from the text, which must occur in it


@dataclass(frozen=True)
class Cited:
    """One thing to cite: a passage in one revision of its text, perhaps a few words of it."""

    passage: Passage
    url: str
    accessed: date
    text: str
    section: str
    revision: int | None
    revised_on: date | None
    quote: str

    @property
    def document(self) -> Document:
        return self.passage.document

    @property
    def title(self) -> str:
        """The passage's own title: its number, and its section where it has one."""
        title = gettext("Passage %(n)s") % {"n": self.passage.n}
        return f"{title}: {self.section}" if self.section else title

    @property
    def excerpt(self) -> str:
        """The words cited: the quote if there is one, else the whole text."""
        return self.quote or self.text

    @property
    def language(self) -> str:
        return self.passage.effective_language

    @property
    def issued(self) -> list[int]:
        return date_parts(self.document.source_date)

    def reference(self) -> str:
        """The archive reference and text revision: what finds this exact text again."""
        reference = gettext("Archive reference %(ref)s") % {"ref": self.passage.ref}
        if self.revision:
            reference += ", " + gettext("text revision %(n)s") % {"n": self.revision}
            if self.revised_on:
                reference += f" ({date_format(self.revised_on)})"
        return reference

    def note(self) -> str:
        """The reference, the source's own revision and the quote, as sentences."""
        sentences = [self.reference()]
        if self.document.source_revision:
            revision = self.document.source_revision
            sentences.append(gettext("Source revision %(revision)s") % {"revision": revision})
        if self.quote:
            sentences.append(gettext("Quoted: “%(quote)s”") % {"quote": self.quote})
        return " ".join(full_stop(sentence) for sentence in sentences)


def full_stop(sentence: str) -> str:
    """The sentence ending in a full stop, unless it already ends a sentence."""
    return sentence if sentence.rstrip("”’»)").endswith((".", "!", "?")) else sentence + "."


def cite(
    passage: Passage,
    url: str,
    *,
    revision: int | None = None,
    accessed: date | None = None,
    quote: str | None = None,
) -> Cited:
    """What a citation names; ValueError if the quote is not in the cited text."""
    found = passage.revisions.filter(number=revision).first() if revision else None
    text = found.text if found else passage.text
    quote = " ".join((quote or "").split())
    if quote and not quote_in_text(text, quote):
        raise ValueError(gettext("The quoted words are not in the text of %s.") % passage.ref)
    return Cited(
        passage=passage,
        url=url,
        accessed=accessed or timezone.localdate(),
        text=text,
        section=found.section if found else passage.section,
        revision=revision,
        revised_on=timezone.localdate(found.created_at) if found else None,
        quote=quote,
    )


def passage_citation(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """A Chicago-style note citation of a passage, with its reference, URL and access date."""
    cited = cite(passage, url, **options)
    document = cited.document
    parts = [f"{document.author},"] if document.author else []
    # The quotation marks and their punctuation are the interface language's own.
    locator = gettext("“%(title)s,” passage %(n)s") % {
        "title": document.display_title,
        "n": passage.n,
    }
    if cited.section:
        locator += " " + gettext("(“%(section)s”)") % {"section": cited.section}
    parts.append(f"{locator}.")
    source_revision = (
        gettext("revision %(revision)s") % {"revision": document.source_revision}
        if document.source_revision
        else ""
    )
    source = ", ".join(
        bit for bit in (document.publisher, source_revision, document.source_date) if bit
    )
    if source:
        parts.append(f"{source}.")
    reference = cited.reference()
    if cited.quote:
        reference += ", " + gettext("quoting “%(quote)s”") % {"quote": cited.quote}
    parts.append(full_stop(reference))
    accessed = gettext("accessed %(date)s") % {"date": date_format(cited.accessed)}
    parts.append(f"{url} ({accessed}).")
    return " ".join(parts)


def lone_braces(text: str) -> set[int]:
    """Where the text has a brace without its partner."""
    opened, lone = [], set()
    for at, char in enumerate(text):
        if char == "{":
            opened.append(at)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                lone.add(at)
    return lone.union(opened)


def latex(text: str) -> str:
    """Text with LaTeX's special characters escaped, for a BibTeX field whose braces balance."""
    text = squash(text)
    lone = lone_braces(text)
    return "".join(
        LONE_BRACES[char] if at in lone else LATEX_SPECIALS.get(char, char)
        for at, char in enumerate(text)
    )


def bibtex(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """A BibTeX entry for the passage as a part of its document, keyed by its reference."""
    cited = cite(passage, url, **options)
    document, issued = cited.document, cited.issued
    fields = {
        "author": latex(document.author),
        # Double braces keep the titles' capitals from being lower-cased by BibTeX styles.
        "title": f"{{{latex(cited.title)}}}",
        "booktitle": f"{{{latex(document.display_title)}}}",
        "publisher": latex(document.publisher),
        "year": str(issued[0]) if issued else "",
        "date": iso_date(issued),
        "version": latex(document.source_revision),
        # URLs are read verbatim; only braces could unbalance the entry.
        "url": url.replace("{", "%7B").replace("}", "%7D"),
        "urldate": cited.accessed.isoformat(),
        "language": cited.language,
        "langid": BABEL_NAMES.get(cited.language, ""),
        "note": latex(cited.note()),
        "abstract": latex(cited.excerpt),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@incollection{{{passage.ref},\n{body}\n}}\n"


def ris_date(parts: list[int]) -> str:
    """Date parts in RIS form: YYYY/MM/DD/ with unknown parts left empty."""
    padded = [f"{part:02d}" for part in parts] + [""] * (3 - len(parts))
    return "/".join(padded) + "/"


def ris(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """An RIS record for the passage as a section (TY CHAP) of its document."""
    cited = cite(passage, url, **options)
    document, issued, accessed = cited.document, cited.issued, cited.accessed
    tags = [
        ("TY", "CHAP"),
        ("ID", passage.ref),
        ("TI", cited.title),
        ("T2", document.display_title),
        ("AU", document.author),
        ("PB", document.publisher),
        ("PY", str(issued[0]) if issued else ""),
        ("DA", ris_date(issued) if issued else ""),
        ("UR", url),
        ("Y2", ris_date([accessed.year, accessed.month, accessed.day])),
        ("LA", cited.language),
        ("DB", str(ARCHIVE_NAME)),
        ("AN", passage.ref),
        ("N1", cited.note()),
        ("AB", cited.excerpt),
    ]
    lines = [f"{tag}  - {squash(value).strip()}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def csl_json(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> list[dict]:
    """The passage as a CSL-JSON item: an entry in the archive, part of its document."""
    cited = cite(passage, url, **options)
    document, accessed = cited.document, cited.accessed
    item = {
        "id": passage.ref,
        "type": "entry",
        "title": cited.title,
        "container-title": document.display_title,
        "author": [{"literal": document.author}] if document.author else None,
        "publisher": document.publisher,
        "issued": {"date-parts": [cited.issued]} if cited.issued else None,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "version": document.source_revision,
        "section": cited.section,
        "archive": str(ARCHIVE_NAME),
        "archive_location": passage.ref,
        "URL": url,
        "language": cited.language,
        "note": cited.note(),
        "abstract": cited.excerpt,
    }
    return [{key: value for key, value in item.items() if value}]


def csl_json_text(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """The CSL-JSON item as a file."""
    items = csl_json(passage, url, **options)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


class Format(NamedTuple):
    """A citation file format: how it is served, what renders it, and its name for readers."""

    content_type: str
    render: Callable[..., str]
    label: str


# By file extension, as served at /documents/<slug>/<n>/cite.<ext>.
FORMATS = {
    "txt": Format("text/plain; charset=utf-8", passage_citation, _("Plain text")),
    "bib": Format("application/x-bibtex; charset=utf-8", bibtex, "BibTeX"),
    "ris": Format("application/x-research-info-systems; charset=utf-8", ris, "RIS"),
    "json": Format("application/vnd.citationstyles.csl+json", csl_json_text, "CSL-JSON"),
}
