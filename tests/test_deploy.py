"""Running as a service: production settings, security headers, login throttling, request limits,
and gunicorn serving pages and static files with DEBUG off."""

import contextlib
import json
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, superuser

ROOT = Path(__file__).resolve().parents[1]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Variables that change what the archive does; each subprocess starts without them.
SETTINGS_VARS = {
    "ARCHIVE_PRODUCTION",
    "ARCHIVE_BEHIND_PLAIN_HTTP",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "ARCHIVE_DATA_DIR",
    "ARCHIVE_INDEX_DIR",
    "DJANGO_SETTINGS_MODULE",
    "WEB_CONCURRENCY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by tests/conftest.py for Playwright
}


def env(data_dir, **values):
    """The environment of a subprocess: this one's, less the settings, plus `values`."""
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    return {**base, "ARCHIVE_DATA_DIR": str(data_dir), **values}


def production(data_dir, **values):
    return env(
        data_dir,
        ARCHIVE_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="archive.example.org",
        **values,
    )


def manage(*args, environ, timeout=120):
    return subprocess.run(
        [*MANAGE, *args], env=environ, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def setting(name, environ):
    """The value of a setting as the archive loads it in that environment (repr)."""
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = manage("shell", "--no-imports", "-c", code, environ=environ)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# Production settings


def test_deploy_check_passes_in_production(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_deploy_check_passes_behind_a_tls_proxy(tmp_path):
    environ = production(tmp_path, ARCHIVE_BEHIND_PLAIN_HTTP="1")
    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert setting("SECURE_PROXY_SSL_HEADER", environ) == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(tmp_path, change, message):
    result = manage("check", environ={**production(tmp_path), **change})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_local_defaults_need_no_set_up_and_keep_debug_off(tmp_path):
    environ = env(tmp_path)
    result = manage("check", environ=environ)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret-key.txt").exists()
    assert setting("DEBUG", environ) == "False"
    assert setting("SECURE_SSL_REDIRECT", environ) == "False"


# Headers every page sends

PAGES = ["/", "/documents/", "/search/?q=Molotov", "/admin/login/", "/api/documents/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_send_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_search_page_has_no_inline_style(client):
    html = client.get("/search/?q=Molotov").content.decode()
    assert 'class="histogram"' in html
    assert re.search(r'class="bar h\d+', html)
    assert "style=" not in html


# Login throttling


@pytest.fixture
def curator(django_user_model):
    return superuser("curator")


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "curator", "wrong password")
    response = log_in(client, "curator", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


@pytest.mark.django_db
def test_the_lockout_is_for_that_user_from_that_address(client, curator, django_user_model):
    superuser("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "curator", "wrong password")
    # Another user from the same address,
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    client.logout()
    # and the same user from another address, still log in.
    response = log_in(client, "curator", PASSWORD, address="192.0.2.7")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_a_few_wrong_passwords_do_not_lock_out(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "curator", "wrong password").status_code == 200
    assert log_in(client, "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_force_login_and_admin_client_are_not_throttled(client, admin_client, curator):
    assert admin_client.get("/admin/").status_code == 200
    client.force_login(curator)
    assert client.get("/admin/").status_code == 200


# Request limits


@pytest.mark.django_db
def test_too_many_fields_are_refused(client):
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post(reverse("admin:login"), fields).status_code == 400


@pytest.mark.django_db
def test_too_large_a_body_is_refused(client):
    body = {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    assert client.post(reverse("admin:login"), body).status_code == 400


# Gunicorn


def gunicorn_config(**environ):
    saved = {k: os.environ.pop(k) for k in ("WEB_CONCURRENCY", "HOST", "PORT") if k in os.environ}
    os.environ.update(environ)
    try:
        return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    finally:
        for key in environ:
            del os.environ[key]
        os.environ.update(saved)


def test_gunicorn_config():
    config = gunicorn_config()
    assert config["bind"] == ["127.0.0.1:8000"]
    assert 1 < config["workers"] <= 8
    assert config["timeout"] > 0 and config["graceful_timeout"] > 0
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["limit_request_line"] <= 4094
    assert config["limit_request_fields"] <= 100
    assert config["accesslog"] == "-"
    assert gunicorn_config(WEB_CONCURRENCY="3", HOST="0.0.0.0", PORT="9000")["workers"] == 3
    assert gunicorn_config(HOST="0.0.0.0", PORT="9000")["bind"] == ["0.0.0.0:9000"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow (they may lead off this machine)."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(KeepRedirects)


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@contextmanager
def gunicorn(environ):
    """Gunicorn serving an empty archive in that environment on a free port; yields its address."""
    environ = {**environ, "WEB_CONCURRENCY": "1", "PORT": str(free_port())}
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(*step, "--verbosity", "0", environ=environ)
        assert result.returncode == 0, result.stderr
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "config/gunicorn.conf.py"],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{environ['PORT']}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(environ["PORT"])), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=40)


@pytest.fixture
def production_server(tmp_path):
    """Gunicorn serving an empty archive as in production, behind a TLS proxy."""
    with gunicorn(production(tmp_path, ARCHIVE_BEHIND_PLAIN_HTTP="1")) as base:
        yield base


def scheme_seen(base, headers):
    """The scheme the archive took a request with these headers to have come by."""
    status, _, body = fetch(base + "/api/annotations/", headers)
    assert status == 200, body
    return json.loads(body)["id"].partition("://")[0]


def test_gunicorn_serves_pages_and_static_files_in_production(production_server):
    proxied = {"Host": "archive.example.org", "X-Forwarded-Proto": "https"}
    status, headers, html = fetch(production_server + "/documents/", proxied)
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    # The stylesheet's name carries its hash, so it may be cached for good.
    css = re.search(r'href="(/static/archive/archive\.[0-9a-f]{12}\.css)"', html).group(1)
    status, headers, body = fetch(production_server + css, proxied)
    assert status == 200
    assert ".histogram" in body
    assert "immutable" in headers["Cache-Control"]

    # A host the archive does not serve is refused.
    status, _, _ = fetch(
        production_server + "/", {"Host": "evil.example", "X-Forwarded-Proto": "https"}
    )
    assert status == 400
    # An overlong URL is refused by gunicorn before Django sees it.
    status, _, _ = fetch(production_server + "/search/?q=" + "x" * 5000, proxied)
    assert status in (400, 414)


def test_gunicorn_believes_a_forwarded_scheme_only_behind_a_proxy(tmp_path):
    # A client on the same machine (or a proxy that passes the header on) claims HTTPS.
    claims = [
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Protocol": "ssl"},
    ]
    with gunicorn(env(tmp_path)) as base:
        assert [scheme_seen(base, claim) for claim in claims] == ["http", "http", "http"]
    # Behind the proxy, only the header it overwrites counts.
    with gunicorn(env(tmp_path, ARCHIVE_BEHIND_PLAIN_HTTP="1")) as base:
        assert [scheme_seen(base, claim) for claim in claims] == ["https", "http", "http"]
        assert scheme_seen(base, {}) == "http"
        # Nor may a client move the archive under another path.
        status, _, body = fetch(base + "/api/annotations/", {"SCRIPT_NAME": "/api"})
        assert status == 200, body
        assert json.loads(body)["id"] == base + "/api/annotations/"


def test_in_production_without_a_proxy_a_claimed_https_is_still_redirected(tmp_path):
    with gunicorn(production(tmp_path)) as base:
        claim = {"Host": "archive.example.org", "X-Forwarded-Proto": "https"}
        status, headers, _ = fetch(base + "/documents/", claim)
    assert status == 301
    assert headers["Location"] == "https://archive.example.org/documents/"


def printed_by(script: str) -> str:
    """What a Python script prints, run in a process of its own with the project's settings."""
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_gunicorn_workers_start_with_the_archive_imported():
    assert gunicorn_config()["preload_app"] is True
    # What the master has imported once it is ready, before any worker is forked.
    script = (
        "import runpy, sys, django; django.setup(); "
        "runpy.run_path('config/gunicorn.conf.py')['when_ready'](None); "
        "print(sorted({'search.views', 'api.search', 'search.engine.whoosh.backend'} "
        "- set(sys.modules)))"
    )
    assert printed_by(script) == "[]"


def test_gunicorn_forks_no_database_connection_into_a_worker():
    script = (
        "import runpy, django; django.setup(); from django.db import connection; "
        "connection.ensure_connection(); "
        "runpy.run_path('config/gunicorn.conf.py')['pre_fork'](None, None); "
        "print(connection.connection is None)"
    )
    assert printed_by(script) == "True"


def holding(path: Path) -> set[tuple[str, str]]:
    """(process, file descriptor) of each open file of `path` on this machine."""
    held = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if os.readlink(fd) == str(path):
                held.add((fd.parts[2], fd.name))
    return held


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_web_worker_keeps_its_database_connection_from_one_request_to_the_next(tmp_path):
    with gunicorn(production(tmp_path, ARCHIVE_BEHIND_PLAIN_HTTP="1")) as base:
        headers = {"Host": "archive.example.org", "X-Forwarded-Proto": "https"}
        held = []
        for _ in range(3):
            status, _, body = fetch(base + "/api/documents/", headers)
            assert status == 200, body
            held.append(holding(tmp_path / "archive.sqlite3"))
    # The one worker's one connection, still open after each request.
    assert len(held[0]) == 1 and held[0] == held[1] == held[2]
