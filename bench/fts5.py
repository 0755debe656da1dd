"""The baseline: the same passages in an SQLite FTS5 table, searched as the search page does.

Per query: the total, facet counts by language and by document (GROUP BY over the matches,
each facet respecting the other facets' filters, as the archive's facets do) and the top 20
by bm25 with `snippet()` and `highlight()`.
"""

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from django.db import connection

from archive.models import Document, Passage
from bench.queries import QuerySpec, fts5_match

TABLE = "passages"
INSERT_BATCH = 10_000
PAGE_SIZE = 20
FACETS = ("language", "document")


@dataclass
class Build:
    seconds: float
    rows: int
    file_bytes: int


def build(path: Path, progress: Callable[[int], None] | None = None) -> Build:
    """Create the FTS5 table in its own SQLite file and fill it with executemany, reading the
    published passages from the archive's database (the time covers both)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, language UNINDEXED, "
            'document UNINDEXED, years UNINDEXED, tokenize="unicode61 remove_diacritics 2")'
        )
        passage, document = Passage._meta.db_table, Document._meta.db_table
        sql = (
            f"SELECT p.id, p.text, p.language, d.slug, p.years FROM {passage} p "
            f"JOIN {document} d ON d.id = p.document_id "
            "WHERE p.withdrawn = %s AND d.published = %s ORDER BY p.id"
        )
        insert = f"INSERT INTO {TABLE}(rowid, text, language, document, years) VALUES (?,?,?,?,?)"
        rows = 0
        start = perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [False, True])
            while batch := cursor.fetchmany(INSERT_BATCH):
                db.executemany(
                    insert,
                    [
                        (pk, text, language, slug, ",".join(str(y) for y in json.loads(years)))
                        for pk, text, language, slug, years in batch
                    ],
                )
                rows += len(batch)
                if progress:
                    progress(rows)
        db.commit()
        seconds = perf_counter() - start
    finally:
        db.close()
    return Build(seconds, rows, path.stat().st_size)


@dataclass
class FtsRun:
    seconds: float
    count: int = 0
    hits: int = 0
    facets: dict[str, int] = field(default_factory=dict)
    error: str = ""


class Searcher:
    """One long-lived connection to the FTS5 file, as a web worker would keep."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)

    def close(self):
        self.db.close()

    @staticmethod
    def where(match: str, filters: dict[str, tuple[str, ...]], leave_out: str = ""):
        clauses, params = [f"{TABLE} MATCH ?"], [match]
        for name, values in filters.items():
            if name == leave_out or not values:
                continue
            if name in ("language", "document"):
                clauses.append(f"{name} IN ({','.join('?' * len(values))})")
                params.extend(values)
            elif name == "year":
                clauses.append(
                    "(" + " OR ".join(["(',' || years || ',') LIKE ?"] * len(values)) + ")"
                )
                params.extend(f"%,{y},%" for y in values)
            else:
                raise ValueError(f"no FTS5 filter for {name}")
        return " AND ".join(clauses), params

    def search(self, spec: QuerySpec) -> FtsRun:
        start = perf_counter()
        match = fts5_match(spec.q)
        if match is None:
            return FtsRun(perf_counter() - start, error="no FTS5 query for it")
        try:
            where, params = self.where(match, spec.filters)
            (count,) = self.db.execute(
                f"SELECT count(*) FROM {TABLE} WHERE {where}", params
            ).fetchone()
            facets = {}
            for name in FACETS:
                f_where, f_params = self.where(match, spec.filters, leave_out=name)
                rows = self.db.execute(
                    f"SELECT {name}, count(*) FROM {TABLE} WHERE {f_where} "
                    f"GROUP BY {name} ORDER BY count(*) DESC",
                    f_params,
                ).fetchall()
                facets[name] = len(rows)
            top = self.db.execute(
                f"SELECT rowid, document, language, bm25({TABLE}), "
                f"snippet({TABLE}, 0, '<mark>', '</mark>', '…', 48), "
                f"highlight({TABLE}, 0, '<mark>', '</mark>') "
                f"FROM {TABLE} WHERE {where} ORDER BY rank LIMIT ?",
                [*params, PAGE_SIZE],
            ).fetchall()
        except sqlite3.Error as error:
            return FtsRun(perf_counter() - start, error=f"{type(error).__name__}: {error}")
        return FtsRun(perf_counter() - start, count=count, hits=len(top), facets=facets)


@dataclass
class FtsResults:
    cold: list[FtsRun] = field(default_factory=list)
    warm: list[FtsRun] = field(default_factory=list)


def run_queries(path: Path, specs: list[QuerySpec]) -> FtsResults:
    searcher = Searcher(path)
    try:
        cold = [searcher.search(spec) for spec in specs]
        warm = [searcher.search(spec) for spec in specs]
    finally:
        searcher.close()
    return FtsResults(cold, warm)
