"""Real-browser tests: Playwright driving Debian's Chromium against a live server. A plugin of
the test suite (tests/conftest.py names it), so the browser and reliability tests share its
fixtures without importing one conftest from another."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Outside test-results/, which pytest-playwright empties at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium); browser tests skipped."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright may not download its own browser here; Debian's Chromium is used instead.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def archive_url(live_server, transactional_db, seeded_database):
    """The live archive's address, with the thesaurus and the seed corpus loaded."""
    return live_server.url


@pytest.fixture
def shot():
    """Save a screenshot under screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, *, full_page=True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take
