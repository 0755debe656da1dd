"""Benchmarks of the archive's search, run through the project's own code (`make bench`).

python -m bench --size 10k        # about a minute on two cores
python -m bench --size 100k       # about four minutes
python -m bench --size 1m         # about an hour
python -m bench --size 10k --keep /tmp/bench-data --profile
python -m bench --size 1m --reuse /tmp/bench-data   # a kept folder's corpus, measured again

Everything happens in a temporary data folder (database, Whoosh index, FTS5 baseline), removed
at the end unless `--keep DIR` is given. Results are printed as a table and written as JSON to
bench/results/<size>-<timestamp>.json.

Modules other than `bench.environment` import Django models: import them after `setup()`.
"""

import tempfile
from pathlib import Path

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# Written into the data folder once the corpus is made and tagged: what `--reuse` reads back.
SETUP_RECORD = "bench-corpus.json"


def parse_size(text: str) -> int:
    """A corpus size: one of SIZES, or a number with an optional k/m suffix ("25k")."""
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    digits = text[:-1] if factor > 1 else text
    if not digits.isdigit() or int(digits) * factor < 1:
        raise ValueError(f"not a corpus size: {text!r} (use 10k, 100k or 1m)")
    return int(digits) * factor


def data_folder(keep: Path | None, prefix: str) -> Path:
    """Where a benchmark builds its archive: `keep` (made if missing, kept afterwards), or a new
    temporary folder the benchmark removes at the end."""
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        return keep.resolve()
    return Path(tempfile.mkdtemp(prefix=prefix))


def check_keep(parser, keep: Path | None) -> None:
    """Refuse a --keep folder that holds anything: a benchmark must start from nothing."""
    if keep and keep.exists() and any(keep.iterdir()):
        parser.error(f"--keep {keep}: the folder is not empty")
