"""The API's response schemas: they serialise every answer, and /api/openapi.json is made of them.

A field is declared once, here; the OpenAPI document says what these types say. Objects list
exactly their fields (`additionalProperties: false`), as the serialised answers do.
"""

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import SkipJsonSchema

from annotations.models import AnchorStatus, Motivation
from annotations.rendering import render_body
from annotations.w3c import ANNO_CONTEXT, W3C_MOTIVATION
from archive.models import Language, PassageAlias
from search.forms import FACETS, SearchForm

# The form is the search's specification: its limits are the schema's.
SEARCH_MAX_PAGE_SIZE = SearchForm.base_fields["page_size"].max_value
REF_PATTERN = r"^[-\w]+:\d+$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# A path the URL converters refuse (`/api/documents/x/-1/`) gets Django's own page.
HTML_404 = {
    "text/html": {
        "schema": {"type": "string", "description": "Django's 404 page: the path names no route."}
    }
}


def uri(description: str = "") -> dict:
    return {"format": "uri", **({"description": description} if description else {})}


class Out(BaseModel):
    """A response object: its schema lists exactly the fields it is serialised with.

    Pydantic reads the fields from the object's keys or attributes as they are, in its own
    compiled code: a page of search results holds hundreds of these objects (facet rows, hits,
    their documents), and a Python validator on each took a tenth of building the answer. An
    object with fields to compute (`resolve_*`) is a `Resolved` one."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"additionalProperties": False}
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        # Only Ninja's Schema calls resolvers: elsewhere one would be silently left out.
        if not issubclass(cls, Schema) and any(name.startswith("resolve_") for name in vars(cls)):
            raise TypeError(f"{cls.__name__} has resolvers: it must be a Resolved")


class Resolved(Schema, Out):
    """A response object read through Ninja's DjangoGetter: its resolvers compute fields, and a
    model's managers, querysets and files are read as lists and URLs."""


# Errors -----------------------------------------------------------------------------------------


class Error(Out):
    """Every error of the API: what went wrong, for a person to read."""

    error: str = Field(description="What went wrong, for a person to read.")


class InvalidParameters(Error):
    """A 400: the parameters the API cannot use, each with its reasons."""

    error: str = Field(
        description="“invalid parameters”, in the interface language the request asks for."
    )
    details: dict[str, list[str]] = Field(description="The reasons, by parameter name.")


# Documents and passages -------------------------------------------------------------------------


class DocumentRef(Out):
    """A document as a passage or a search hit names it."""

    slug: str = Field(description="The document's permanent slug.", pattern=SLUG_PATTERN)
    title: str
    language: Language
    source_file: str = Field(description="The file the document was imported from.")


class DocumentSummary(Resolved, DocumentRef):
    """A published document in the catalogue."""

    url: str = Field(json_schema_extra=uri("The reader's address."))
    passages: int = Field(ge=0, description="Passages in the current text.")
    source_url: str = Field(description="Where the source was taken from, or empty.")
    source_revision: str = Field(description="The source's own revision, or empty.")
    checksum: str = Field(pattern="^([0-9a-f]{64})?$", description="SHA-256 of the imported file.")

    @staticmethod
    def resolve_url(document, context) -> str:
        return context["request"].build_absolute_uri(document.get_absolute_url())

    @staticmethod
    def resolve_passages(document) -> int:
        return document.passage_count


class DocumentList(Out):
    results: list[DocumentSummary]


