"""Load benchmark of the archive as deployed: `python -m bench.load [--seconds 60] [--users 8]`.

1. A temporary data folder as `make setup` leaves it: tables, thesaurus, the seed corpus, the seed
   annotations (fixtures/annotations.jsonld) and, with --size, a synthetic corpus (bench/corpus.py).
2. The real stack on loopback: `bin/serve` (gunicorn with config/gunicorn.conf.py, and
   `manage.py index_worker` beside it) with ARCHIVE_DATA_DIR set and DEBUG off, on a free port of
   127.0.0.1.
3. For --seconds: --users client threads search as fast as answers come (closed loop) — the API and
   the search page, with the fixed mixed query set of bench/queries.py and random facet filters —
   and read passages, while an editor (a separate Django process, `manage.py shell -c`) revises a
   passage every --edit-interval seconds, each in its own transaction announcing the change. A
   probe measures how soon each edit can be found by a search.
4. The queue is left to drain, `manage.py check_index` compares the index with the database, the
   server is stopped (also on Ctrl-C or SIGTERM) and the folder removed (unless --keep).

Prints requests, throughput, p50/p95/p99 latency and errors per kind of request, the edits
applied and how soon they were searchable, and the load's goals with whether each was met
(bench/load_report.py); writes the same to bench/results/load-<time>.json.

The load generator is a pool of threads using http.client, not locust: locust runs on gevent, whose
monkey-patching of sockets and threads does not mix with the Django set-up and the editor and
probe threads here, and it brings a web UI and a distributed mode this benchmark has no use for.
A closed loop of threads is enough to saturate a 2-core server (it spends its time waiting on the
socket, not computing), needs nothing beyond the standard library, and is easy to bound. Traffic
goes only to 127.0.0.1; every loop stops at the deadline.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import urlencode

from bench import check_keep, data_folder, parse_size

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only
MAX_SECONDS = 600
MAX_USERS = 64
PROBE_LIMIT_S = 30.0  # an edit not searchable this long after its commit counts as never found
DRAIN_LIMIT_S = 120.0
REQUEST_TIMEOUT_S = 30.0
# What a reader does, and how often: search through the API, on the page, read a passage.
MIX = [("api search", 0.7), ("page search", 0.2), ("passage page", 0.1)]
LANGUAGES = ("hr", "ro", "en")
YEARS = ("1920", "1926", "1939", "1940", "1941")

EDITOR = r"""
import json, random, sys, time
from django.db import transaction
from archive.models import Passage
from archive.signals import announce_passages_changed

