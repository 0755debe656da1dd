"""Turning measurements into the printed table and the JSON record."""

import json
import math
from dataclasses import dataclass
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100), interpolated between ranks as numpy's default does."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Row:
    """One line of the table. `ratio` is ours / FTS5; `met` is None when there is no goal."""

    metric: str
    ours: float | None
    fts5: float | None = None
    goal: str = ""
    met: bool | None = None
    digits: int = 1

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.fts5:
            return None
        return self.ours / self.fts5

    def cells(self) -> list[str]:
        return [
            self.metric,
            number(self.ours, self.digits),
            number(self.fts5, self.digits),
            "—" if self.ratio is None else f"{self.ratio:.2f}×",
            self.goal or "—",
            verdict(self.met),
        ]

    def as_dict(self) -> dict:
        return {
            "metric": self.metric,
            "ours": self.ours,
            "fts5": self.fts5,
            "ratio": self.ratio,
            "goal": self.goal,
            "met": self.met,
        }


def verdict(met: bool | None) -> str:
    """A goal's "met?" cell: no goal, met, or missed (in capitals, to stand out)."""
    return {None: "—", True: "yes", False: "NO"}[met]


def number(value: float | None, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


HEADER = ["metric", "ours", "FTS5", "ratio", "goal", "met?"]
RIGHT = {1, 2, 3}


def table(rows: list[Row | str]) -> str:
    """Aligned plain-text columns; a string in `rows` is a section heading."""
    cells = [r.cells() for r in rows if isinstance(r, Row)]
    widths = [max(len(line[i]) for line in [HEADER, *cells]) for i in range(len(HEADER))]

    def line(values):
        return " | ".join(
            v.rjust(w) if i in RIGHT else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    out = [line(HEADER), rule]
    for row in rows:
        out.append(line(row.cells()) if isinstance(row, Row) else f"{row}")
    return "\n".join(out)


def simple_table(header: list[str], lines: list[list[str]], right: set[int]) -> str:
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]

    def fmt(values):
        return "  ".join(
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, lines)])


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
