"""The read-only JSON API described as an OpenAPI 3.1 document: GET /api/openapi.json.

The document is built in code from the same vocabularies the views check parameters against
(languages, sorts, page limits, and the document, concept and note-tag values the archive holds
now), so it says what the API accepts and answers, status by status. Tests validate it with
openapi-spec-validator and fuzz every operation with schemathesis against the running code
(tests/reliability/test_openapi.py).
"""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from api.annotations import DEFAULT_PAGE_SIZE as ANNOTATION_PAGE_SIZE
from api.annotations import MAX_PAGE_SIZE as ANNOTATION_MAX_PAGE_SIZE
from archive.models import Language, Motivation
from archive.w3c import ANNO_CONTEXT, MEDIA_TYPE
from search.forms import DEFAULT_PAGE_SIZE, FACETS, MAX_PAGE_SIZE, SORTS

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0"
# A vocabulary longer than this is described by its pattern rather than listed value by value
# (a synthetic corpus of a million passages has tens of thousands of documents).
ENUM_LIMIT = 1000
# Django's path converters: <slug:…>, <int:…> and <uuid:…> (lower-case hex only).
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# The years the search form accepts (search.forms.SearchForm.year).
YEAR_RANGE = (1500, 2099)
JSON = "application/json"
HTML = "text/html"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required=None, *, extra: bool = False, **more) -> dict:
    """An object schema; every listed property is required unless `required` says otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
        "additionalProperties": extra,
        **more,
    }


def string(description: str = "", **more) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **more}


def integer(description: str = "", **more) -> dict:
    return {"type": "integer", **({"description": description} if description else {}), **more}


def array(items: dict, **more) -> dict:
    return {"type": "array", "items": items, **more}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def vocabulary(values, description: str, pattern: str | None = None) -> dict:
    """A string from a vocabulary: listed when it is short enough, else by its pattern."""
    values = sorted(set(values))
    if len(values) <= ENUM_LIMIT:
        # An empty enum is not valid JSON Schema; a value nothing matches is refused anyway.
        return string(description, enum=values) if values else {**string(description), "not": {}}
    listed = string(description + " The archive holds too many to list them here.")
    return {**listed, "pattern": pattern} if pattern else listed


def query_param(name: str, schema: dict, description: str, *, multi: bool = False) -> dict:
    """An optional query parameter. A single-valued one may be sent empty (`page=`): it then
    counts as absent. Each value of a repeated one must be valid (`language=` is refused)."""
    param = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": array(schema) if multi else schema,
    }
    if multi:
        param.update(style="form", explode=True)
    else:
        param["allowEmptyValue"] = True
    return param


def path_param(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def content(schema: dict, media_type: str = JSON) -> dict:
    return {media_type: {"schema": schema}}


def not_found(description: str, *, html_too: bool = False) -> dict:
    """A 404: JSON from the API's own views; Django's HTML page when no route matches."""
    body = content(ref("Error"))
    if html_too:
        body[HTML] = {"schema": string("Django's plain 404 page: the path matched no route.")}
    return {"description": description, "content": body}


# Schemas --------------------------------------------------------------------------------------


def schemas(languages: list[str]) -> dict:
    language = string("ISO 639-1 code of a language the archive holds.", enum=languages)
    w3c_context = {
        "description": "The Web Annotation JSON-LD context (with the archive's prefix when its "
        "own terms are used).",
        "anyOf": [
            string(const=ANNO_CONTEXT),
            array({"anyOf": [string(), {"type": "object"}]}, minItems=1),
        ],
    }
    return {
        "Error": obj({"error": string("What went wrong, for a person to read.")}),
        "SearchError": obj(
            {
                "error": string(const="invalid parameters"),
                "details": {
                    "type": "object",
                    "description": "The reasons, by parameter name.",
                    "additionalProperties": array(string()),
                },
            }
        ),
        "DocumentRef": obj(
            {
                "slug": string("The document's permanent slug.", pattern=SLUG_PATTERN),
                "title": string(),
                "language": language,
                "source_file": string("The file the document was imported from."),
            }
        ),
        "SearchResult": obj(
            {
                "ref": string("The passage's reference, <slug>:<n>.", pattern=r"^[-\w]+:\d+$"),
                "url": string("The passage's permalink.", format="uri"),
                "n": integer("The passage's permanent number in its document.", minimum=1),
                "language": language,
                "section": string("The section heading the passage stands under, or empty."),
                "text": string("The whole passage text."),
                "highlight": string(
                    "The whole text, HTML-escaped, with <mark> around the words that matched."
                ),
                "snippet": string("An excerpt of `highlight` around the first matches."),
                "score": {"type": "number", "description": "Relevance (0 when sorted)."},
                "document": ref("DocumentRef"),
            }
        ),
        "FacetRow": obj(
            {
                "value": string("The value to filter by (the parameter's value)."),
                "label": string("The value as a person reads it."),
                "count": integer("Passages with this value among the results.", minimum=0),
            }
        ),
        "Expansion": obj(
            {
                "matched": string("The words of the query that name a thesaurus concept."),
                "concept": string("The concept's slug (the `concept` filter's value)."),
                "labels": array(string(), description="The other names that were searched too."),
            }
        ),
        "SearchResponse": obj(
            {
                "query": string("The query as it was searched (control characters removed)."),
                "count": integer("Passages found.", minimum=0),
                "page": integer(minimum=1),
                "page_size": integer(minimum=1, maximum=MAX_PAGE_SIZE),
                "suggestion": nullable(string("A corrected query that finds more.")),
                "notices": array(
                    string(), description="What was changed to read the query (e.g. a quote)."
                ),
                "expansions": array(ref("Expansion")),
                "results": array(ref("SearchResult"), maxItems=MAX_PAGE_SIZE),
                "facets": {
                    "type": "object",
                    "description": "Facet counts by facet name; empty when nothing was searched "
                    "(no query and no filter). The counts of each facet take the other active "
                    "filters into account.",
                    "propertyNames": {"enum": list(FACETS)},
                    "additionalProperties": array(ref("FacetRow")),
                },
            }
        ),
        "DocumentSummary": obj(
            {
                "slug": string(pattern=SLUG_PATTERN),
                "title": string(),
                "language": language,
                "source_file": string(),
                "url": string("The reader's address.", format="uri"),
                "passages": integer("Passages in the current text.", minimum=0),
                "source_url": string("Where the source was taken from, or empty."),
                "source_revision": string("The source's own revision, or empty."),
                "checksum": string("SHA-256 of the imported file.", pattern="^([0-9a-f]{64})?$"),
            }
        ),
        "DocumentList": obj({"results": array(ref("DocumentSummary"))}),
        "PassageAnnotation": obj(
            {
                "id": string(format="uuid"),
                "motivation": string(enum=list(Motivation.values)),
                "exact": string("The annotated words."),
                "prefix": string(),
                "suffix": string(),
                "start": integer("Offset of the quote in the passage's `text`.", minimum=0),
                "end": integer(minimum=1),
                "body": string("The note, in Markdown."),
                "body_html": string("The note as safe HTML."),
                "language": language,
                "tags": array(string()),
                "anchor": string(enum=["exact", "moved"]),
                "modified": string(format="date-time"),
            }
        ),
        "Passage": obj(
            {
                "ref": string(pattern=r"^[-\w]+:\d+$"),
                "url": string(format="uri"),
                "n": integer(minimum=1),
                "language": language,
                "section": string(),
                "text": string(),
                "word_count": integer(minimum=0),
                "years": array(integer(), description="Years the text mentions."),
                "withdrawn": {
                    "type": "boolean",
                    "description": "No longer in the source's current text; the URL still "
                    "answers with the last text.",
                },
                "revision": integer("How many revisions the passage has had.", minimum=0),
                "document": ref("DocumentRef"),
                "replaced_by": array(
                    string(pattern=r"^[-\w]+:\d+$"),
                    description="References of the passages a merged or split passage lives on in.",
                ),
                "annotations": array(ref("PassageAnnotation")),
            }
        ),
        "WebAnnotation": obj(
            {
                "@context": w3c_context,
                "id": string(format="uri"),
                "type": string(const="Annotation"),
                "motivation": string(enum=list(Motivation.values)),
                "created": string(format="date-time"),
                "modified": string(format="date-time"),
                "creator": obj(
                    {"type": string(const="Person"), "name": string(), "nickname": string()}
                ),
                "body": array(
                    {
                        "type": "object",
                        "required": ["type"],
                        "properties": {
                            "type": string(enum=["TextualBody", "SpecificResource"]),
                            "purpose": string(),
                            "value": string(),
                            "format": string(),
                            "language": string(),
                            "source": string(format="uri"),
                        },
                    },
                    minItems=1,
                ),
                "target": obj(
                    {
                        "source": string(format="uri"),
                        "selector": array(
                            {
                                "type": "object",
                                "required": ["type"],
                                "properties": {
                                    "type": string(
                                        enum=["TextQuoteSelector", "TextPositionSelector"]
                                    ),
                                    "exact": string(),
                                    "prefix": string(),
                                    "suffix": string(),
                                    "start": integer(minimum=0),
                                    "end": integer(minimum=1),
                                },
                            }
                        ),
                    }
                ),
            },
            required=["id", "type", "motivation", "created", "modified", "target"],
            extra=True,
        ),
        "AnnotationPageEmbedded": obj(
            {
                "id": string(format="uri"),
                "type": string(const="AnnotationPage"),
                "startIndex": integer(minimum=0),
                "items": array(ref("WebAnnotation")),
                "next": string(format="uri"),
            },
            required=["id", "type", "startIndex", "items"],
        ),
        "AnnotationCollection": obj(
            {
                "@context": w3c_context,
                "id": string(format="uri"),
                "type": string(const="AnnotationCollection"),
                "total": integer(minimum=0),
                "first": ref("AnnotationPageEmbedded"),
                "last": string(format="uri"),
            },
            required=["@context", "id", "type", "total"],
        ),
        "AnnotationPage": obj(
            {
                "@context": w3c_context,
                "id": string(format="uri"),
                "type": string(const="AnnotationPage"),
                "startIndex": integer(minimum=0),
                "items": array(ref("WebAnnotation")),
                "partOf": obj(
                    {
                        "id": string(format="uri"),
                        "type": string(const="AnnotationCollection"),
                        "total": integer(minimum=0),
                    }
                ),
                "next": string(format="uri"),
                "prev": string(format="uri"),
            },
            required=["@context", "id", "type", "startIndex", "items", "partOf"],
        ),
    }


# Operations -----------------------------------------------------------------------------------


def search_parameters(languages, documents, concepts, note_tags) -> list[dict]:
    return [
        query_param(
            "q",
            string(),
            'The query: words (all must match), "exact phrases", OR, -exclude or NOT word, '
            "prefix* and fuzzy~. A query the parser cannot read is searched as plain words and "
            "`notices` says so; control characters are dropped. Empty: no text condition.",
        ),
        query_param("language", string(enum=languages), "Passages in these languages.", multi=True),
        query_param(
            "document",
            vocabulary(documents, "A published document's slug.", SLUG_PATTERN),
            "Passages of these documents; an unknown slug is refused (400).",
            multi=True,
        ),
        query_param(
            "year",
            integer(minimum=YEAR_RANGE[0], maximum=YEAR_RANGE[1]),
            "Passages that mention these years.",
            multi=True,
        ),
        query_param(
            "concept",
            vocabulary(concepts, "A thesaurus concept's slug.", "^[a-z0-9-]+$"),
            "Passages tagged with these concepts; an unknown slug is refused (400).",
            multi=True,
        ),
        query_param(
            "annotated",
            string(enum=["yes", "no"]),
            "Only passages with (yes) or without (no) published notes.",
        ),
        query_param(
            "note_tag",
            vocabulary(note_tags, "A tag used on published annotations."),
            "Passages whose published notes carry these tags.",
            multi=True,
        ),
        query_param(
            "sort",
            string(enum=[value for value, _label in SORTS]),
            "relevance (the default) or document order.",
        ),
        query_param("page", integer(minimum=1), "The page of results (default 1)."),
        query_param(
            "page_size",
            integer(minimum=1, maximum=MAX_PAGE_SIZE),
            f"Results per page (default {DEFAULT_PAGE_SIZE}).",
        ),
        query_param(
            "expand",
            string(enum=["0", "1"]),
            "0 turns the thesaurus expansion of names off (default on).",
        ),
    ]


def annotation_parameters() -> list[dict]:
    return [
        query_param(
            "document",
            string(pattern=SLUG_PATTERN),
            "Only the annotations of this document (its slug or a former slug).",
        ),
        query_param(
            "passage",
            string(pattern=r"^[-\w]+:\d+$"),
            "Only the annotations of this passage (its reference <slug>:<n>).",
        ),
        query_param(
            "page",
            integer(minimum=1),
            "Answer with this AnnotationPage instead of the AnnotationCollection.",
        ),
        query_param(
            "page_size",
            integer(minimum=1, maximum=ANNOTATION_MAX_PAGE_SIZE),
            f"Annotations per page (default {ANNOTATION_PAGE_SIZE}).",
        ),
    ]


def paths(languages, documents, concepts, note_tags) -> dict:
    ld = MEDIA_TYPE
    return {
        "/api/search/": {
            "get": {
                "operationId": "searchPassages",
                "summary": "Search passages, with facets, highlighting and a suggestion",
                "tags": ["search"],
                "parameters": search_parameters(languages, documents, concepts, note_tags),
                "responses": {
                    "200": {
                        "description": "The page of results asked for (empty when nothing "
                        "was searched).",
                        "content": content(ref("SearchResponse")),
                    },
                    "400": {
                        "description": "A parameter has a value the search cannot use.",
                        "content": content(ref("SearchError")),
                    },
                    "404": {
                        "description": "The page lies past the last page of results.",
                        "content": content(ref("Error")),
                    },
                },
            }
        },
        "/api/documents/": {
            "get": {
                "operationId": "listDocuments",
                "summary": "The published documents",
                "tags": ["documents"],
                "responses": {
                    "200": {
                        "description": "The catalogue.",
                        "content": content(ref("DocumentList")),
                    }
                },
            }
        },
        "/api/documents/{slug}/{n}/": {
            "get": {
                "operationId": "getPassage",
                "summary": "One passage, with its published annotations",
                "tags": ["documents"],
                "parameters": [
                    path_param(
                        "slug",
                        string(pattern=SLUG_PATTERN),
                        "The document's slug (a former slug redirects).",
                    ),
                    path_param("n", integer(minimum=0), "The passage's number in its document."),
                ],
                "responses": {
                    "200": {
                        "description": "The passage (a withdrawn one too, with its last text).",
                        "content": content(ref("Passage")),
                    },
                    "301": {
                        "description": "The document was renamed: the same passage under the "
                        "new slug.",
                        "headers": {
                            "Location": {
                                "description": "/api/documents/<new slug>/<n>/",
                                "schema": string(),
                            }
                        },
                    },
                    "404": not_found("No such passage in a published document.", html_too=True),
                },
            }
        },
        "/api/annotations/": {
            "get": {
                "operationId": "listAnnotations",
                "summary": "Published annotations as a W3C AnnotationCollection or one page",
                "tags": ["annotations"],
                "parameters": annotation_parameters(),
                "responses": {
                    "200": {
                        "description": "Without `page`: the AnnotationCollection with its "
                        "first page embedded; with `page`: that AnnotationPage.",
                        "content": content(
                            {"oneOf": [ref("AnnotationCollection"), ref("AnnotationPage")]}, ld
                        ),
                    },
                    "400": {
                        "description": "page, page_size or passage is malformed.",
                        "content": content(ref("SearchError")),
                    },
                    "404": not_found("No such published document, or no such page."),
                },
            }
        },
        "/api/annotations/{uuid}/": {
            "get": {
                "operationId": "getAnnotation",
                "summary": "One published annotation as a W3C Web Annotation",
                "tags": ["annotations"],
                "parameters": [
                    path_param(
                        "uuid",
                        string(format="uuid", pattern=UUID_PATTERN),
                        "The annotation's identifier.",
                    )
                ],
                "responses": {
                    "200": {
                        "description": "The annotation (JSON-LD).",
                        "content": content(ref("WebAnnotation"), ld),
                    },
                    "404": not_found("No published annotation has this identifier.", html_too=True),
                },
            }
        },
    }


def build_schema(*, documents=(), concepts=(), note_tags=()) -> dict:
    """The OpenAPI 3.1 document, with the given vocabularies for the search filters."""
    languages = list(Language.values)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Soviet–German Relations Archive API",
            "version": API_VERSION,
            "summary": "Read-only JSON: search passages, read documents, passages and notes.",
            "description": "No login, GET (and HEAD) only: other methods answer 405. Errors are "
            'JSON objects with an "error" string. The values the search filters accept are '
            "those the archive holds when this document is served.",
            "license": {"name": "See the archive's sources for their licences"},
        },
        "tags": [
            {"name": "search", "description": "Full-text search over every language"},
            {"name": "documents", "description": "The catalogue and permanent passages"},
            {"name": "annotations", "description": "Curators' published notes (W3C)"},
        ],
        "paths": paths(languages, list(documents), list(concepts), list(note_tags)),
        "components": {"schemas": schemas(languages)},
    }


def current_schema() -> dict:
    """The document with the vocabularies the archive holds now."""
    from archive.models import Concept, Document
    from search.forms import note_tags

    return build_schema(
        documents=Document.objects.published().values_list("slug", flat=True),
        concepts=Concept.objects.values_list("slug", flat=True),
        note_tags=note_tags(),
    )


@require_safe
def openapi_json(request):
    """GET /api/openapi.json: the OpenAPI document of the read-only API."""
    return JsonResponse(current_schema(), json_dumps_params={"ensure_ascii": False})
