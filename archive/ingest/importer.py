"""Importing source files: read, segment and detect, then store as a new document or a revision."""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from archive.aliases import resolve_document
from archive.concepts.tagging import tag_passages
from archive.ingest.align import Change, align
from archive.ingest.catalogue import Catalogue, CatalogueEntry
from archive.ingest.language import detect_language
from archive.ingest.readers import ParsedSource, reader_for
from archive.ingest.segment import Segment, segment
from archive.ingest.source import SourceError, SourceText, read_source
from archive.models import Document, Passage, PassageRevision, RevisionReason
from archive.signals import announce_passages_changed

logger = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A source read and cut into passages, ready to store."""

    source: SourceText
    parsed: ParsedSource
    segments: list[Segment]
    language: str


@dataclass
class ImportResult:
    """What importing one file did, or why it failed."""

    name: str
    status: str  # "created", "unchanged", "revised" or "failed"
    document: Document | None = None
    changes: Counter = field(default_factory=Counter)
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def prepare(source: SourceText) -> Prepared:
    """Read a decoded source into passages and detect its language; no database involved."""
    reader = reader_for(source.text)
    parsed = reader.read(source.text)
    segments = segment(parsed.blocks, token_stream=reader.shape == "tokens")
    if not segments:
        raise SourceError(f"no readable text was found (read as {reader.shape})")
    language = detect_language(" ".join(s.text for s in segments))
    return Prepared(source, parsed, segments, language)


def web_address(url: str) -> str:
    """A source URL kept only if it is a web address (a javascript: URL in front matter is not)."""
    return url if url.startswith(("https://", "http://")) else ""


def unique_slug(base: str) -> str:
    """A slug no document has or had (a former slug still leads to its document): base, or
    base-2, base-3, …"""
    base = slugify(base)[:90].strip("-") or "document"
    slug, i = base, 1
    while resolve_document(slug)[0]:
        i += 1
        slug = f"{base}-{i}"
    return slug


def new_passages(
    document: Document, segments: list[Segment], first_n: int, positions: Iterable[int]
) -> list[Passage]:
    """Passage objects (unsaved) for segments, numbered from first_n."""
    passages = []
    for offset, (seg, position) in enumerate(zip(segments, positions, strict=True)):
        passage = Passage(
            document=document,
            n=first_n + offset,
            position=position,
            section=seg.section,
            text=seg.text,
            language=document.language,
        )
        passage.derive()
        passages.append(passage)
    return passages


def store_passages(passages: list[Passage], reason: str) -> None:
    """Save new passages with their first revision."""
    Passage.objects.bulk_create(passages)
    PassageRevision.objects.bulk_create(
        PassageRevision(passage=p, number=1, text=p.text, section=p.section, reason=reason)
        for p in passages
    )


def insert_document(fixed_slug: str, slug_base: str, **fields) -> Document:
    """Store a new document under its catalogue slug, or the first free slug of its title —
    taking the next one if a concurrent import claimed it between the check and the insert."""
    for _ in range(20):
        slug = fixed_slug or unique_slug(slug_base)
        try:
            with transaction.atomic():
                return Document.objects.create(slug=slug, **fields)
        except IntegrityError:
            if fixed_slug or not Document.objects.filter(slug=slug).exists():
                raise
    raise SourceError("no free slug could be found for its title; give one in the catalogue")


def create_document(prepared: Prepared, entry: CatalogueEntry) -> Document:
    """A new document with its passages, numbered 1… in reading order."""
    parsed, source = prepared.parsed, prepared.source
    title = parsed.title or entry.title or Path(source.name).stem
    language = entry.language or prepared.language
    if not language:
        raise SourceError("its language could not be detected; give it in the catalogue")
    document = insert_document(
        entry.slug,
        title,
        title=title,
        title_supplied=not parsed.title,
        author=entry.author,
        publisher=entry.publisher,
        source_date=entry.source_date or parsed.source_date,
        language=language,
        detected_language=prepared.language,
        source_file=source.name,
        checksum=source.checksum,
        encoding=source.encoding,
        source_url=web_address(parsed.source_url or entry.source_url),
        source_revision=parsed.source_revision,
        shape=parsed.shape,
        raw_text=source.text,
        notes=entry.notes,
    )
    positions = range(1, len(prepared.segments) + 1)
    first = document.next_passage_number()
    store_passages(
        new_passages(document, prepared.segments, first, positions), RevisionReason.IMPORT
    )
    return document


# The reason a re-import's revision records, by change; a correction in place is REIMPORT.
REVISION_REASONS = {Change.MOVE: RevisionReason.MOVE, Change.RESTORE: RevisionReason.RESTORE}


def follow_source(passage: Passage, seg: Segment, position: int, change: Change) -> Change:
    """Give a passage its place, text and section in the revised source; a change of text or
    section, a move and a return are recorded as a revision, which re-anchors its annotations.
    Returns the change as counted: a kept passage under a renamed heading is revised."""
    passage.position = position
    if change == Change.KEEP and passage.section == seg.section:
        passage.save(update_fields=["position", "updated_at"])
        return change
    change = Change.REVISE if change == Change.KEEP else change
    if change == Change.RESTORE:
        # withdrawn_at stays: the history says when the passage was out of the source.
        passage.withdrawn = False
    reason = REVISION_REASONS.get(change, RevisionReason.REIMPORT)
    if not passage.revise(seg.text, section=seg.section, reason=reason):
        # The same words and heading in another place, or back: the history still says so.
        passage.save()
        passage.record_revision(reason=reason)
    return change


def revise_document(document: Document, prepared: Prepared) -> Counter:
    """Bring a document in line with a revised source, keeping every published number: a text
    kept, corrected or moved keeps its passage, a text that comes back gets its withdrawn one."""
    old = list(document.passages.current().order_by("position"))
    # A merged or split passage's number leads to the passages that replaced it: it stays so.
    gone = list(
        document.passages.filter(withdrawn=True)
        .exclude(n__in=document.passage_aliases.values("n"))
        .order_by("n")
    )
    new = prepared.segments
    steps = align([p.text for p in old], [s.text for s in new], [p.text for p in gone])
    # Positions are reassigned below; clearing them first keeps the uniqueness rule satisfied.
    document.passages.update(position=None)
    next_n = document.next_passage_number()
    changes: Counter = Counter()
    for step in steps:
        if step.change == Change.WITHDRAW:
            old[step.old].withdraw()
            changes[step.change] += 1
        elif step.change == Change.NEW:
            store_passages(
                new_passages(document, [new[step.new]], next_n, [step.new + 1]),
                RevisionReason.REIMPORT,
            )
            next_n += 1
            changes[step.change] += 1
        else:
            passage = (gone if step.change == Change.RESTORE else old)[step.old]
            changes[follow_source(passage, new[step.new], step.new + 1, step.change)] += 1
    source, parsed = prepared.source, prepared.parsed
    document.checksum, document.encoding, document.raw_text = (
        source.checksum,
        source.encoding,
        source.text,
    )
    document.shape, document.detected_language = parsed.shape, prepared.language
    document.source_revision = parsed.source_revision or document.source_revision
    document.source_date = parsed.source_date or document.source_date
    document.source_url = web_address(parsed.source_url) or document.source_url
    document.save()
    return changes


def import_file(path: Path, catalogue: Catalogue, *, dry_run: bool = False) -> ImportResult:
    """Import one source file; nothing is stored if it fails or if this is a dry run."""
    try:
        source = read_source(path, max_bytes=settings.ARCHIVE_MAX_SOURCE_BYTES)
        existing = Document.objects.filter(source_file=source.name).first()
        if existing and existing.checksum == source.checksum:
            return ImportResult(source.name, "unchanged", existing)
        # The catalogue speaks only for a file's first import.
        entry = None if existing else catalogue.entry_for(source.name)
        prepared = prepare(source)
        with transaction.atomic():
            if existing:
                changes = revise_document(existing, prepared)
                result = ImportResult(source.name, "revised", existing, changes)
            else:
                document = create_document(prepared, entry)
                result = ImportResult(
                    source.name, "created", document, Counter({Change.NEW: len(prepared.segments)})
                )
            tag_passages(result.document.passages.all())
            # Reindexing happens when the transaction commits; a dry run never commits.
            announce_passages_changed(result.document.passages.values_list("pk", flat=True))
            transaction.set_rollback(dry_run)
        return result
    except SourceError as error:
        return ImportResult(path.name, "failed", error=str(error))
    except Exception as error:
        # A bug or a database failure on one file must not stop the rest of the run; the
        # transaction above has already put this document back as it was.
        logger.exception("Import of %s failed", path)
        return ImportResult(
            path.name, "failed", error=f"unexpected error ({type(error).__name__}: {error})"
        )


def source_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the visible files inside the folders named, in name order; a file
    named twice (itself and its folder) is listed once."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def same_named(files: list[Path]) -> dict[Path, list[Path]]:
    """Files that share their name with another file of the run, with all the files of that name.
    A file name is a document's identity: the second would be taken for a revision of the first."""
    by_name = defaultdict(list)
    for path in files:
        by_name[path.name].append(path)
    return {path: group for group in by_name.values() if len(group) > 1 for path in group}


def import_paths(
    paths: Iterable[Path],
    catalogue: Catalogue,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int, ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import every source file under the given paths; one bad file does not stop the others."""
    files = source_files(paths)
    twins = same_named(files)
    results = []
    for i, path in enumerate(files, 1):
        if not path.exists():
            result = ImportResult(path.name, "failed", error=f"no such file or folder: {path}")
        elif path in twins:
            result = ImportResult(
                path.name,
                "failed",
                error=f"{len(twins[path])} files of this run are named {path.name} ("
                + ", ".join(map(str, twins[path]))
                + "); a file name identifies its document, so rename all but one",
            )
        else:
            result = import_file(path, catalogue, dry_run=dry_run)
        results.append(result)
        if progress:
            progress(i, len(files), result)
    return results
