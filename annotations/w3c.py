"""Annotations as W3C Web Annotations (JSON-LD): export, collections with paging, and import.

The archive's own terms (status) travel under the `archive:` prefix, declared in the context only
when used, so that a public export is plain Web Annotation JSON-LD. A public export (the API, and
`export_annotations` without `--all-statuses`) leaves out links to passages readers may not open;
a curator's export with statuses keeps them.
"""

import re
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from annotations.anchoring import anchor, occurrences
from annotations.models import (
    COLLECTIVE_CREATOR,
    AgentType,
    Annotation,
    AnnotationStatus,
    Motivation,
    is_collective,
)
from archive.aliases import resolve_document
from archive.models import Concept, Language, Passage

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The collection's name, as an export or the API labels it.
COLLECTION_LABEL = _("Notes on the passages of the Soviet–German Relations Archive")
# Agent IRIs the archive mints, as URNs (nothing to resolve; the same on every host serving the
# archive): a UUID derived from this namespace and what the agent is to the archive.
AGENT_NAMESPACE = uuid.UUID("6f0d2b1e-5a4c-4f3e-9b8a-1c2d3e4f5a6b")
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
STATUS_KEY = "archive:status"
# Each of the archive's motivations as the Web Annotation vocabulary names it: a correction asks
# for a change to the text, which the model calls editing.
W3C_MOTIVATION = {m: m for m in Motivation.values} | {Motivation.CORRECTING: "editing"}
ARCHIVE_MOTIVATION = {w3c: archive for archive, w3c in W3C_MOTIVATION.items()}
# The purpose of the note body for each motivation; links and tag sets carry a plain comment.
NOTE_PURPOSE = {
    m: W3C_MOTIVATION[m]
    for m in (Motivation.COMMENTING, Motivation.DESCRIBING, Motivation.IDENTIFYING)
} | {Motivation.CORRECTING: "editing"}
# Other W3C motivations, stored as the nearest one the archive has; "correcting" is what
# exports of the archive wrote before they used the model's own term.
NEAREST_MOTIVATION = {"classifying": "tagging"} | dict.fromkeys(
    ("assessing", "bookmarking", "highlighting", "moderating", "questioning", "replying"),
    "commenting",
)
LEGACY_MOTIVATION = {"correcting": Motivation.CORRECTING}
# The passage page a target's source names.
SOURCE_FORMAT = "text/html"
PASSAGE_PATH = re.compile(r"/documents/(?P<slug>[-\w]+)/(?P<n>\d+)/?$")
ID_PATH = re.compile(r"/api/annotations/(?P<uuid>[0-9a-fA-F-]{32,36})/?$")
EXPORT_ORDER = ("passage__document__slug", "passage__n", "start", "created_at", "pk")


def public_annotations():
    """What anyone may read (`AnnotationQuerySet.readable`), in the order exports list them."""
    return (
        Annotation.objects.readable()
        .with_links()
        .select_related("passage__document")
        .order_by(*EXPORT_ORDER)
    )


def context(include_status: bool, base_url: str):
    """The @context: the Web Annotation one, plus the archive's prefix when its terms are used."""
    return (
        [ANNO_CONTEXT, {"archive": f"{base_url}/ns/archive#"}] if include_status else ANNO_CONTEXT
    )