deadline = time.monotonic() + {seconds}
interval = {interval}
rng = random.Random(1941)
passages = list(
    Passage.objects.published().exclude(document__source_file__startswith="synthetic/")
    .select_related("document").order_by("pk")
)
originals = {{p.pk: p.text for p in passages}}
letters = "abcdefghijklmnopqrstuvwxyz"
k = applied = 0
rng.shuffle(passages)  # each passage in turn: a word is not replaced before it is probed
while time.monotonic() < deadline:
    p = passages[k % len(passages)]
    word = "Loadedit" + "".join(letters[k // 26 ** i % 26] for i in range(3)) + "qz"
    k += 1
    try:
        with transaction.atomic():
            p.refresh_from_db()
            p.revise(originals[p.pk] + " " + word, reason="edit")
            announce_passages_changed([p.pk])
    except Exception as error:
        print("EDITERR " + type(error).__name__ + ": " + str(error)[:200], flush=True)
    else:
        applied += 1
        print(f"EDIT {{time.time():.3f}} {{word}} {{p.ref}}", flush=True)
    time.sleep(interval)
print("EDITOR DONE " + json.dumps({{"applied": applied}}), flush=True)
"""


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load the archive's real stack (gunicorn + index worker) on loopback.",
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument("--users", type=int, default=8, help="concurrent client threads (8)")
    parser.add_argument(
        "--size",
        default="0",
        help="synthetic passages added to the seed corpus: 0 (default), 10k, 25k, …",
    )
    parser.add_argument(
        "--edit-interval", type=float, default=0.5, help="seconds between edits (0.5)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument(
        "--without-annotations",
        action="store_true",
        help="leave out the seed annotations (fixtures/annotations.jsonld)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it")
    parser.add_argument("--seed", type=int, default=1939, help="random seed of the clients")
    parser.add_argument(
        "--no-write", action="store_true", help="print the report only (no JSON file)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be between 1 and {MAX_SECONDS}")
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be between 1 and {MAX_USERS}")
    try:
        args.n = 0 if args.size.strip() in ("", "0") else parse_size(args.size)
    except ValueError as error:
        parser.error(str(error))
    check_keep(parser, args.keep)
    return args


def say(text: str) -> None:
    print(text, flush=True)


# Setting up ------------------------------------------------------------------------------------


def set_up(data_dir: Path, n: int, annotations: bool = True) -> dict:
    """A data folder as `make setup` leaves it (plus n synthetic passages), built in-process."""
    from bench import environment

    environment.configure(data_dir)
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count

    from annotations.models import Annotation
    from archive.models import Concept, Document, Passage
    from bench import corpus

    started = time.perf_counter()
    environment.prepare_database()
    seed = corpus.import_seed_corpus()
    say(f"seed corpus: {seed.documents} documents, {seed.passages} passages")
    if annotations:
        with open(os.devnull, "w") as quiet:
            call_command(
                "import_annotations",
                str(PROJECT / "fixtures" / "annotations.jsonld"),
                skip_existing=True,
                stdout=quiet,
                stderr=quiet,
            )
    if n:
        say(f"synthetic corpus: {n:,} passages …")
        generated = corpus.build_synthetic_corpus(n)
        corpus.tag_synthetic(generated.first_pk)
    say("building the index (manage.py rebuild_index) …")
    call_command("rebuild_index", interactive=False, verbosity=0)
    concepts = list(
        Concept.objects.annotate(tagged=Count("passages"))
        .order_by("-tagged", "slug")
        .values_list("slug", flat=True)[:8]
    )
    passages = list(
        Passage.objects.published()
        .exclude(document__source_file__startswith="synthetic/")
        .values_list("document__slug", "n")
    )
    info = {
        "synthetic_passages": n,
        "documents": Document.objects.count(),
        "passages": Passage.objects.published().count(),
        "annotations": Annotation.objects.readable().count(),
        "setup_seconds": round(time.perf_counter() - started, 1),
        "concepts": concepts,
        "seed_passages": passages,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }
    connections.close_all()
    return info


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Stack:
    """`bin/serve` (gunicorn + index worker) for the data folder, in a process group of its own."""

    def __init__(self, data_dir: Path, port: int, workers: int | None):
        self.port = port
        self.log_path = data_dir / "serve.log"
        env = dict(os.environ)  # bench.environment has pointed everything at data_dir
        env.update(
            HOST=HOST,
            PORT=str(port),
            BIN=str(Path(sys.executable).parent),
            DEBUG="0",
            GUNICORN_LOG_LEVEL="warning",
            PYTHONUNBUFFERED="1",
        )
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            ["bash", "bin/serve"],
            cwd=PROJECT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bin/serve stopped at start:\n{self.tail()}")
            with suppress(OSError, http.client.HTTPException):
                status, _ = get(self.port, "/api/documents/", timeout=5)
                if status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to bin/serve (it stops gunicorn and the worker), SIGKILL if it lingers."""
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(45)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        self.log.close()


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT_S, conn=None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


# The load ---------------------------------------------------------------------------------------


class Load:
    def __init__(self, args, setup: dict, port: int):
        from bench.queries import QUERIES

        self.queries = QUERIES
        self.args = args
        self.setup = setup
        self.port = port
        self.samples = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = time.perf_counter()

    def path(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        if kind == "passage page":
            slug, n = rng.choice(self.setup["seed_passages"])
            return kind, f"/documents/{slug}/{n}/"
        spec = rng.choice(self.queries)
        params: list[tuple[str, str]] = [("q", spec.q)]
        params += [(k, v) for k, values in spec.filters.items() for v in values]
        extra = rng.random()
        if extra < 0.2:
            params.append(("language", rng.choice(LANGUAGES)))
        elif extra < 0.35:
            params.append(("year", rng.choice(YEARS)))
        elif extra < 0.5 and self.setup["concepts"]:
            params.append(("concept", rng.choice(self.setup["concepts"])))
        base = "/api/search/" if kind == "api search" else "/search/"
        return kind, f"{base}?{urlencode(params)}"

    def user(self, seed: int) -> None:
        from bench.load_report import Sample

        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        while not self.stop.is_set():
            kind, path = self.path(rng)
            started = time.perf_counter()
            status, error = 0, ""
            try:
                status, _ = get(self.port, path, conn=conn)
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
            end = time.perf_counter()
            if self.stop.is_set() and end - self.t0 > self.args.seconds:
                break  # answered after the deadline: not part of the measured window
            with self.lock:
                self.samples.append(
                    Sample(kind, started - self.t0, end - started, status, path, error)
                )
        conn.close()


class Editor:
    """`manage.py shell -c` revising passages; a probe times when each edit becomes searchable."""

    def __init__(self, args, port: int):
        from bench.load_report import Edits

        self.port = port
        self.edits = Edits()
        self.pending: list[tuple[float, str]] = []
        self.found_words: list[str] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        script = EDITOR.format(seconds=args.seconds, interval=args.edit_interval)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=PROJECT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.prober = threading.Thread(target=self.probe, daemon=True)
        self.reader.start()
        self.prober.start()

    def read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("EDIT "):
                _, when, word, _ref = line.split()
                with self.lock:
                    self.edits.applied += 1
                    self.pending.append((float(when), word))
            elif line.startswith("EDITERR "):
                with self.lock:
                    self.edits.failed += 1
                    self.edits.errors[line[8:].split(":")[0]] += 1
        self.done.set()

    def probe(self) -> None:
        """Search for the newest edit's word until it is found (then the next newest)."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        while not (self.done.is_set() and not self.pending):
            with self.lock:
                item = self.pending.pop() if self.pending else None
                self.pending.clear()  # older edits are skipped: one probe at a time
            if item is None:
                time.sleep(0.05)
                continue
            committed, word = item
            path = "/api/search/?" + urlencode({"q": word, "expand": "0"})
            while True:
                try:
                    status, body = get(self.port, path, conn=conn)
                    found = status == 200 and json.loads(body)["count"] >= 1
                except (OSError, http.client.HTTPException, ValueError):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
                    found = False
                waited = time.time() - committed
                if found:
                    with self.lock:
                        self.edits.freshness.append(waited)
                        self.found_words.append(word)
                    break
                if waited > PROBE_LIMIT_S:
                    with self.lock:
                        self.edits.unresolved += 1
                    break
                time.sleep(0.05)
        conn.close()

    def finish(self, timeout: float) -> None:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.reader.join(10)
        self.prober.join(PROBE_LIMIT_S + 5)

    def kill(self) -> None:
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(10)


def queued(data_dir: Path) -> int:
    with closing(sqlite3.connect(data_dir / "archive.sqlite3", timeout=20)) as db:
        return db.execute("SELECT count(*) FROM search_indextask").fetchone()[0]


def after_the_load(data_dir: Path) -> dict:
    """Let the worker drain the queue, then compare the index with the database."""
    started = time.monotonic()
    while queued(data_dir) and time.monotonic() - started < DRAIN_LIMIT_S:
        time.sleep(0.2)
    left = queued(data_dir)
    check = subprocess.run(
        [sys.executable, "manage.py", "check_index"],
        cwd=PROJECT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    differences = sum(
        int(line.split(":")[1].split()[0])
        for line in check.stdout.splitlines()
        if line.split(":")[0] in ("missing", "ghost", "stale")
    )
    return {
        "drain_seconds": round(time.monotonic() - started, 1),
        "left_in_queue": left,
        "index_differences": differences,
        "check_index_exit": check.returncode,
    }


def run(args, data_dir: Path) -> int:
    from bench.load_report import report

    setup = set_up(data_dir, args.n, annotations=not args.without_annotations)
    port = free_port()
    say(f"starting bin/serve on http://{HOST}:{port}/ (gunicorn + index worker, DEBUG off) …")
    stack = Stack(data_dir, port, args.workers)
    editor = None
    try:
        stack.wait_ready()
        say(
            f"load: {args.users} users for {args.seconds:g} s, an edit every "
            f"{args.edit_interval:g} s …"
        )
        load = Load(args, setup, port)
        editor = Editor(args, port)
        users = [
            threading.Thread(target=load.user, args=(args.seed + i,), daemon=True)
            for i in range(args.users)
        ]
        for user in users:
            user.start()
        deadline = load.t0 + args.seconds
        while time.perf_counter() < deadline:
            time.sleep(min(1.0, max(0.0, deadline - time.perf_counter())))
        load.stop.set()
        for user in users:
            user.join(REQUEST_TIMEOUT_S + 5)
        editor.finish(timeout=30)
        say("load over; letting the index worker drain the queue …")
        after = after_the_load(data_dir)
        after["server_alive"] = stack.process.poll() is None
    finally:
        if editor:
            editor.kill()
        stack.stop()
    setup_info = {k: v for k, v in setup.items() if k != "seed_passages"}
    setup_info.update(
        users=args.users,
        edit_interval_s=args.edit_interval,
        workers=args.workers or "gunicorn.conf.py default",
        mix=dict(MIX),
    )
    text, record, path = report(
        samples=load.samples,
        seconds=args.seconds,
        edits=editor.edits,
        setup=setup_info,
        after=after,
        write=not args.no_write,
    )
    say("")
    say(text)
    if path:
        say(f"\nwritten to {path.relative_to(PROJECT)}")
    failures = record["overall"]["errors"] + after["index_differences"] + after["left_in_queue"]
    return 1 if failures else 0


def main(argv=None) -> int:
    args = arguments(argv)
    data_dir = data_folder(args.keep, "archive-load-")
    say(
        f"Archive load benchmark: {args.users} users, {args.seconds:g} s, seed corpus"
        + (f" + {args.n:,} synthetic passages" if args.n else "")
        + f".\nData folder: {data_dir}"
        + (" (kept)" if args.keep else " (deleted at the end)")
    )

    def terminate(*_):
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM both end the run (even where a shell started us with SIGINT ignored).
    previous = {sig: signal.signal(sig, terminate) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run(args, data_dir)
    except KeyboardInterrupt:
        say("interrupted: the server was stopped")
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
