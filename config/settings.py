"""Settings for the archive, read from the environment with defaults that need no set-up."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    """A yes/no setting from the environment ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

# Everything the archive writes (SQLite database, search index, local admin login) lives here,
# so several copies can run side by side.
DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# On a public server (ARCHIVE_PRODUCTION=1) every value that matters must be given: nothing
# falls back to a local default, and a missing or weak one stops the start with the reason.
PRODUCTION = env_flag("ARCHIVE_PRODUCTION")
# TLS ends at a proxy that talks plain HTTP to us and says the scheme in X-Forwarded-Proto.
BEHIND_PLAIN_HTTP = env_flag("ARCHIVE_BEHIND_PLAIN_HTTP")

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ARCHIVE_PRODUCTION is on.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    # The same bar as Django's deploy check (security.W009), enforced instead of warned about.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when "
            "ARCHIVE_PRODUCTION is on, e.g. the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
elif not SECRET_KEY:
    # A local key kept with the data, so sessions survive restarts without any set-up.
    key_file = DATA_DIR / "secret-key.txt"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

if PRODUCTION and not os.environ.get("ALLOWED_HOSTS", "").strip():
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the server's host names (comma-separated) when "
        "ARCHIVE_PRODUCTION is on, e.g. ALLOWED_HOSTS=archive.example.org"
    )
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "search",  # before haystack: its rebuild_index replaces haystack's
    "haystack",
    "csp",
    "axes",
    "archive",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves static files in any server, with DEBUG off too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# How long a connection is kept between requests: every process's on PostgreSQL, the web
# workers' only on SQLite (below, and config/gunicorn.conf.py).
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'archive.sqlite3'}", conn_max_age=CONN_MAX_AGE
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import writes; the timeout waits out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            # Take the write lock when a transaction starts, so one that reads and then writes
            # waits for another writer instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A connection per request, except in gunicorn's web workers (config/gunicorn.conf.py):
    # SQLite hands its write lock to whoever asks at the right moment, and with every thread
    # keeping its connection the writers went faster and starved the slowest one
    # (tests/reliability/test_concurrency.py: an admin action did not get through in 6 s, in
    # two runs of six). A web worker mostly reads, and a reader does not hold the write lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The search engine: Whoosh, embedded in the data folder (no set-up), or a SolrCloud cluster
# (README, "Beyond one machine: SolrCloud").
SEARCH_ENGINE = os.environ.get("ARCHIVE_SEARCH_ENGINE", "whoosh").strip().lower() or "whoosh"
if SEARCH_ENGINE == "whoosh":
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "search.engine.whoosh.backend.ArchiveWhooshEngine",
            "PATH": os.environ.get("ARCHIVE_INDEX_DIR", str(DATA_DIR / "whoosh_index")),
        },
    }
elif SEARCH_ENGINE == "solr":
    SOLR_URLS = [u.strip() for u in os.environ.get("ARCHIVE_SOLR_URLS", "").split(",") if u.strip()]
    if not SOLR_URLS:
        raise ImproperlyConfigured(
            "ARCHIVE_SOLR_URLS must list the SolrCloud nodes (comma-separated base URLs such as "
            "http://solr1:8983/solr) when ARCHIVE_SEARCH_ENGINE=solr."
        )
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "search.engine.solr.backend.ArchiveSolrEngine",
            "URLS": SOLR_URLS,
            "COLLECTION": os.environ.get("ARCHIVE_SOLR_COLLECTION", "archive"),
            "CONFIGSET": os.environ.get("ARCHIVE_SOLR_CONFIGSET", "archive"),
            "SHARDS": int(os.environ.get("ARCHIVE_SOLR_SHARDS", "1")),
            # A replica on each of the first two nodes: one node down is not an outage.
            "REPLICAS": int(os.environ.get("ARCHIVE_SOLR_REPLICAS", min(2, len(SOLR_URLS)))),
            "TIMEOUT": float(os.environ.get("ARCHIVE_SOLR_TIMEOUT", "5")),
        },
    }
