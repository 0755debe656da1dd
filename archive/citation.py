"""How a passage is cited: a plain-text citation and the formats reference managers read
(BibTeX for classic BibTeX and for BibLaTeX, RIS, CSL-JSON), all built from one description of
what is cited, in one language the caller chooses."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypedDict, Unpack
from urllib.parse import quote as percent_encode

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from archive.models import Document, Passage

# The same message as the site name in base.html, so it is translated once.
ARCHIVE_NAME = _("Soviet–German Relations Archive")
# The words a citation is made of. A citation is written in a language only when all of them are
# translated into it, so that no citation mixes two languages (see citation_language).
PASSAGE_TITLE = gettext_noop("Passage %(n)s")
# The quotation marks and their punctuation are the language's own.
LOCATOR = gettext_noop("“%(title)s,” passage %(n)s")
IN_SECTION = gettext_noop("(“%(section)s”)")
SOURCE_REVISION_SHORT = gettext_noop("revision %(revision)s")
SOURCE_REVISION = gettext_noop("Source revision %(revision)s")
REFERENCE = gettext_noop("%(archive)s, reference %(ref)s")
TEXT_REVISION = gettext_noop("text revision %(n)s")
QUOTING = gettext_noop("quoting “%(quote)s”")
QUOTED = gettext_noop("Quoted: “%(quote)s”")
ACCESSED = gettext_noop("accessed %(date)s")
ACCESSED_SENTENCE = gettext_noop("Accessed %(date)s")
CITATION_WORDS = (
    PASSAGE_TITLE,
    LOCATOR,
    IN_SECTION,
    SOURCE_REVISION_SHORT,
    SOURCE_REVISION,
    REFERENCE,
    TEXT_REVISION,
    QUOTING,
    QUOTED,
    ACCESSED,
    ACCESSED_SENTENCE,
    "Soviet–German Relations Archive",
)
FALLBACK_LANGUAGE = "en"
# biblatex hyphenates and localises by a babel language name.
BABEL_NAMES = {
    "hr": "croatian",
    "ro": "romanian",
    "en": "english",
    "de": "ngerman",
    "ru": "russian",
}
# Month macros that classic BibTeX and BibLaTeX both define.
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
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


class Kind(NamedTuple):
    """What a cited passage is in each vocabulary: a part of a document that has a title."""

    csl: str
    bibtex: str
    ris: str
    zotero: str


# A passage is cited as a chapter of its document in every format, wiki exports included: typing
# those as encyclopedia entries would make styles print the article's title where they print the
# encyclopedia's name (Wikipedia is the publisher here, the article the container).
PART_OF_DOCUMENT = Kind(csl="chapter", bibtex="incollection", ris="CHAP", zotero="bookSection")


def citation_language(requested: str | None) -> str:
    """The language a citation is written in: the one asked for (the reader's interface
    language) where the archive's catalogue translates every word of a citation, else English."""
    code = (requested or FALLBACK_LANGUAGE).split("-")[0].lower()
    if code == FALLBACK_LANGUAGE or code not in dict(settings.LANGUAGES):
        return FALLBACK_LANGUAGE
    with translation.override(code):
        translated = all(gettext(words) != words for words in CITATION_WORDS)
    return code if translated else FALLBACK_LANGUAGE


def citation_day(day: date, language: str) -> str:
    """A day as that language writes it in running text (its DATE_FORMAT, config/formats/ and
    the catalogues' month names): 1 December 2026, 1. prosinca 2026., 1 decembrie 2026."""
    with translation.override(language):
        return date_format(day)


def date_parts(text: str) -> list[int]:
    """Year, month and day of a free-text date such as 2023 or 2023-05-01, as far as it goes."""
    match = DATE_PARTS.search(text or "")
    return [int(part) for part in match.groups() if part] if match else []


def iso_date(parts: list[int]) -> str:
    """Date parts as ISO 8601: 2023, 2023-05 or 2023-05-01."""
    return "-".join(f"{part:02d}" for part in parts)


def day_parts(day: date) -> list[int]:
    return [day.year, day.month, day.day]


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
    # The language the citation's own words are written in (the reader's interface language,
    # as django.utils.translation.get_language() gives it); see citation_language.
    language: str | None


