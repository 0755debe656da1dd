"""The benchmark's corpus: the real seed corpus, imported by the project's importer, and a
synthetic corpus of N passages made of the seed's own sentences.

Each seed document is a *source* for synthetic documents in its language and shape: the
synthetic passages keep the seed's share of passages per source (hence per language), and are
made of 2–6 sentences sampled from that source (token streams, which have no sentences, give
runs of words instead). A fixed random seed makes every run build the same corpus.
"""

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from archive.concepts.tagging import tag_passages
from archive.ingest.catalogue import Catalogue
from archive.ingest.importer import import_paths
from archive.ingest.segment import split_sentences
from archive.models import Document, Passage, SourceShape
from bench import SETUP_RECORD
from search.engine import engine
from search.indexing import drain_if_free

SEED_CORPUS = Path(settings.BASE_DIR) / "fixtures" / "corpus"
RANDOM_SEED = 19390823
# Synthetic documents per source: N / DOCS_PER_SOURCE_DIVISOR each (N/200, at least one).
DOCS_PER_SOURCE_DIVISOR = 200
SENTENCES_PER_PASSAGE = (2, 6)
# Token streams are cut into runs of this many words to stand in for sentences.
TOKEN_RUN_WORDS = 25
INSERT_BATCH = 5_000
TAG_BATCH = 1_000


class BenchError(Exception):
    """Something the benchmark cannot measure past; the message says what and where."""


@dataclass
class SeedImport:
    seconds: float  # import, then tagging and indexing of what it queued
    import_seconds: float
    index_seconds: float
    documents: int
    passages: int
    indexed: int


def import_seed_corpus() -> SeedImport:
    """Import fixtures/corpus/ as `import_documents` does, then apply the index work it queued
    (tagging and indexing, `search.indexing.drain_if_free`) as the index worker would: the time
    covers both."""
    start = perf_counter()
    catalogue = Catalogue.load(settings.ARCHIVE_CATALOGUE)
    results = import_paths([SEED_CORPUS], catalogue)
    imported = perf_counter()
    failed = [f"{r.name}: {r.error}" for r in results if r.failed]
    if failed:
        raise BenchError("the seed corpus import failed: " + "; ".join(failed))
    drain_if_free()
    end = perf_counter()
    backend = engine()
    if not backend.setup_complete:
        backend.setup()
    indexed = backend.index.refresh().doc_count()
    return SeedImport(
        seconds=end - start,
        import_seconds=imported - start,
        index_seconds=end - imported,
        documents=Document.objects.count(),
        passages=Passage.objects.count(),
        indexed=indexed,
    )


@dataclass
class Source:
    """A seed document and the sentences synthetic passages are made of."""

    document: Document
    sentences: list[tuple[str, str]]  # (sentence, section it came from)
    passages: int  # passages of the seed document: its share of the synthetic corpus


def sources() -> list[Source]:
    found = []
    for document in Document.objects.order_by("pk"):
        sentences: list[tuple[str, str]] = []
        passages = list(document.passages.current().order_by("position"))
        for passage in passages:
            if document.shape == SourceShape.TOKENS:
                words = passage.text.split()
                parts = [
                    " ".join(words[i : i + TOKEN_RUN_WORDS])
                    for i in range(0, len(words), TOKEN_RUN_WORDS)
                ]
            else:
                parts = split_sentences(passage.text)
            sentences.extend((part, passage.section) for part in parts if part.strip())
        if sentences:
            found.append(Source(document, sentences, len(passages)))
    if not found:
        raise BenchError("the seed corpus gave no sentences to build the synthetic corpus from")
    return found


