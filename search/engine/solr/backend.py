"""The Solr engine: the archive's engine seam answered by a SolrCloud collection.

Searches go to a collection alias (ARCHIVE_SOLR_COLLECTION, "archive"): plans compiled to the
JSON Query DSL (`compile`), facet filters tagged so that each facet, counted through the JSON
Facet API, leaves its own filter out. Prefix and fuzzy parts are expanded to index words read
from the terms component, by the rules Whoosh expands them by. Writes are JSON updates with a
soft commit, so an edit is searchable when `apply` returns. A rebuild fills a new collection,
points the alias at it and drops the old one: searches never see a half-built index.

It is also a haystack backend, so haystack's `update_index` and `clear_index` write through it.
"""

import functools
import json
import threading
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from haystack.backends import BaseEngine, BaseSearchBackend
from haystack.constants import DJANGO_ID, ID
from rapidfuzz.distance import OSA, Levenshtein

from search import plan
from search.engine import Engine, EngineUnavailable, IndexHit, Results
from search.engine.solr import admin
from search.engine.solr.client import CollectionMissing, SolrClient
from search.engine.solr.compile import compile_plan
from search.facets import INDEX_FIELDS

# What a hit needs from the stored fields.
HIT_FIELDS = (
    DJANGO_ID,
    "ref",
    "document",
    "n",
    "language",
    "section",
    "text",
    "document_title",
    "document_language",
    "source_file",
    "score",
)
# Seconds a write or a rebuild batch may take (a search gets the connection's TIMEOUT).
WRITE_TIMEOUT = 60.0
# Passages per request while a rebuild fills its collection, and requests in flight at once.
REBUILD_BATCH = 1000
REBUILD_REQUESTS = 2
# Word lists read from the terms component are kept this many seconds: an edit adding a new
# word makes prefixes and spelling find it at most this late.
WORDS_SECONDS = 30.0
# What a search of an alias that does not exist yet finds (as Whoosh finds in an index folder
# never built): nothing, and the search page says the index is not built yet.
NOTHING_YET = {"response": {"numFound": 0, "docs": []}, "facets": {}}


class WordLists:
    """Index words of a field beginning with a few letters, with how often each occurs, read
    from the terms component and kept a short while (prefixes, fuzzy words and spelling ask
    for the same few lists again and again)."""

    def __init__(self, fetch, size: int = 512):
        self.fetch, self.size = fetch, size
        self.kept: dict[tuple, tuple[float, dict[str, int]]] = {}
        self.lock = threading.Lock()

    def get(self, collection: str, field: str, prefix: str) -> dict[str, int]:
        key = (collection, field, prefix)
        with self.lock:
            found = self.kept.get(key)
        if found and time.monotonic() - found[0] < WORDS_SECONDS:
            return found[1]
        words = self.fetch(field, prefix)
        with self.lock:
            if len(self.kept) >= self.size:
                self.kept.clear()
            self.kept[key] = (time.monotonic(), words)
        return words

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()


