"""Reliability tests: concurrency, crashes, rebuilds under load, fuzzing, the OpenAPI contract
and stored XSS in a real browser.

Every test here is marked `reliability`; the long ones are also marked `slow` and run only when
asked for (tests/conftest.py: `make test-reliability` or ARCHIVE_SLOW_TESTS=1), so that
`make test` keeps within its budget.
"""

from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import slow_tests_wanted, use_index
from tests.reliability import stack

MARKERS = (
    "reliability: concurrency, crash, load, fuzz and XSS tests (make test-reliability)",
    "slow: takes more than a few seconds; left out of make test unless asked for",
)


def pytest_configure(config):
    # Until pyproject.toml lists them (--strict-markers refuses unknown marks).
    registered = "\n".join(config.getini("markers"))
    for line in MARKERS:
        if line.split(":")[0] + ":" not in registered:
            config.addinivalue_line("markers", line)
    # Fuzzing in `make test` draws the same examples every run (no flaky CI); a reliability run
    # draws new ones. Neither keeps an example database in the work tree.
    try:
        from hypothesis import settings as hypothesis_settings
    except ImportError:  # test_fuzz and test_openapi skip and say why
        return
    hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
    hypothesis_settings.register_profile("explore", database=None)
    hypothesis_settings.load_profile("explore" if slow_tests_wanted(config) else "repeatable")


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory) -> Path:
    """A data folder as `make setup` leaves it, built once; tests work on copies."""
    return stack.build_data_dir(tmp_path_factory.mktemp("reliability") / "template")


@pytest.fixture
def data_dir(tmp_path, template_data_dir) -> Path:
    """A fresh copy of the set-up data folder for one test."""
    return stack.clone(template_data_dir, tmp_path / "data")


@pytest.fixture
def live_data(data_dir, transactional_db, session_index, monkeypatch):
    """This process (every thread) reads and writes `data_dir` as the deployed archive does:
    its SQLite file, its index, its writer lock; changes wait in the queue for a worker."""
    monkeypatch.setattr(settings, "DATA_DIR", data_dir)
    monkeypatch.setattr(settings, "ARCHIVE_INDEX_INLINE", False)
    use_index(data_dir / stack.INDEX_NAME)
    try:
        with stack.database_file(data_dir / stack.DB_NAME):
            yield data_dir
    finally:
        use_index(session_index)