def shares(total: int, weights: list[int]) -> list[int]:
    """`total` divided in proportion to `weights` (largest remainders get the rest)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def synthetic_document(source: Document, i: int) -> Document:
    slug = f"{source.slug[:80]}-syn-{i:05d}"
    return Document(
        slug=slug,
        title=f"{source.title} (synthetic copy {i})"[:300],
        title_supplied=source.title_supplied,
        author=source.author,
        publisher=source.publisher,
        source_date=source.source_date,
        language=source.language,
        detected_language=source.detected_language,
        source_file=f"synthetic/{i:05d}-{source.source_file}"[:255],
        checksum=hashlib.sha256(slug.encode()).hexdigest(),
        encoding=source.encoding,
        source_url=source.source_url,
        source_revision=source.source_revision,
        shape=source.shape,
        # The text lives in the passages; a copy here would only double the database.
        raw_text="",
        notes="Synthetic benchmark document made of sentences of the source.",
    )


@dataclass
class Generated:
    seconds: float
    documents: int
    passages: int
    by_language: dict[str, int]
    first_pk: int  # synthetic passages have pk >= first_pk


def build_synthetic_corpus(
    n: int, *, seed: int = RANDOM_SEED, progress: Callable[[int], None] | None = None
) -> Generated:
    """N synthetic passages in documents shaped like the seed's, inserted in batches."""
    rng = random.Random(seed)
    start = perf_counter()
    first_pk = (Passage.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    found = sources()
    counts = shares(n, [s.passages for s in found])
    docs_per_source = max(1, n // DOCS_PER_SOURCE_DIVISOR)
    by_language: dict[str, int] = {}
    pending: list[Passage] = []
    inserted = documents = 0

    def flush():
        nonlocal inserted, pending
        with transaction.atomic():
            Passage.objects.bulk_create(pending)
        inserted += len(pending)
        pending = []
        if progress:
            progress(inserted)

    for source, count in zip(found, counts, strict=True):
        if not count:
            continue
        n_docs = min(docs_per_source, count)
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                synthetic_document(source.document, i) for i in range(1, n_docs + 1)
            )
        documents += len(docs)
        language = source.document.language
        by_language[language] = by_language.get(language, 0) + count
        for document, in_doc in zip(docs, shares(count, [1] * n_docs), strict=True):
            for number in range(1, in_doc + 1):
                k = rng.randint(*SENTENCES_PER_PASSAGE)
                picked = [rng.choice(source.sentences) for _ in range(k)]
                passage = Passage(
                    document=document,
                    n=number,
                    position=number,
                    section=picked[0][1],
                    text=" ".join(sentence for sentence, _ in picked),
                    language=language,
                )
                passage.derive()
                pending.append(passage)
                if len(pending) >= INSERT_BATCH:
                    flush()
    if pending:
        flush()
    return Generated(perf_counter() - start, documents, inserted, by_language, first_pk)


@dataclass
class Tagged:
    seconds: float
    passages: int
    changed: int  # passages that gained tags


def tag_synthetic(first_pk: int, progress: Callable[[int], None] | None = None) -> Tagged:
    """Tag the synthetic passages with `archive.concepts.tagging.tag_passages`, a batch at a
    time, as an import does (same queryset shape)."""
    top = Passage.objects.aggregate(top=Max("pk"))["top"] or 0
    start = perf_counter()
    changed = 0
    for low in range(first_pk, top + 1, TAG_BATCH):
        batch = Passage.objects.filter(pk__gte=low, pk__lt=low + TAG_BATCH).only(
            "pk", "text", "language"
        )
        changed += len(tag_passages(batch))
        if progress:
            progress(min(top, low + TAG_BATCH - 1) - first_pk + 1)
    seconds = perf_counter() - start
    return Tagged(seconds, Passage.objects.filter(pk__gte=first_pk).count(), changed)


def record_setup(data_dir: Path, n: int, seed: SeedImport, generated: Generated, tagged: Tagged):
    record = {
        "synthetic_passages": n,
        "seed": seed.__dict__,
        "synthetic": generated.__dict__,
        "tagging": tagged.__dict__,
    }
    (Path(data_dir) / SETUP_RECORD).write_text(json.dumps(record, indent=2))


def reused_setup(data_dir: Path, n: int) -> tuple[SeedImport, Generated, Tagged]:
    """The set-up of an earlier run in `data_dir`, as that run measured it; BenchError if the
    folder holds no finished set-up of `n` passages, or its database no longer matches it."""
    path = Path(data_dir) / SETUP_RECORD
    if not path.exists():
        raise BenchError(f"{data_dir} holds no finished corpus ({SETUP_RECORD} is missing)")
    record = json.loads(path.read_text())
    if record["synthetic_passages"] != n:
        raise BenchError(
            f"{data_dir} holds {record['synthetic_passages']:,} synthetic passages, not {n:,}"
        )
    seed = SeedImport(**record["seed"])
    generated = Generated(**record["synthetic"])
    tagged = Tagged(**record["tagging"])
    found = Passage.objects.count()
    if found != seed.passages + generated.passages:
        raise BenchError(
            f"{data_dir}: the database holds {found:,} passages, the record "
            f"{seed.passages + generated.passages:,}"
        )
    return seed, generated, tagged