class PassageAnnotation(Resolved):
    """A published note on a passage: its quote, offsets into the passage's `text`, and body."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    motivation: Motivation
    exact: str = Field(description="The annotated words.")
    prefix: str
    suffix: str
    start: int = Field(ge=0, description="Offset of the quote in the passage's `text`.")
    end: int = Field(ge=1)
    body: str = Field(description="The note, in Markdown.")
    body_html: str = Field(description="The note as safe HTML.")
    language: Language
    tags: list[str]
    anchor: Literal[AnchorStatus.EXACT, AnchorStatus.MOVED]
    modified: str = Field(json_schema_extra={"format": "date-time"})

    @staticmethod
    def resolve_id(annotation) -> str:
        return str(annotation.uuid)

    @staticmethod
    def resolve_body_html(annotation) -> str:
        return render_body(annotation.body)

    @staticmethod
    def resolve_language(annotation) -> str:
        return annotation.body_language

    @staticmethod
    def resolve_tags(annotation) -> list[str]:
        return annotation.tag_list

    @staticmethod
    def resolve_anchor(annotation) -> str:
        return annotation.anchor_status

    @staticmethod
    def resolve_modified(annotation) -> str:
        return annotation.modified_at.isoformat()


class Passage(Resolved):
    """A passage at its permanent number: a withdrawn one too, with its last text."""

    ref: str = Field(pattern=REF_PATTERN, description="The passage's reference, <slug>:<n>.")
    url: str = Field(json_schema_extra=uri("The passage's permalink."))
    n: int = Field(ge=1, description="The passage's permanent number in its document.")
    language: Language
    section: str = Field(description="The section heading the passage stands under, or empty.")
    text: str
    word_count: int = Field(ge=0)
    years: list[int] = Field(description="Years the text mentions.")
    withdrawn: bool = Field(
        description="No longer in the source's current text; the URL still answers with the "
        "last text."
    )
    revision: int = Field(ge=0, description="How many revisions the passage has had.")
    document: DocumentRef
    replaced_by: list[Annotated[str, Field(pattern=REF_PATTERN)]] = Field(
        description="References of the passages a merged or split passage lives on in."
    )
    annotations: list[PassageAnnotation]

    @staticmethod
    def resolve_url(passage, context) -> str:
        return context["request"].build_absolute_uri(passage.get_absolute_url())

    @staticmethod
    def resolve_revision(passage) -> int:
        return passage.revisions.count()

    @staticmethod
    def resolve_replaced_by(passage) -> list[str]:
        alias = PassageAlias.objects.filter(document=passage.document, n=passage.n).first()
        return [p.ref for p in alias.targets.order_by("n")] if alias else []

    @staticmethod
    def resolve_annotations(passage):
        return passage.annotations.readable()


# W3C Web Annotations (JSON-LD) ------------------------------------------------------------------
# Only what the public API writes: a curator's export (with statuses) is not served here.


# The Web Annotation vocabulary's names of the archive's motivations.
W3CMotivation = Literal[tuple(dict.fromkeys(W3C_MOTIVATION.values()))]


class Note(Out):
    """The note itself, in Markdown."""

    type: Literal["TextualBody"]
    value: str
    format: Literal["text/markdown"]
    language: Language
    purpose: Literal["commenting", "describing", "identifying", "editing"]


class Tag(Out):
    type: Literal["TextualBody"]
    purpose: Literal["tagging"]
    value: str


class Resource(Out):
    """A link to another passage, or to the concept the note identifies."""

    type: Literal["SpecificResource"]
    purpose: Literal["linking", "identifying"]
    source: str = Field(json_schema_extra=uri())


class Creator(Out):
    """Who made the note: an agent IRI the archive mints (or the one an import kept) and the
    name readers see."""

    id: str = Field(json_schema_extra=uri())
    type: Literal["Person", "Organization", "Software"]
    name: str


class QuoteSelector(Out):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class PositionSelector(Out):
    type: Literal["TextPositionSelector"]
    start: int = Field(ge=0)
    end: int = Field(ge=1)


class Source(Out):
    """The passage's permalink page, in the passage's language."""

    id: str = Field(json_schema_extra=uri("The passage's permalink."))
    type: Literal["Text"]
    format: Literal["text/html"]
    language: Language


class Target(Out):
    source: Source
    selector: list[Annotated[QuoteSelector | PositionSelector, Field(discriminator="type")]] = (
        Field(min_length=1)
    )


class AnnotationItem(Out):
    """A W3C Web Annotation as a page lists it (the page's @context applies)."""

    id: str = Field(json_schema_extra=uri())
    type: Literal["Annotation"]
    motivation: W3CMotivation
    created: str = Field(json_schema_extra={"format": "date-time"})
    modified: str = Field(json_schema_extra={"format": "date-time"})
    creator: Creator
    body: Annotated[list[Note | Tag | Resource], Field(min_length=1)] | SkipJsonSchema[None] = None
    target: Target


class JsonLd(Out):
    """A JSON-LD document: plain Web Annotation terms."""

    context: Literal[ANNO_CONTEXT] = Field(alias="@context")


class WebAnnotation(AnnotationItem, JsonLd):
    """One published annotation as a W3C Web Annotation (@context first, as JSON-LD is read)."""


class EmbeddedPage(Out):
    """The first page of a collection, inside it."""

    id: str = Field(json_schema_extra=uri())
    type: Literal["AnnotationPage"]
    startIndex: int = Field(ge=0)  # noqa: N815 (the W3C name)
    items: list[AnnotationItem]
    next: str | SkipJsonSchema[None] = Field(None, json_schema_extra=uri())


class AnnotationCollection(JsonLd):
    """The published annotations: how many, and the first page (absent when there are none)."""

    id: str = Field(json_schema_extra=uri())
    type: Literal["AnnotationCollection"]
    label: str
    total: int = Field(ge=0)
    first: EmbeddedPage | SkipJsonSchema[None] = None
    last: str | SkipJsonSchema[None] = Field(None, json_schema_extra=uri())


class PartOf(Out):
    id: str = Field(json_schema_extra=uri())
    type: Literal["AnnotationCollection"]
    label: str
    total: int = Field(ge=0)


class AnnotationPage(JsonLd):
    """One page of the collection, asked for with `page`."""

    id: str = Field(json_schema_extra=uri())
    type: Literal["AnnotationPage"]
    startIndex: int = Field(ge=0)  # noqa: N815 (the W3C name)
    items: list[AnnotationItem]
    partOf: PartOf  # noqa: N815 (the W3C name)
    next: str | SkipJsonSchema[None] = Field(None, json_schema_extra=uri())
    prev: str | SkipJsonSchema[None] = Field(None, json_schema_extra=uri())


AnnotationList = Annotated[AnnotationCollection | AnnotationPage, Field(discriminator="type")]


# Search ---------------------------------------------------------------------------------------


class FacetRow(Out):
    value: str = Field(description="The value to filter by (the parameter's value).")
    label: str = Field(description="The value as a person reads it, in the reader's language.")
    count: int = Field(ge=0, description="Passages with this value among the results.")


class Expansion(Out):
    """Words of the query that name a thesaurus concept, and what was searched for them too."""

    matched: str = Field(description="The words of the query that name a thesaurus concept.")
    concept: str = Field(description="The concept's slug (the `concept` filter's value).")
    labels: list[str] = Field(description="The other names that were searched too.")


class Hit(Out):
    """A passage found."""

    ref: str = Field(pattern=REF_PATTERN, description="The passage's reference, <slug>:<n>.")
    url: str = Field(json_schema_extra=uri("The passage's permalink."))
    n: int = Field(ge=1, description="The passage's permanent number in its document.")
    language: Language
    section: str = Field(description="The section heading the passage stands under, or empty.")
    text: str = Field(description="The whole passage text.")
    highlight: str = Field(
        description="The whole text, HTML-escaped, with <mark> around the words that matched."
    )
    snippet: str = Field(description="An excerpt of `highlight` around the first matches.")
    note: str = Field(
        "",
        description="When the passage was found through a curator's note and none of its own "
        "words is marked: an excerpt of that note, HTML-escaped, with <mark> around the words "
        "that matched; else empty.",
    )
    score: float = Field(description="Relevance (0 when sorted).")
    document: DocumentRef


class SearchResponse(Resolved):
    """A page of search results, with facets, thesaurus expansions and a suggestion."""

    query: str = Field(description="The query as it was searched (control characters removed).")
    count: int = Field(ge=0, description="Passages found.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=SEARCH_MAX_PAGE_SIZE)
    suggestion: str | None = Field(description="A corrected query that finds more.")
    notices: list[str] = Field(
        description="What was changed to read the query (e.g. a quote left open)."
    )
    expansions: list[Expansion]
    results: list[Hit] = Field(max_length=SEARCH_MAX_PAGE_SIZE)
    facets: dict[Literal[FACETS], list[FacetRow]] = Field(
        description="Facet counts by facet name; empty when nothing was searched (no query and "
        "no filter). The counts of each facet take the other active filters into account."
    )

    @staticmethod
    def resolve_results(outcome) -> list:
        return outcome.hits


# Health -----------------------------------------------------------------------------------------


class Health(Out):
    """Whether search can answer now, on which engine, and how much the index has yet to take in."""

    status: Literal["ok", "unavailable"]
    engine: str = Field(description="The search engine: whoosh or solr.")
    index: dict = Field(
        description="What the engine says of its index (passages, generation; on Solr also the "
        "alias, its collection and the live nodes); empty when it cannot answer."
    )
    queue: int = Field(ge=0, description="Index changes queued, not yet searchable.")
    reason: str | None = Field(None, description="Why search cannot answer (503 only).")