else:
    raise ImproperlyConfigured(
        f"ARCHIVE_SEARCH_ENGINE must be whoosh or solr, not {SEARCH_ENGINE!r}."
    )
if os.environ.get("HAYSTACK_SOLR_URL"):
    # The scale-out path (README, "Beyond one machine"): haystack's own Solr backend, as a
    # second connection so the Whoosh index keeps serving the search page meanwhile.
    HAYSTACK_CONNECTIONS["solr"] = {
        "ENGINE": "haystack.backends.solr_backend.SolrEngine",
        "URL": os.environ["HAYSTACK_SOLR_URL"],
        "ADMIN_URL": os.environ.get("HAYSTACK_SOLR_ADMIN_URL", ""),
        "TIMEOUT": int(os.environ.get("HAYSTACK_SOLR_TIMEOUT", "10")),
    }

# What answers the reader pages' searches (within a document, a passage opened from a hit):
# the archive asks it through archive.finding and never imports search itself.
ARCHIVE_FINDER = "search.within"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks every login attempt first and refuses one from a locked-out client; the
# model backend then does the real work. Django's test client's force_login skips the axes
# backend (it has no get_user), so tests that log in that way are not throttled.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user name from one address lock that pair out for 15 minutes;
# the same curator elsewhere, or another user here, can still log in.
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ARCHIVE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Shown where the lockout page is not (e.g. a script's login); the page says how long to wait.
AXES_COOLOFF_MESSAGE = _(
    "Too many failed logins for this account from your address. Try again later."
)
if BEHIND_PLAIN_HTTP:
    # Behind the proxy every request comes from the proxy's address; the client's is the last
    # one in X-Forwarded-For, the one the proxy itself appended (nginx: proxy_add_x_forwarded_for).
    def client_address(request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        return forwarded or request.META.get("REMOTE_ADDR")

    AXES_CLIENT_IP_CALLABLE = client_address

# The interface speaks these; each text keeps its own language. LocaleMiddleware reads the
# language cookie (set by /i18n/setlang/), else Accept-Language; no address carries a language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hr", "Hrvatski"), ("ro", "Română")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them; config/formats/ changes only what differs.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, file names carry a hash of their content, so browsers may cache them for
    # good; that needs `collectstatic` (make setup runs it). Locally, tests and a quick runserver
    # render pages without it.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Without collectstatic (tests, a quick runserver) files are served straight from the sources.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Where `import_documents` finds the curated catalogue (titles and metadata sources lack).
ARCHIVE_CATALOGUE = Path(
    os.environ.get("ARCHIVE_CATALOGUE", BASE_DIR / "fixtures" / "catalogue.toml")
)
# The curated thesaurus `load_thesaurus` reads by default.
ARCHIVE_THESAURUS = Path(
    os.environ.get("ARCHIVE_THESAURUS", BASE_DIR / "fixtures" / "thesaurus.toml")
)
# A source larger than this is refused: no real text in this archive comes near it.
ARCHIVE_MAX_SOURCE_BYTES = int(os.environ.get("ARCHIVE_MAX_SOURCE_BYTES", 20 * 1024 * 1024))

# Requests are refused before any work past these sizes (gunicorn's limit_request_line caps the
# URL first). The largest real form, a passage with its annotations and tags, is far below.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Headers every page sends, locally too.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Pages load only the archive's own scripts, styles and images: no inline script or style,
# nothing from elsewhere, no framing. Templates keep styles in static/ for this.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ARCHIVE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("ARCHIVE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("ARCHIVE_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = True
    if BEHIND_PLAIN_HTTP:
        # Trust the proxy's word on the scheme (it must overwrite any X-Forwarded-Proto a client
        # sends), so that requests that came over HTTPS count as secure.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # The proxy redirects plain HTTP to HTTPS itself; gunicorn answers on plain HTTP, e.g.
        # to a health check that sends no X-Forwarded-Proto.
        SECURE_SSL_REDIRECT = False
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
