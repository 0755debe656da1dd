"""Gunicorn's settings for serving the archive (`make serve`; gunicorn -c config/gunicorn.conf.py).

Each value can be changed from the environment; https://docs.gunicorn.org/en/stable/settings.html
explains them.
"""

import os

# Whether a TLS proxy is in front, read as Django reads it (this also stops a misconfigured
# production start here, with the reason).
from config.settings import BEHIND_PLAIN_HTTP, CONN_MAX_AGE

wsgi_app = "config.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Search runs in Python and keeps a core busy while it works, so a worker per core (two at
# least, so that a slow request never holds up all the others), no more than eight. Each
# worker reads every new index generation for itself and keeps its own caches of results: on
# two cores under a stream of edits, two workers answered more requests than five did.
# WEB_CONCURRENCY overrides it.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(max(cores, 2), 8)))

# Django and the archive's code are imported once, in the master, before the workers are
# forked: a worker starting (at the start, and every max_requests) would otherwise spend most
# of a second of CPU importing before its first answer. Nothing is opened there (no database
# connection, no index): each worker opens its own.
preload_app = True


def when_ready(server):
    """Import what the first request would (every view, the search engine's modules)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)
    import_module("search.engine.whoosh.backend")


def pre_fork(server, worker):
    """A worker must not inherit a database connection from the master (an SQLite connection
    must never cross a fork, and a kept PostgreSQL one must not be shared)."""
    from django.db import connections

    connections.close_all()


# Searches yield the processor to the index worker (bin/serve starts it beside gunicorn): under a
# full load of searches an edit would otherwise wait its turn behind them before it is
# searchable. A search waits only for the index worker's short commits.
worker_niceness = int(os.environ.get("GUNICORN_WORKER_NICENESS", "5"))
# A web worker keeps its database connection between requests for CONN_MAX_AGE seconds, on
# SQLite too: opening one, with Django's set-up of it, took about a millisecond of every
# request. Other processes on SQLite open one per request (config/settings.py says why).


def post_fork(server, worker):
    from django.db import connections

    os.nice(worker_niceness)
    connections["default"].settings_dict["CONN_MAX_AGE"] = CONN_MAX_AGE


# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a restart or Ctrl-C, requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are replaced now and then (not all at once), so slow leaks never add up. Not often: a
# new worker spends about a second of CPU on its first hundred requests (caches, templates,
# translations, the thesaurus), a tenth of the work when it was every thousand requests.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))

# Refuse oversized requests before Django sees them: the request line (and so the URL) is capped
# at 4 KiB, which a search with every filter set stays far below; headers at 50 of 8 KiB each.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Gunicorn would take the word of any client on this machine that its request came over HTTPS
# (X-Forwarded-Proto, -Ssl, -Protocol) or under another SCRIPT_NAME. Only the TLS proxy may say
# so, and only in the header it overwrites, the one Django reads (config/settings.py).
if BEHIND_PLAIN_HTTP:
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    secure_scheme_headers = {}
    forwarded_allow_ips = ""
forwarder_headers = ""

# The access log goes to stdout and errors to stderr, for journald or a container's log.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Heartbeat files in memory, not on a possibly slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# No control socket in the home folder: several copies of the archive may run side by side.
control_socket_disable = True
