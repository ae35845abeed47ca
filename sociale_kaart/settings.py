"""Settings for the Sociale Kaart Plegeraanpak, read from the environment.

Development works without any variable set (SQLite, DEBUG on). With DEBUG off the
application refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "development-only-insecure-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "csp",
    "import_export",
    "simple_history",
    "django_rq",
    "sociale_kaart",
    "frameworks",
    "providers",
    "providers.monitor",
    "providers.paths",
    "axes",
]

MIDDLEWARE = [
    # The request log outermost, so that it times and sees every response; CSP next, so that
    # every response, error pages included, carries the policy.
    "sociale_kaart.middleware.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuse an oversized body before anything (CSRF) reads it.
    "sociale_kaart.middleware.UploadSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, message and authentication middleware, so that it sees the final
    # response and never serves a visitor who carries a session or messages cookie.
    "sociale_kaart.response_cache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Innermost of ours, so that it sees database errors raised by views first
    # (AxesMiddleware only watches logins; django-axes wants it last).
    "sociale_kaart.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sociale_kaart.urls"
WSGI_APPLICATION = "sociale_kaart.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Do not hang on an unreachable PostgreSQL server.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Without Redis each process has its own cache and sees only its own data-version bumps, so
# several workers would serve each other's stale pages. In production that is a deployment
# error (sociale_kaart/checks.py) unless the operator says it runs one process.
CACHE_SINGLE_PROCESS = env_bool("CACHE_SINGLE_PROCESS", False)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sociale-kaart",
        }
    }

# Long imports run as background jobs (providers/import_jobs.py) on django-rq, with Redis as the
# broker: `manage.py rqworker imports` runs them. Without REDIS_URL (development without Redis)
# or with IMPORT_JOBS_INLINE=1 a job runs inside the request that starts it.
IMPORT_JOBS_INLINE = env_bool("IMPORT_JOBS_INLINE", not REDIS_URL)
IMPORT_QUEUE = os.environ.get("IMPORT_QUEUE", "imports")
# No RQ dashboard in the admin: it is English only; `rqinfo` shows the queue.
RQ_SHOW_ADMIN_LINK = False
RQ_QUEUES = {
    IMPORT_QUEUE: {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        # A confirmed import of 10,000 rows takes well under a minute; this is the ceiling.
        "DEFAULT_TIMEOUT": 600,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# The project's Dutch for what Django and its packages (simple-history, axes, import-export) leave
# untranslated (locale/nl/LC_MESSAGES; the .mo files are committed, `make messages` compiles
# them). Dates follow Django's nl formats: "1 december 2026", "1 december 2026 14:05", input
# "01-12-2026".
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Amsterdam design system (installed by `npm ci`, see package.json and `make assets`) ---
# Served by whitenoise from node_modules under a prefix, e.g. /static/ams/css/index.css.
# Nothing of node_modules is committed; collectstatic copies these folders for production.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS += [
    ("ams/css", NODE_MODULES / "@amsterdam/design-system-css/dist"),
    ("ams/tokens", NODE_MODULES / "@amsterdam/design-system-tokens/dist"),
    ("ams/font", NODE_MODULES / "@amsterdam/design-system-assets/font"),
    ("ams/logo", NODE_MODULES / "@amsterdam/design-system-assets/logo"),
    ("ams/favicon", NODE_MODULES / "@amsterdam/design-system-assets/favicon"),
]
# --- end of the design system block ---
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sociale-kaart@localhost")
# The site's own address, for links in mail sent outside a request (the verification
# reminders of `manage.py send_verification_reminders`), e.g. "https://kaart.example.nl".
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Logging -------------------------------------------------------------------
# One key=value line per event on stdout (see sociale_kaart/logs.py). Requests are logged by
# RequestLogMiddleware without query string, user or IP address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {"()": "sociale_kaart.logs.KeyValueFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "keyvalue",
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs user names and IP addresses on every failed login; the attempts are kept in
        # the database (visible in the admin), so only its errors go to the log.
        "axes": {"level": "ERROR"},
    },
}

# --- Security headers and production hardening -------------------------------
# Always on; harmless in development.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https".
# Set it only when the proxy always sets (and strips incoming) that header.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            'SECURE_PROXY_SSL_HEADER must be "HEADER,value", e.g. "HTTP_X_FORWARDED_PROTO,https".'
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
# The load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4) on every response, the admin included: no inline
# script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Upload limits --------------------------------------------------------------
# A request body above MAX_UPLOAD_SIZE bytes is answered with the Dutch 413 page before it is
# read (sociale_kaart.middleware.UploadSizeLimitMiddleware). It sits just above the import
# form's own 5 MB limit, so that a slightly too big file still gets the form's message. Form
# fields other than files may hold at most 1 MB; uploaded files above 1 MB are buffered on
# disk instead of in memory. The proxy in front may have its own limit (nginx:
# client_max_body_size); keep that at least as high.
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(6 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Expensive requests (sociale_kaart/throttle.py) ------------------------------
# Free text and large JSON pages that the response cache does not hold: per client at most
# EXPENSIVE_REQUESTS_PER_CLIENT per EXPENSIVE_WINDOW_SECONDS, and at most EXPENSIVE_CONCURRENT
# computing at once over all workers (keep it below the number of workers, so that one stays
# free for everything else); beyond that a 429 with Retry-After. 0 switches a cap off.
EXPENSIVE_REQUESTS_PER_CLIENT = int(os.environ.get("EXPENSIVE_REQUESTS_PER_CLIENT", "60"))
EXPENSIVE_WINDOW_SECONDS = int(os.environ.get("EXPENSIVE_WINDOW_SECONDS", "60"))
EXPENSIVE_CONCURRENT = int(os.environ.get("EXPENSIVE_CONCURRENT", "1"))
EXPENSIVE_SLOT_SECONDS = int(os.environ.get("EXPENSIVE_SLOT_SECONDS", "30"))
EXPENSIVE_CLIENT_HEADER = os.environ.get("EXPENSIVE_CLIENT_HEADER", "")

# Spreadsheet import and export in the admin (django-import-export): a confirmed import runs
# in one transaction, so that it writes everything or nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False

# --- Partner admin: accounts and login protection ---------------------------------
# django-axes locks a login after 5 failures for the same username from the same address, for
# 15 minutes, and answers 429 with a Dutch page and Retry-After. AxesStandaloneBackend must come
# first and AxesMiddleware last (both are in the lists above). The address is the visitor's own
# (sociale_kaart/login_protection.py): behind nginx set TRUSTED_PROXY_COUNT=1, so that it is read
# from X-Forwarded-For; without a proxy leave it 0, or anyone could choose their address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/account/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "sociale_kaart.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "sociale_kaart.login_protection.client_address"
# Attempts during a lock-out (even with the right password) do not restart the 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or "0")
except ValueError as error:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be the number of proxies in front of the site, e.g. 1."
    ) from error
# After logging in without a `next`, the admin's start page.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# The set-password link in an invitation stays valid for 7 days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7
# --- end partner admin -----------------------------------------------------------------------
