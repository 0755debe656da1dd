# The archive's tasks. `make run` on a fresh machine does everything; `make test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= 10k
ENGINE ?= whoosh

.PHONY: help install setup run serve test test-sqlite test-postgres test-solr test-reliability lint format bench bench-load browser clean node messages translations

help:
	@echo "make run    set up everything and serve on http://$(HOST):$(PORT)/"
	@echo "make serve  set up everything and serve with gunicorn and the index worker"
	@echo "make test   lint, migration check and the test suite (browser tests included)"
	@echo "make setup  virtualenv, dependencies, database, seed corpus, search index"
	@echo "make lint   ruff check and format check"
	@echo "make translations  add new interface strings to locale/*.po; make messages compiles them"
	@echo "make bench  benchmarks (SIZE=10k, 100k or 1m; ENGINE=solr adds SolrCloud); make bench-load"
	@echo "           (the seed corpus under load; SIZE=100k adds that many synthetic passages)"
	@echo "make test-sqlite, make test-postgres, make test-solr, make test-reliability: make test's"
	@echo "           legs on SQLite, PostgreSQL and Solr (make test runs them at once),"
	@echo "           and the slow tests"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(INSTALLED)

# The ecosystem's own clients the tests check against (citeproc-js, citation-js, axe-core, the Nu
# HTML Checker), pinned by package-lock.json; no install scripts run (vnu-jar's would download a
# Java the machine already has).
NODE_INSTALLED := node_modules/.installed
$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

node: $(NODE_INSTALLED)

# The interface's translations: locale/<language>/LC_MESSAGES/*.po compiled into the .mo files
# Django reads (kept out of git; only changed catalogues are compiled again). Compiling needs
# gettext's msgfmt: install Debian's gettext where we may, otherwise compilemessages says so.
MESSAGES_IGNORE := --ignore=.git --ignore=.venv --ignore=node_modules --ignore=data
messages: install
	@command -v msgfmt >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) || \
		echo "gettext could not be installed: msgfmt is needed to compile the translations."
	$(BIN)/python manage.py compilemessages --verbosity 0 $(MESSAGES_IGNORE)

# After adding or changing interface strings: the catalogues in locale/ gain them, to be
# translated there (make test fails on a string left untranslated or fuzzy).
MAKEMESSAGES_IGNORE := $(MESSAGES_IGNORE) --ignore=tests --ignore=bench --ignore=fixtures
translations: install
	$(BIN)/python manage.py makemessages --locale hr --locale ro --add-location file \
		--no-obsolete $(MAKEMESSAGES_IGNORE)

# migrate, collectstatic, load_thesaurus, import_documents, import_annotations, rebuild_index and
# create_local_admin, in one process, each only when what it reads changed (FORCE=1: all of them).
setup: install messages
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python manage.py setup_archive $(if $(FORCE),--force)

run: setup
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) ARCHIVE_SERVER=runserver bash bin/serve

# The way to run it as a service: gunicorn (config/gunicorn.conf.py) and `manage.py index_worker`
# side by side; Ctrl-C stops both. README's "Deployment" lists the environment it reads.
serve: setup
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash bin/serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Browser tests drive Debian's Chromium; install it where we may, otherwise they skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "Chromium could not be installed: browser tests will be skipped."

# The three legs run at once (each its own database, index folders, ports and throwaway
# servers), each leg's output shown whole as it ends; make fails if any of them fails.
test: install node browser messages lint
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	@$(MAKE) --no-print-directory --jobs=3 --output-sync=target --keep-going \
		test-sqlite test-postgres test-solr

# The whole suite on SQLite and Whoosh, browser tests included.
test-sqlite: install
	$(BIN)/python -m pytest

# The database-facing tests again, on PostgreSQL: bin/with-postgres starts a throwaway server on
# 127.0.0.1 and removes it afterwards; where none can start, it says why and the leg is skipped.
# Of the search tests, those whose searches, edits and queue go through the database; the ones
# of the index's own workings (analysis, query building, highlighting, the build, the
# evaluation) read the database as any test does and run on PostgreSQL in make test-reliability.
PG_SEARCH_TESTS := $(addprefix tests/search/,test_queue.py test_index_updates.py test_search.py \
	test_search_page.py test_exports.py test_reader_search.py test_facets.py test_year_range.py \
	test_engine.py test_ranking.py)
PG_TESTS := tests/archive tests/annotations $(PG_SEARCH_TESTS) tests/test_postgres.py

test-postgres: install
	bash bin/with-postgres $(BIN)/python -m pytest -m "not browser" -p no:playwright $(PG_TESTS) -q

# The search tests again, on SolrCloud: bin/with-solr starts a throwaway cluster (two nodes and
# ZooKeeper on 127.0.0.1, built once with Maven into ~/.cache/archive-solr) and removes it
# afterwards; without Java or Maven it says why and the leg is skipped (ARCHIVE_REQUIRE_SOLR=1
# makes that a failure). The tests that ask the engine something (the rest test query building
# and analysis above the seam, the same on either engine); the Whoosh engine's own are skipped.
SOLR_TESTS := tests/search/solr tests/search/test_engine.py tests/search/test_search.py \
	tests/search/test_queue.py tests/search/test_facets.py tests/search/test_index_updates.py \
	tests/api/test_contract.py tests/api/test_health.py

test-solr: install
	bash bin/with-solr $(BIN)/python -m pytest -m "not browser" -p no:playwright $(SOLR_TESTS) -q

# ENGINE=solr: Solr beside Whoosh and FTS5 in the same run, on bin/with-solr's throwaway cluster.
bench: install
ifeq ($(ENGINE),solr)
	ARCHIVE_REQUIRE_SOLR=1 bash bin/with-solr $(BIN)/python -m bench --size $(SIZE) --engine solr
else
	$(BIN)/python -m bench --size $(SIZE)
endif

# Slow reliability tests: concurrent writers during searches, a killed worker, rebuild under load,
# fresh fuzzing, the stored-XSS corpus in Chromium, and the other slow tests (the fast evaluation
# against Whoosh's matchers on 10 000 passages); make test runs the fast ones.
test-reliability: install node browser messages
	$(BIN)/python -m pytest -m "reliability or slow"
	bash bin/with-postgres $(BIN)/python -m pytest -m "not browser" -p no:playwright tests/search -q

LOAD_SECONDS ?= 60
LOAD_USERS ?= 8
# Searches with facets from several clients against make serve's stack while an editor changes
# passages; loopback only, bounded in time. On the seed corpus, or with SIZE=100k (given on the
# command line or in the environment, not bench's default) that many synthetic passages too.
bench-load: install
	$(BIN)/python -m bench.load --seconds $(LOAD_SECONDS) --users $(LOAD_USERS) \
		$(if $(filter command line environment,$(origin SIZE)),--size $(SIZE))

clean:
	rm -rf data test-results node_modules
