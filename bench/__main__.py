"""python -m bench --size {10k,100k,1m} [--engine solr] [--keep DIR | --reuse DIR] [--profile]
[--per-query]"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from bench import SETUP_RECORD, SIZES, check_keep, data_folder, environment, parse_size

EXPECTED = {
    "10k": "about a minute on two cores",
    "100k": "about four minutes on two cores",
    "1m": "about an hour on two cores (tagging and the rebuild take most of it), with a few GB "
    "of memory for the rebuild processes' posting pools",
}


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the archive's search against SQLite FTS5."
    )
    parser.add_argument(
        "--size",
        default="10k",
        help=f"synthetic passages: {', '.join(SIZES)} (or a number such as 25k); default 10k",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="build everything in DIR (new or empty) and keep it for inspection",
    )
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        type=Path,
        help="a folder an earlier --keep run of the same size left: its corpus (made and tagged) "
        "is reused, and everything from the rebuild on is measured again",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the slowest repeated query and print the top functions",
    )
    parser.add_argument("--per-query", action="store_true", help="print every query's timings")
    parser.add_argument(
        "--engine",
        choices=("whoosh", "solr"),
        default="whoosh",
        help="solr: also rebuild and search on SolrCloud (ARCHIVE_SOLR_URLS, as bin/with-solr "
        "sets it) and show the engines side by side",
    )
    args = parser.parse_args(argv)
    try:
        args.n = parse_size(args.size)
    except ValueError as error:
        parser.error(str(error))
    check_keep(parser, args.keep)
    if args.reuse and args.keep:
        parser.error("--keep and --reuse: give one folder")
    if args.reuse and not (args.reuse / SETUP_RECORD).exists():
        parser.error(f"--reuse {args.reuse}: no finished corpus there ({SETUP_RECORD} is missing)")
    if args.engine == "solr" and not os.environ.get("ARCHIVE_SOLR_URLS"):
        parser.error(
            "--engine solr needs ARCHIVE_SOLR_URLS (make bench ENGINE=solr runs it under "
            "bin/with-solr)"
        )
    return args


def main(argv=None) -> int:
    args = arguments(argv)
    kept = args.keep or args.reuse
    data_dir = data_folder(kept, "archive-bench-")
    expected = EXPECTED.get(args.size.strip().lower(), "depends on the size")
    if args.reuse:
        expected = "the rebuild and the queries only: its corpus is reused"
    print(
        f"Archive search benchmark: {args.n:,} synthetic passages + the seed corpus "
        f"(expected run time: {expected}).\nData folder: {data_dir}"
        + (" (kept)" if kept else " (deleted at the end)"),
        flush=True,
    )
    try:
        environment.configure(data_dir)
        from bench.corpus import BenchError
        from bench.run import run

        try:
            return run(args, data_dir)
        except BenchError as error:
            print(f"python -m bench: {error}", file=sys.stderr)
            return 2
    finally:
        if not kept:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
