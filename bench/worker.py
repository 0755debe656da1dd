"""A stand-in for a web worker: a fresh process that opens the benchmark's archive, runs the
query set once and reports its memory. Started by the benchmark as

python -m bench.worker DATA_DIR [ENGINE]

and prints one JSON object on stdout. Its peak is VmHWM: ru_maxrss would not do, as a child
started with vfork/exec (as subprocess does) inherits its parent's peak in it.
"""

import json
import resource
import sys
from pathlib import Path
from time import perf_counter


def main(argv: list[str]) -> int:
    from bench import environment
    from bench.memory import status_kib

    environment.configure(Path(argv[0]), *argv[1:2])
    from bench.ours import run_query
    from bench.queries import QUERIES

    start = perf_counter()
    runs = [run_query(spec) for spec in QUERIES]
    print(
        json.dumps(
            {
                "status_kib": status_kib(),
                "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "seconds": perf_counter() - start,
                "queries": len(runs),
                "errors": sum(1 for r in runs if r.error),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
