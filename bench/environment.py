"""An isolated archive for the benchmark: its own data folder, database and index.

The environment variables are set before Django reads the settings, so nothing the benchmark
writes can reach the project's own `data/` folder, whatever the shell has exported.
"""

import io
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def configure(data_dir: Path, engine: str = "whoosh") -> None:
    """Point the settings at `data_dir` (database and index inside it) and start Django, with
    the search engine `engine` (Whoosh, whatever bin/with-solr exported; the Solr part of the
    benchmark switches the connection itself)."""
    data_dir = Path(data_dir).resolve()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["ARCHIVE_SEARCH_ENGINE"] = engine
    os.environ["ARCHIVE_DATA_DIR"] = str(data_dir)
    os.environ["ARCHIVE_INDEX_DIR"] = str(data_dir / "whoosh_index")
    # A DATABASE_URL in the shell would otherwise send the benchmark to another database.
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'archive.sqlite3'}"
    os.environ["ARCHIVE_CATALOGUE"] = str(PROJECT_DIR / "fixtures" / "catalogue.toml")
    os.environ["ARCHIVE_THESAURUS"] = str(PROJECT_DIR / "fixtures" / "thesaurus.toml")
    # Measured as deployed: DEBUG would keep every SQL query in memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()

    from django.conf import settings

    # The settings must have taken the folder: a mistake here would touch real data.
    assert Path(settings.DATA_DIR) == data_dir, settings.DATA_DIR
    assert settings.DATABASES["default"]["NAME"] == str(data_dir / "archive.sqlite3")
    if engine == "whoosh":
        assert settings.HAYSTACK_CONNECTIONS["default"]["PATH"] == str(data_dir / "whoosh_index")


def prepare_database() -> None:
    """Create the tables and load the curated thesaurus, as `make setup` does, and apply the
    index work the thesaurus queued (re-tagging: nothing to tag yet)."""
    from django.core.management import call_command

    from search.indexing import drain_if_free

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_thesaurus", verbosity=0, stdout=io.StringIO())
    drain_if_free()