def iso(moment: datetime) -> str:
    """An xsd:dateTime in UTC, as the Web Annotation model recommends."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def passage_url(passage: Passage, base_url: str) -> str:
    return base_url + passage.get_absolute_url()


def concept_url(concept: Concept, base_url: str) -> str:
    return f"{base_url}/search/?{urlencode({'concept': concept.slug})}"


def agent_iri(key: str) -> str:
    """The IRI the archive mints for an agent: `user:<pk>`, `curators`, or `<type>:<name>`."""
    return f"urn:uuid:{uuid.uuid5(AGENT_NAMESPACE, key)}"


def creator_of(annotation: Annotation) -> dict:
    """Who made a note, as a Web Annotation agent with an IRI and the name readers see (an
    account's full name, never its login); the archive's curators when no one is named."""
    user = annotation.creator
    if user:
        name = annotation.signature
        return {"id": agent_iri(f"user:{user.pk}"), "type": AgentType.PERSON, "name": name}
    if annotation.creator_name:
        kind = annotation.creator_type or AgentType.PERSON
        iri = annotation.creator_iri or agent_iri(f"{kind}:{annotation.creator_name}")
        return {"id": iri, "type": kind, "name": annotation.creator_name}
    return {
        "id": agent_iri("curators"),
        "type": AgentType.ORGANIZATION,
        "name": str(COLLECTIVE_CREATOR),
    }


def resource(url: str, purpose: str) -> dict:
    return {"type": "SpecificResource", "purpose": purpose, "source": url}


def annotation_to_w3c(annotation: Annotation, base_url: str, *, include_status=False) -> dict:
    """One annotation as a W3C Web Annotation (JSON-LD); `include_status` makes it a curator's
    export (its status kept, and a link to a passage readers may not open too)."""
    base_url = base_url.rstrip("/")
    data = {
        "@context": context(include_status, base_url),
        "id": f"{base_url}/api/annotations/{annotation.uuid}/",
        "type": "Annotation",
        "motivation": W3C_MOTIVATION[annotation.motivation],
        "created": iso(annotation.created_at),
        "modified": iso(annotation.modified_at),
        "creator": creator_of(annotation),
    }
    bodies = []
    if annotation.body.strip():
        purpose = NOTE_PURPOSE.get(annotation.motivation, "commenting")
        bodies.append(
            {
                "type": "TextualBody",
                "value": annotation.body,
                "format": "text/markdown",
                "language": annotation.body_language,
                "purpose": purpose,
            }
        )
    bodies += [
        {"type": "TextualBody", "purpose": "tagging", "value": t} for t in annotation.tag_list
    ]
    # A curator's export (statuses kept) holds every link, so that an import restores it; what
    # readers get never names a passage they may not open.
    link = annotation.link_passage if include_status else annotation.readable_link
    if link:
        bodies.append(resource(passage_url(link, base_url), "linking"))
    if annotation.link_concept:
        bodies.append(resource(concept_url(annotation.link_concept, base_url), "identifying"))
    if bodies:
        data["body"] = bodies
    passage = annotation.passage
    data["target"] = {
        "source": {
            "id": passage_url(passage, base_url),
            "type": "Text",
            "format": SOURCE_FORMAT,
            "language": passage.effective_language,
        },
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.exact,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            },
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
        ],
    }
    if include_status:
        data[STATUS_KEY] = annotation.status
    return data


def page_url(id_url: str, page: int) -> str:
    """The collection IRI with `page` set (other query parameters kept)."""
    parts = urlsplit(id_url)
    query = {k: v for k, v in parse_qs(parts.query).items() if k != "page"}
    query["page"] = [str(page)]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def annotation_page(
    annotations, base_url, *, id_url, page=1, page_size=None, include_status=False, embedded=False
) -> dict:
    """One AnnotationPage of a collection; Django's EmptyPage if there is no such page."""
    base_url = base_url.rstrip("/")
    paginator = Paginator(annotations, page_size or max(1, len(annotations)))
    current = paginator.page(page)
    items = []
    for annotation in current.object_list:
        item = annotation_to_w3c(annotation, base_url, include_status=include_status)
        del item["@context"]  # items inherit the page's context
        items.append(item)
    data = {
        "id": page_url(id_url, page) if page_size else f"{id_url}#all",
        "type": "AnnotationPage",
        "startIndex": current.start_index() - 1 if paginator.count else 0,
        "items": items,
    }
    if not embedded:
        data = {
            "@context": context(include_status, base_url),
            **data,
            "partOf": {
                "id": id_url,
                "type": "AnnotationCollection",
                "label": str(COLLECTION_LABEL),
                "total": paginator.count,
            },
        }
    if current.has_next():
        data["next"] = page_url(id_url, page + 1)
    if current.has_previous() and not embedded:
        data["prev"] = page_url(id_url, page - 1)
    return data


def collection(annotations, base_url, *, id_url, page_size=None, include_status=False) -> dict:
    """An AnnotationCollection: its total and its first page embedded (all items if unpaged)."""
    base_url = base_url.rstrip("/")
    total = Paginator(annotations, 1).count
    data = {
        "@context": context(include_status, base_url),
        "id": id_url,
        "type": "AnnotationCollection",
        "label": str(COLLECTION_LABEL),
        "total": total,
    }
    if total:  # the model asks for pages only when there is something on them
        data["first"] = annotation_page(
            annotations,
            base_url,
            id_url=id_url,
            page_size=page_size,
            include_status=include_status,
            embedded=True,
        )
        if page_size:
            data["last"] = page_url(id_url, -(-total // page_size))
    return data


def annotations_in(data) -> tuple[list, list[str]]:
    """The annotations a JSON-LD document holds (collection, page, list or one), and warnings."""
    if isinstance(data, list):
        return data, []
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object or a list of annotations")
    kinds = as_list(data.get("type"))
    if "Annotation" in kinds:
        return [data], []
    if "AnnotationCollection" in kinds:
        if "first" not in data and not data.get("total"):
            return [], []
        page = data.get("first")
        if not isinstance(page, dict):
            raise ValueError("the collection's first page is only a link: export it with items")
    elif "AnnotationPage" in kinds:
        page = data
    else:
        raise ValueError(f"not an Annotation, AnnotationPage or AnnotationCollection: {kinds}")
    if not isinstance(page.get("items"), list):
        raise ValueError("the annotation page has no list of items")
    more = page.get("next")
    warnings = [f"the collection goes on at {more}: only this page was read"] if more else []
    return page["items"], warnings


def as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def passage_at(url: str, base_url: str | None, what: str) -> Passage:
    """The passage a permalink URL names, whatever its host; renamed documents followed."""
    if not isinstance(url, str) or not url:
        raise ValueError(f"{what} has no URL")
    match = PASSAGE_PATH.search(urlsplit(urljoin(base_url or "", url)).path)
    if not match:
        raise ValueError(f"{what} {url} is not a passage URL (…/documents/<slug>/<n>/)")
    document, _former = resolve_document(match["slug"])
    passage = document and document.passages.filter(n=int(match["n"])).first()
    if not passage:
        raise ValueError(f"{what} {match['slug']}:{match['n']} is not a passage of this archive")
    return passage


def annotation_uuid(value, warnings: list) -> uuid.UUID:
    """The archive id in `value`; a stable uuid5 of a foreign id, a new one if there is none."""
    if not value:
        warnings.append("no id: given a new one")
        return uuid.uuid4()
    if not isinstance(value, str):
        raise ValueError("the id must be a string")
    match = ID_PATH.search(urlsplit(value).path)
    raw = value[9:] if value.lower().startswith("urn:uuid:") else match and match["uuid"]
    if not raw:
        # A foreign id maps to the same UUID every time, so a second import is refused.
        warnings.append(f"id {value} is not an archive id: stored under a UUID derived from it")
        return uuid.uuid5(uuid.NAMESPACE_URL, value)
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise ValueError(f"id {value} holds no valid UUID") from error


def parse_time(data: dict, key: str) -> datetime | None:
    if data.get(key) is None:
        return None
    try:
        moment = datetime.fromisoformat(str(data[key]))
    except ValueError as error:
        raise ValueError(f"{key} {data[key]!r} is not an ISO 8601 date-time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def motivation_of(data: dict, bodies: list, warnings: list) -> str:
    given = [str(m).removeprefix("oa:") for m in as_list(data.get("motivation"))]
    for name in given:
        if name in ARCHIVE_MOTIVATION:
            return ARCHIVE_MOTIVATION[name]
        if name in LEGACY_MOTIVATION:
            return LEGACY_MOTIVATION[name]
    for name in given:
        if name in NEAREST_MOTIVATION:
            warnings.append(f"motivation {name!r} stored as {NEAREST_MOTIVATION[name]!r}")
            return NEAREST_MOTIVATION[name]
    if given:
        raise ValueError(
            f"unknown motivation {given[0]!r} (expected one of {', '.join(ARCHIVE_MOTIVATION)})"
        )
    purposes = [p for b in bodies if isinstance(b, dict) for p in as_list(b.get("purpose"))]
    known = ARCHIVE_MOTIVATION | LEGACY_MOTIVATION
    found = [known[p] for p in purposes if p in known and p != "tagging"]
    if found:
        return found[0]
    return "tagging" if bodies and purposes.count("tagging") == len(bodies) else "commenting"


def read_bodies(annotation: Annotation, bodies: list, base_url, warnings: list) -> None:
    """Fill the note, its language, the tags and the link or concept from the bodies."""
    notes, tags = [], []
    for body in bodies:
        if isinstance(body, dict) and "value" in body:
            value = body["value"]
            if not isinstance(value, str) or not value.strip():
                raise ValueError("a TextualBody's value must be non-empty text")
            if "tagging" in as_list(body.get("purpose")):
                if "," in value:
                    raise ValueError(f"tag {value!r} contains a comma")
                tags.append(value.strip())
                continue
            if body.get("format") not in (None, "text/markdown", "text/plain"):
                warnings.append(f"a note in {body['format']} was kept as written")
            language = str(as_list(body.get("language") or "en")[0]).split("-")[0].lower()
            if language not in Language.values:
                raise ValueError(
                    f"note language {language!r} is not one of {', '.join(Language.values)}"
                )
            notes.append(value)
            annotation.body_language = language
        else:
            read_resource(annotation, body, base_url, warnings)
    if len(notes) > 1:
        warnings.append(f"{len(notes)} notes joined into one")
    annotation.body = "\n\n".join(notes)
    annotation.tags = ", ".join(dict.fromkeys(tags))
    if len(annotation.tags) > Annotation._meta.get_field("tags").max_length:
        raise ValueError("the tags are too long together")


def read_resource(annotation: Annotation, body, base_url, warnings: list) -> None:
    url = body
    if isinstance(body, dict):
        url = body.get("source") or body.get("id")
    if not isinstance(url, str):
        raise ValueError("a body is neither text nor a resource")
    parts = urlsplit(urljoin(base_url or "", url))
    slugs = parse_qs(parts.query).get("concept")
    if slugs:
        annotation.link_concept = Concept.objects.filter(slug=slugs[0]).first()
        if not annotation.link_concept:
            raise ValueError(f"concept {slugs[0]!r} is not in the thesaurus")
    elif PASSAGE_PATH.search(parts.path):
        annotation.link_passage = passage_at(url, base_url, "linked passage")
    else:
        warnings.append(f"body {url} is not a passage or concept of the archive: left out")


def read_target(annotation: Annotation, data: dict, base_url, warnings: list) -> None:
    targets = as_list(data.get("target"))
    if len(targets) != 1:
        raise ValueError("an annotation needs exactly one target")
    target = targets[0]
    if not isinstance(target, dict) or not target.get("selector"):
        raise ValueError("the target has no selector: a TextQuoteSelector is needed")
    source = target.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    annotation.passage = passage = passage_at(source, base_url, "target")
    selectors = {s.get("type"): s for s in as_list(target["selector"]) if isinstance(s, dict)}
    quote, position = selectors.get("TextQuoteSelector"), selectors.get("TextPositionSelector")
    if not quote or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise ValueError("the target has no TextQuoteSelector with an exact quote")
    exact, prefix, suffix = quote["exact"], quote.get("prefix") or "", quote.get("suffix") or ""
    start = end = 0
    if position:
        start, end = position.get("start"), position.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise ValueError("the TextPositionSelector needs whole numbers 0 ≤ start < end")
    if not occurrences(passage.text, exact):
        raise ValueError(f"the quote {exact!r} does not occur in {passage.ref}")
    # Of several occurrences, the one whose surroundings match the stored context.
    found = anchor(passage.text, exact, prefix, suffix, start, end)
    if position and (found.start, found.end) != (start, end):
        warnings.append(f"offsets {start}–{end} did not hold the quote: found at {found.start}")
    annotation.exact, annotation.start, annotation.end = exact, found.start, found.end


def w3c_to_annotation(data, *, base_url=None, default_status=AnnotationStatus.PUBLISHED):
    """An unsaved Annotation from a W3C Web Annotation, and warnings; ValueError if unusable."""
    if not isinstance(data, dict) or "Annotation" not in as_list(data.get("type")):
        raise ValueError('not a W3C Annotation (its type must be "Annotation")')
    warnings = []
    annotation = Annotation(uuid=annotation_uuid(data.get("id"), warnings))
    bodies = as_list(data.get("body"))
    if isinstance(data.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": data["bodyValue"], "format": "text/plain"})
    annotation.motivation = motivation_of(data, bodies, warnings)
    read_bodies(annotation, bodies, base_url, warnings)
    read_target(annotation, data, base_url, warnings)
    annotation.status = data.get(STATUS_KEY, default_status)
    if annotation.status not in AnnotationStatus.values:
        raise ValueError(f"unknown status {annotation.status!r}")
    annotation.created_at = parse_time(data, "created") or annotation.created_at
    annotation.modified_at = parse_time(data, "modified")
    read_creator(annotation, data.get("creator"), warnings)
    return annotation, warnings


def read_creator(annotation: Annotation, creator, warnings: list) -> None:
    """The note's creator: an account of the archive when the agent is one (by the IRI the
    archive minted for it, or by login), else the agent as the file names it; the curators'
    own agent is no one in particular."""
    if isinstance(creator, list):
        if len(creator) > 1:
            warnings.append(f"{len(creator)} creators: only the first was kept")
        creator = creator[0] if creator else None
    if isinstance(creator, str):
        creator = {"id": creator}
    if not isinstance(creator, dict):
        return
    iri, name = creator.get("id"), creator.get("name")
    iri = iri if isinstance(iri, str) else ""
    name = name.strip() if isinstance(name, str) else ""
    if iri == agent_iri("curators"):
        return
    users = get_user_model().objects
    user = next((u for u in users.all() if agent_iri(f"user:{u.pk}") == iri), None) if iri else None
    nickname = creator.get("nickname")
    if not user and isinstance(nickname, str):
        user = users.filter(username=nickname).first()
    if user:
        annotation.creator = user
        return
    if not name and not iri:
        return
    kinds = [k for k in as_list(creator.get("type")) if k in AgentType.values]
    annotation.creator_type = kinds[0] if kinds else AgentType.PERSON
    if is_collective(name) and annotation.creator_type == AgentType.ORGANIZATION and not iri:
        return
    annotation.creator_name = name[: Annotation._meta.get_field("creator_name").max_length]
    annotation.creator_iri = iri[: Annotation._meta.get_field("creator_iri").max_length]
