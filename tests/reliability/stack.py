"""The archive as separate processes run it: a data folder of its own (SQLite file, Whoosh
index, writer lock), `manage.py` commands run as subprocesses against it, and the test process's
own database connection pointed at the same SQLite file.

pytest-django's test database is SQLite in memory with a shared cache: there a writer locks
whole tables and other threads fail at once ("database table is locked") instead of waiting, as
they do on the SQLite file the archive really runs on (WAL, 20 s busy timeout). Tests of
concurrent writers therefore work on a copy of a real data folder.
"""

import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
FIXTURES = PROJECT / "fixtures"
DB_NAME = "archive.sqlite3"
INDEX_NAME = "whoosh_index"


def environment(data_dir: Path, **extra) -> dict[str, str]:
    """The environment of a process serving `data_dir`, whatever the shell has exported."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARCHIVE_", "DATABASE_URL", "PYTEST_", "DJANGO_ALLOW"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ARCHIVE_DATA_DIR=str(data_dir),
        ARCHIVE_INDEX_DIR=str(data_dir / INDEX_NAME),
        DATABASE_URL=f"sqlite:///{data_dir / DB_NAME}",
        ARCHIVE_CATALOGUE=str(FIXTURES / "catalogue.toml"),
        ARCHIVE_THESAURUS=str(FIXTURES / "thesaurus.toml"),
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(data_dir: Path, *args: str, timeout: float = 120, check: bool = True, **kwargs):
    """Run `manage.py ARGS` for `data_dir` and wait for it (bounded by `timeout`)."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
    if check and result.returncode:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def start(data_dir: Path, *args: str, **env) -> subprocess.Popen:
    """Start `manage.py ARGS` for `data_dir` in the background (its own process group)."""
    return subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env=environment(data_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 30) -> str:
    """Send `sig` to a process started by `start`, wait for it, and return what it printed."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=10)
    return out or ""


def wait_for_line(process: subprocess.Popen, text: str, timeout: float) -> str:
    """Read a started process's output until a line containing `text` (bounded in time)."""
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            seen += line
            if text in line:
                return seen
    raise AssertionError(f"no {text!r} from the process within {timeout} s:\n{seen}")


def result_of(output: str):
    """The JSON a `manage.py shell -c` script printed after "RESULT "."""
    assert "RESULT " in output, output[-3000:]
    return json.loads(output.split("RESULT ", 1)[1])


def build_data_dir(data_dir: Path) -> Path:
    """What `make setup` makes: tables, thesaurus, seed corpus, seed annotations, the index."""
    data_dir.mkdir(parents=True, exist_ok=True)
    manage(data_dir, "migrate", "--noinput", "--verbosity", "0")
    manage(data_dir, "load_thesaurus", str(FIXTURES / "thesaurus.toml"))
    manage(data_dir, "import_documents", str(FIXTURES / "corpus"))
    manage(data_dir, "import_annotations", str(FIXTURES / "annotations.jsonld"), "--skip-existing")
    manage(data_dir, "rebuild_index", "--noinput", "--verbosity", "0")
    assert queued(data_dir) == 0
    return data_dir


def clone(template: Path, dest: Path) -> Path:
    """A copy of a data folder (the index's symbolic link kept relative)."""
    shutil.copytree(template, dest, symlinks=True)
    (dest / "index-writer.lock").unlink(missing_ok=True)
    return dest


def query(data_dir: Path, sql: str, params=()) -> list[tuple]:
    """Read the data folder's database directly (a short read, like any reader)."""
    with contextlib.closing(sqlite3.connect(data_dir / DB_NAME, timeout=20)) as db:
        return db.execute(sql, params).fetchall()


def queued(data_dir: Path) -> int:
    return query(data_dir, "SELECT count(*) FROM search_indextask")[0][0]


def wait_until(condition, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `condition` until it is true; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextlib.contextmanager
def database_file(path: Path):
    """Point this process's default database connection (every thread's) at a SQLite file."""
    from django.db import connections

    previous_settings = connections.settings["default"]
    previous = connections["default"]
    connections.settings["default"] = {
        **previous_settings,
        "NAME": str(path),
        "TEST": {**previous_settings.get("TEST", {}), "NAME": str(path)},
    }
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = previous
        connections.settings["default"] = previous_settings