@dataclass(frozen=True)
class Cited:
    """One thing to cite: a passage in one revision of its text, perhaps a few words of it, and
    the language the citation is written in."""

    passage: Passage
    url: str
    accessed: date
    text: str
    section: str
    revision: int | None
    revised_on: date | None
    quote: str
    locale: str

    @property
    def document(self) -> Document:
        return self.passage.document

    @property
    def archive(self) -> str:
        return self.words(ARCHIVE_NAME)

    def words(self, message, **values) -> str:
        """A message of the citation in the citation's language."""
        with translation.override(self.locale):
            return gettext(str(message)) % values if values else gettext(str(message))

    def day(self, day: date) -> str:
        return citation_day(day, self.locale)

    @property
    def title(self) -> str:
        """The passage's own title: its number, and its section where it has one."""
        title = self.words(PASSAGE_TITLE, n=self.passage.n)
        return f"{title}: {self.section}" if self.section else title

    @property
    def excerpt(self) -> str:
        """The words cited: the quote if there is one, else the whole text."""
        return self.quote or self.text

    @property
    def language(self) -> str:
        """The language of the cited text (not of the citation)."""
        return self.passage.effective_language

    @property
    def issued(self) -> list[int]:
        """The source's own date, where the catalogue or the source gives it; never a day of
        the archive's."""
        return date_parts(self.document.source_date)

    def reference(self) -> str:
        """The archive, the reference and the text revision: what finds this exact text again."""
        reference = self.words(REFERENCE, archive=self.archive, ref=self.passage.ref)
        if self.revision:
            reference += ", " + self.words(TEXT_REVISION, n=self.revision)
            if self.revised_on:
                reference += f" ({self.day(self.revised_on)})"
        return reference

    def note(self, *, with_access: bool = False) -> str:
        """The reference, the source's own revision, the quote and, for formats with no field
        of their own for it, the access date, as sentences."""
        sentences = [self.reference()]
        if self.document.source_revision:
            revision = self.document.source_revision
            sentences.append(self.words(SOURCE_REVISION, revision=revision))
        if self.quote:
            sentences.append(self.words(QUOTED, quote=self.quote))
        if with_access:
            sentences.append(self.words(ACCESSED_SENTENCE, date=self.day(self.accessed)))
        return " ".join(full_stop(sentence) for sentence in sentences)


def full_stop(sentence: str) -> str:
    """The sentence ending in a full stop, unless it already ends a sentence (within closing
    quotes; a full stop inside parentheses, as a Croatian date's, ends only what they hold)."""
    return sentence if sentence.rstrip("”’»“").endswith((".", "!", "?")) else sentence + "."


def revision_numbered(passage: Passage, number: int):
    """The passage's revision of that number (None if none), from the revisions read with it
    when the caller prefetched them (`references.cited_passage`)."""
    if "revisions" in getattr(passage, "_prefetched_objects_cache", {}):
        return next((r for r in passage.revisions.all() if r.number == number), None)
    return passage.revisions.filter(number=number).first()


def cite(
    passage: Passage,
    url: str,
    *,
    revision: int | None = None,
    accessed: date | None = None,
    quote: str | None = None,
    language: str | None = None,
) -> Cited:
    """What a citation names; ValueError if the quote is not in the cited text."""
    found = revision_numbered(passage, revision) if revision else None
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
        locale=citation_language(language),
    )