class SolrEngine(BaseSearchBackend, Engine):
    """The archive's passages in a SolrCloud collection alias (see module docstring)."""

    name = "solr"

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.alias = options.get("COLLECTION", "archive")
        self.configset = options.get("CONFIGSET", "archive")
        self.shards = int(options.get("SHARDS", 1))
        self.replicas = int(options.get("REPLICAS", 1))
        self.client = SolrClient(options.get("URLS", ()), timeout=float(options.get("TIMEOUT", 5)))
        self.words = WordLists(self.terms)
        self._behind: tuple[float, str | None] = (0.0, None)

    # Searching ---------------------------------------------------------------------------

    def select(self, request: dict) -> dict:
        """A JSON request to the collection's search handler."""
        try:
            return self.client.request("POST", f"{self.alias}/select", body=request)
        except CollectionMissing:
            return NOTHING_YET

    def run(self, query, *, filters=None, sort=(), start=0, end=20, facets=INDEX_FIELDS):
        filters = plan.active(filters)
        request = {
            "query": compile_plan(query, self.words_for),
            # Tagged with the field's name: its facet leaves its own filter out.
            "filter": [{f"#{field}": filter_query(field, vals)} for field, vals in filters.items()],
            "offset": start,
            "limit": max(0, end - start),
            "fields": ",".join(HIT_FIELDS),
            # Ties are broken by the passage, so every replica gives the same pages.
            "sort": ", ".join([*(order(field) for field in sort), "score desc", f"{ID} asc"]),
        }
        if facets:
            request["facet"] = {
                "processEmpty": True,
                **{
                    field: {
                        "type": "terms",
                        "field": field,
                        "limit": -1,
                        "mincount": 1,
                        "domain": {"excludeTags": field},
                    }
                    for field in facets
                },
            }
        answer = self.select(request)
        found = answer.get("facets", {})
        counts = {
            field: {str(b["val"]): b["count"] for b in found.get(field, {}).get("buckets", ())}
            for field in facets
        }
        docs = answer["response"]["docs"]
        return Results([self.hit(doc) for doc in docs], answer["response"]["numFound"], counts)

    @staticmethod
    def hit(doc: dict) -> IndexHit:
        return IndexHit(
            pk=int(doc[DJANGO_ID]),
            ref=doc["ref"],
            slug=doc["document"],
            n=int(doc["n"]),
            language=doc["language"],
            section=doc.get("section") or "",
            text=doc["text"],
            document_title=doc.get("document_title", ""),
            document_language=doc.get("document_language", ""),
            source_file=doc.get("source_file", ""),
            score=float(doc.get("score") or 0.0),
        )

    def generation(self) -> tuple:
        """The alias, its collection, how many passages it holds and its latest version: every
        write gives a new version (or fewer passages), every rebuild a new collection."""
        answer = self.select({"query": "*:*", "limit": 0, "facet": {"v": "max(_version_)"}})
        version = answer.get("facets", {}).get("v")
        return (self.alias, self.collection(), answer["response"]["numFound"], version)

    def collection(self) -> str | None:
        """The collection the alias points at now (looked up at most once a second)."""
        looked, name = self._behind
        if time.monotonic() - looked > 1.0:
            name = self.behind_alias()
            self._behind = (time.monotonic(), name)
        return name

    def behind_alias(self) -> str | None:
        """The collection the alias points at, if it exists (one: the engine never makes an
        alias of several)."""
        # Through the engine's client: a search waits seconds for a node, not minutes.
        answer = self.client.request("GET", "admin/collections", params={"action": "LISTALIASES"})
        found = answer.get("aliases", {}).get(self.alias)
        return found.split(",")[0] if found else None

    def passage_count(self) -> int:
        return self.select({"query": "*:*", "limit": 0})["response"]["numFound"]

    def doc_frequency(self, field: str, word: str) -> int:
        query = {"term": {"f": field, "query": word}}
        return self.select({"query": query, "limit": 0})["response"]["numFound"]

    def terms(self, field: str, prefix: str) -> dict[str, int]:
        """Every index word of `field` beginning with `prefix`, with its total frequency."""
        request = functools.partial(
            self.client.request,
            "GET",
            f"{self.alias}/terms",
            params={
                "terms.fl": field,
                "terms.prefix": prefix,
                "terms.limit": -1,
                "terms.mincount": 1,
                "terms.sort": "index",
                "terms.ttf": "true",
                "json.nl": "map",
            },
        )
        try:
            found = request().get("terms", {}).get(field, {})
        except CollectionMissing:
            return {}
        return {w: (c["ttf"] if isinstance(c, dict) else c) for w, c in found.items() if w}

    def words_for(self, part: plan.Expanding) -> list[str]:
        """The index words a prefix or fuzzy part stands for: words beginning with the prefix;
        words sharing the first letters and within the edit distance (Damerau-Levenshtein with
        adjacent transpositions, as Whoosh's reader compares them)."""
        if isinstance(part, plan.Prefix):
            return sorted(self.words.get(self.alias, part.field, part.text))
        known = self.words.get(self.alias, part.field, part.text[: part.prefix])
        return sorted(
            w
            for w in known
            if abs(len(w) - len(part.text)) <= part.maxdist
            and OSA.distance(w, part.text, score_cutoff=part.maxdist) <= part.maxdist
        )

    def expansions(self, parts: Iterable[plan.Expanding]) -> set[str]:
        return {word for part in parts for word in self.words_for(part)}

    def closest_words(self, field: str, word: str) -> dict[str, int]:
        """Words within two edits (Levenshtein, as Whoosh's word-list automaton) sharing the
        first letter, each with its total frequency."""
        known = self.words.get(self.alias, field, word[:1])
        return {
            w: n
            for w, n in known.items()
            if w != word and Levenshtein.distance(w, word, score_cutoff=2) <= 2
        }

    def held(self) -> dict[int, str]:
        """Every entry's passage and digest, read page by page with a cursor."""
        found, cursor = {}, "*"
        while True:
            answer = self.request_missing_ok(
                "GET",
                f"{self.alias}/select",
                params={
                    "q": "*:*",
                    "fl": f"{DJANGO_ID},digest",
                    "sort": f"{ID} asc",
                    "rows": 5000,
                    "cursorMark": cursor,
                },
                timeout=WRITE_TIMEOUT,
            )
            if answer is None:
                return found
            for doc in answer["response"]["docs"]:
                found[int(doc[DJANGO_ID])] = doc.get("digest")
            if answer["nextCursorMark"] == cursor:
                return found
            cursor = answer["nextCursorMark"]

    def status(self) -> dict:
        _, collection, count, version = self.generation()
        return {
            "passages": count,
            "alias": self.alias,
            "collection": collection,
            "version": version,
            "nodes": sorted(
                admin.collections(self.client.urls, "CLUSTERSTATUS")["cluster"]["live_nodes"]
            ),
        }

    # Writing -----------------------------------------------------------------------------

    def request_missing_ok(self, *args, **kwargs) -> dict | None:
        try:
            return self.client.request(*args, **kwargs)
        except CollectionMissing:
            return None

    def apply(self, upserts, deletes, *, merge=True) -> None:
        """Deletes and updates in one request, soft-committed: searchable when it returns. The
        first write to an alias that does not exist yet makes its collection. (Solr merges its
        segments itself: `merge` changes nothing.)"""
        try:
            self.send(self.alias, upserts, deletes, soft_commit=True)
        except CollectionMissing:
            admin.set_alias(self.client.urls, self.alias, self.new_collection())
            self._behind = (0.0, None)
            self.send(self.alias, upserts, deletes, soft_commit=True)
        self.words.clear()

    def new_collection(self) -> str:
        """A new, empty collection for the alias, named for when it was made."""
        name = f"{self.alias}_{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
        admin.create_collection(
            self.client.urls, name, self.configset, shards=self.shards, replicas=self.replicas
        )
        return name

    def send(self, collection: str, upserts, deletes=(), *, soft_commit=False):
        """Send entries and deletions to a collection as one JSON update request."""
        deletes = [f"archive.passage.{pk}" for pk in deletes]
        if not upserts and not deletes:
            return
        # Solr's update commands are a JSON object whose keys repeat ("add" once per entry).
        commands = [f'"delete": {json.dumps(deletes)}'] if deletes else []
        commands += [f'"add": {{"doc": {json.dumps(document(entry))}}}' for entry in upserts]
        params = {"softCommit": "true"} if soft_commit else {}
        self.client.request(
            "POST",
            f"{collection}/update",
            params=params,
            body="{" + ", ".join(commands) + "}",
            timeout=WRITE_TIMEOUT,
        )

    def rebuild(self, batches, *, total, processes=None, progress=None) -> int:
        """Fill a new collection, point the alias at it, drop the one it pointed at before."""
        previous = self.behind_alias()
        fresh = self.new_collection()
        try:
            done = 0
            with ThreadPoolExecutor(max_workers=processes or REBUILD_REQUESTS) as pool:
                pending = []
                for batch in batches:
                    pending.append(pool.submit(self.send, fresh, batch))
                    done += len(batch)
                    if len(pending) > 2 * (processes or REBUILD_REQUESTS):
                        pending.pop(0).result()
                    if progress:
                        progress(done, total)
                for future in pending:
                    future.result()
            self.client.request(
                "POST", f"{fresh}/update", body={"commit": {}}, timeout=WRITE_TIMEOUT
            )
            count = self.client.request("GET", f"{fresh}/select", params={"q": "*:*", "rows": 0})
            count = count["response"]["numFound"]
            admin.set_alias(self.client.urls, self.alias, fresh)
        except BaseException:
            admin.delete_collection(self.client.urls, fresh)
            raise
        self._behind = (0.0, None)
        self.words.clear()
        if previous and previous != fresh:
            # Searches that began on it have their answers; the next go to the new one.
            admin.delete_collection(self.client.urls, previous)
        return count

    def drop(self) -> None:
        """Remove the alias and the collection behind it (a test's throwaway index)."""
        behind = self.behind_alias()
        if behind:
            admin.collections(self.client.urls, "DELETEALIAS", name=self.alias)
            admin.delete_collection(self.client.urls, behind)

    # haystack's backend API (update_index, clear_index) ------------------------------------

    def update(self, index, iterable, commit=True):
        for start in range(0, len(items := list(iterable)), REBUILD_BATCH):
            self.apply([index.full_prepare(o) for o in items[start : start + REBUILD_BATCH]], [])

    def remove(self, obj_or_string, commit=True):
        pk = str(obj_or_string).rsplit(".", 1)[-1]
        self.apply([], [int(pk)])

    def clear(self, models=None, commit=True):
        self.client.request(
            "POST",
            f"{self.alias}/update",
            params={"softCommit": "true"},
            body={"delete": {"query": "*:*"}},
            timeout=WRITE_TIMEOUT,
        )

    def search(self, query_string, **kwargs):
        raise EngineUnavailable("Search through engine().run: haystack's SearchQuerySet is unused.")


def filter_query(field: str, values) -> dict:
    """Passages holding any of `values` in `field`, or a value in a `plan.Range`. Range ends are
    written with four digits: the field holds years as four-digit strings, which then compare
    as the numbers do."""
    if isinstance(values, plan.Range):
        low = "*" if values.low is None else f"{min(max(values.low, 0), 9999):04d}"
        high = "*" if values.high is None else f"{min(max(values.high, 0), 9999):04d}"
        return {"lucene": {"query": f"{field}:[{low} TO {high}]"}}
    return {"bool": {"should": [{"term": {"f": field, "query": v}} for v in values]}}


def order(field: str) -> str:
    return f"{field[1:]} desc" if field.startswith("-") else f"{field} asc"


def document(entry: dict) -> dict:
    """The fields Solr stores for a prepared index entry."""
    return {k: v for k, v in entry.items() if k != "boost" and v is not None}


class ArchiveSolrEngine(BaseEngine):
    backend = SolrEngine