def passage_citation(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """A Chicago-style note citation of a passage, with the archive, its reference, the URL and
    the access date, all in one language."""
    cited = cite(passage, url, **options)
    document = cited.document
    parts = [f"{document.author},"] if document.author else []
    locator = cited.words(LOCATOR, title=document.display_title, n=passage.n)
    if cited.section:
        locator += " " + cited.words(IN_SECTION, section=cited.section)
    parts.append(f"{locator}.")
    source_revision = (
        cited.words(SOURCE_REVISION_SHORT, revision=document.source_revision)
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
        reference += ", " + cited.words(QUOTING, quote=cited.quote)
    parts.append(full_stop(reference))
    parts.append(f"{url} ({cited.words(ACCESSED, date=cited.day(cited.accessed))}).")
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


def bibtex_entry(key: str, fields: dict[str, str], *, bare: frozenset = frozenset()) -> str:
    """An entry of the kind a passage is, its fields braced except those named bare (macros)."""
    body = ",\n".join(
        f"  {name} = {value}" if name in bare else f"  {name} = {{{value}}}"
        for name, value in fields.items()
        if value
    )
    return f"@{PART_OF_DOCUMENT.bibtex}{{{key},\n{body}\n}}\n"


def bibtex_common(cited: Cited) -> dict[str, str]:
    """The fields classic BibTeX and BibLaTeX share."""
    document = cited.document
    return {
        "author": latex(document.author),
        # Double braces keep the titles' capitals from being lower-cased by BibTeX styles.
        "title": f"{{{latex(cited.title)}}}",
        "booktitle": f"{{{latex(document.display_title)}}}",
        "publisher": latex(document.publisher),
    }


def bibtex_url(url: str) -> str:
    # URLs are read verbatim; only braces could unbalance the entry.
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """A BibTeX entry classic BibTeX styles print in full (BibLaTeX reads it too): the access
    date and the archive are in the note, the one field every classic style prints, and the
    language is a babel name as babelbib and BibLaTeX read it."""
    cited = cite(passage, url, **options)
    issued = cited.issued
    fields = {
        **bibtex_common(cited),
        "year": str(issued[0]) if issued else "",
        "month": BIBTEX_MONTHS[issued[1] - 1] if len(issued) > 1 else "",
        "url": bibtex_url(url),
        "language": BABEL_NAMES.get(cited.language, cited.language),
        "note": latex(cited.note(with_access=True)),
        "abstract": latex(cited.excerpt),
    }
    return bibtex_entry(passage.ref, fields, bare=frozenset({"month"}))


def biblatex(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """A BibLaTeX entry: the access date, language and source revision in BibLaTeX's own
    fields, the archive and reference in `library` (where BibLaTeX puts a holding library and
    its call number)."""
    cited = cite(passage, url, **options)
    fields = {
        **bibtex_common(cited),
        "date": iso_date(cited.issued),
        "version": latex(cited.document.source_revision),
        "url": bibtex_url(url),
        "urldate": cited.accessed.isoformat(),
        "langid": BABEL_NAMES.get(cited.language, ""),
        "library": latex(cited.reference()),
        "note": latex(cited.note()),
        "abstract": latex(cited.excerpt),
    }
    return bibtex_entry(passage.ref, fields)


def ris_date(parts: list[int]) -> str:
    """Date parts in RIS form: YYYY/MM/DD/ with unknown parts left empty."""
    padded = [f"{part:02d}" for part in parts] + [""] * (3 - len(parts))
    return "/".join(padded) + "/"


def ris(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> str:
    """An RIS record for the passage as a section (TY CHAP) of its document."""
    cited = cite(passage, url, **options)
    document, issued = cited.document, cited.issued
    tags = [
        ("TY", PART_OF_DOCUMENT.ris),
        ("ID", passage.ref),
        ("TI", cited.title),
        ("T2", document.display_title),
        ("AU", document.author),
        ("PB", document.publisher),
        ("PY", str(issued[0]) if issued else ""),
        ("DA", ris_date(issued) if issued else ""),
        ("UR", url),
        ("Y2", ris_date(day_parts(cited.accessed))),
        ("LA", cited.language),
        ("DB", cited.archive),
        ("AN", passage.ref),
        ("N1", cited.note()),
        ("AB", cited.excerpt),
    ]
    lines = [f"{tag}  - {squash(value).strip()}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def csl_json(passage: Passage, url: str, **options: Unpack[CiteOptions]) -> list[dict]:
    """The passage as a CSL-JSON item: a chapter of its document, held by the archive."""
    cited = cite(passage, url, **options)
    document = cited.document
    item = {
        "id": passage.ref,
        "type": PART_OF_DOCUMENT.csl,
        "title": cited.title,
        "container-title": document.display_title,
        "author": [{"literal": document.author}] if document.author else None,
        "publisher": document.publisher,
        "issued": {"date-parts": [cited.issued]} if cited.issued else None,
        "accessed": {"date-parts": [day_parts(cited.accessed)]},
        "version": document.source_revision,
        "section": cited.section,
        "archive": cited.archive,
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
    """A citation file format: how it is served, what renders it, its name for readers and the
    extension of the file a reader saves."""

    content_type: str
    render: Callable[..., str]
    label: str
    extension: str
    # Told apart from another format saved with the same extension: <slug>-<n><suffix>.<ext>.
    suffix: str = ""

    def filename(self, passage: Passage) -> str:
        return f"{passage.document.slug}-{passage.n}{self.suffix}.{self.extension}"


# By the name in the address, /documents/<slug>/<n>/cite.<name>.
FORMATS = {
    "txt": Format("text/plain; charset=utf-8", passage_citation, _("Plain text"), "txt"),
    "bib": Format("application/x-bibtex; charset=utf-8", bibtex, "BibTeX", "bib"),
    "biblatex": Format(
        "application/x-bibtex; charset=utf-8", biblatex, "BibLaTeX", "bib", "-biblatex"
    ),
    "ris": Format("application/x-research-info-systems; charset=utf-8", ris, "RIS", "ris"),
    "json": Format("application/vnd.citationstyles.csl+json", csl_json_text, "CSL-JSON", "json"),
}
