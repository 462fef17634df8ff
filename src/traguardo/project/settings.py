"""Django settings for Traguardo: one module, configured by environment variables.

Every variable read here is documented in docs/settings.md. A fresh clone runs with none of
them set (debug mode, SQLite under var/). A bad value stops start-up with ImproperlyConfigured
rather than being silently replaced by a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# src/traguardo/project/settings.py -> the repository root (where manage.py is).
BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str:
    """The variable's value, or `default`; fails if unset and there is no default."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); anything else fails."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean (use 1/0, true/false)."
    )


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around items are dropped, empty items are refused."""
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} has an empty item.")
    return items


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """A whole number of at least `minimum`; anything else stops start-up."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a whole number."
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} must be >= {minimum}.")
    return number


# Debug is on by default so that a fresh clone runs with no configuration; a deployment
# sets TRAGUARDO_DEBUG=0 and must then also give a secret key (checked below).
DEBUG = env_bool("TRAGUARDO_DEBUG", default=True)

_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("TRAGUARDO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("TRAGUARDO_SECRET_KEY must be set to a secret value when not DEBUG.")

ALLOWED_HOSTS = env_list("TRAGUARDO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    # Bootstrap Italia CSS, JS, fonts and icons (static files only; our templates are our own).
    "bootstrap_italia_template",
    # The cycle, in order: who (organisation, accounts), plan, monitor, score, individual, report.
    "traguardo.organisation",
    "traguardo.accounts",
    "traguardo.audit",
    "traguardo.jobs",
    "traguardo.plans",
    "traguardo.monitoring",
    "traguardo.scoring",
    "traguardo.individual",
    "traguardo.rewards",
    "traguardo.staff",
    "traguardo.oiv",
    "traguardo.reports",
    "traguardo.exchange",
    "traguardo.api",
    "traguardo.web",
    "traguardo.onboarding",
    "traguardo.transparency",
    "django_prose_editor",  # the narratives' editor: its static files (relazione/narratives)
    "traguardo.ops",
    "traguardo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy with a nonce per request (traguardo/web/csp.py).
    "traguardo.web.csp.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # /<code>/...: the administration named by the URL (traguardo/accounts/middleware.py).
    "traguardo.accounts.middleware.EntityPrefixMiddleware",
    # ... and an object's page under another administration's code is a 404
    # (traguardo/project/object_entities.py).
    "traguardo.project.object_entities.ObjectEntityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Remembers who made each change, for the audit trail.
    "traguardo.audit.middleware.current_user_middleware",
]

ROOT_URLCONF = "traguardo.project.urls"
WSGI_APPLICATION = "traguardo.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "traguardo.web.context.navigation",
                "traguardo.web.csp.nonce",
            ],
        },
    },
]

# SQLite by default: a fresh clone (and the demo) runs with nothing to install or configure,
# and one file under var/ is easy to delete and start over. Production uses PostgreSQL
# through DATABASE_URL (postgres://user:password@host:5432/name); CI tests both.
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        _default_db = dj_database_url.parse(_database_url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    _var_dir = BASE_DIR / "var"
    _var_dir.mkdir(exist_ok=True)  # SQLite creates the file but not its folder.
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_var_dir / "traguardo.sqlite3"),
        # A file, not the in-memory default: in-memory shared-cache databases refuse a
        # second writer immediately ("table is locked") instead of waiting, and a worker
        # process (tests/jobs) must open the same test database.
        "TEST": {"NAME": str(_var_dir / "test_traguardo.sqlite3")},
    }
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # Background tasks (a worker process, or the task run after a request) write beside
    # the requests: wait for the lock rather than fail at once. A deferred transaction that
    # reads and then writes while another connection commits is refused at once ("database
    # is locked": SQLite cannot wait there without a deadlock), so transactions take the
    # write lock when they begin; WAL lets pages keep reading while a task writes.
    _default_db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
        **_default_db.get("OPTIONS", {}),
    }
DATABASES = {"default": _default_db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The username, the administration's name, "traguardo" (accounts/passwords.py).
    {"NAME": "traguardo.accounts.passwords.ContextPasswordValidator"},
]

# Italian first: the users, the documents and the law are Italian. Model and UI strings are
# written in Italian in the code; English comes from translation catalogues in locale/.
LANGUAGE_CODE = "it"
LANGUAGES = [
    ("it", _("Italiano")),
    ("en", _("Inglese")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "core" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files in debug and tests so that
        # a missing `collectstatic` never breaks a page.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Uploaded evidence files and generated documents.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("TRAGUARDO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# E-mail (monitoring reminders): printed on the console in development.
EMAIL_BACKEND = env_str("TRAGUARDO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("TRAGUARDO_DEFAULT_FROM_EMAIL", "traguardo@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "traguardo.api.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Traguardo API",
    "DESCRIPTION": "Piano, monitoraggio e risultati del ciclo della performance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# In debug (and tests) whitenoise serves files straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns if it is missing

# --- Sign-in attempts (accounts/attempts.py) ---------------------------------------------
# Failed sign-ins allowed per username within the lock time; one address gets ten times more.
TRAGUARDO_LOGIN_MAX_FAILURES = env_int("TRAGUARDO_LOGIN_MAX_FAILURES", 5, 1)
TRAGUARDO_LOGIN_LOCK_MINUTES = env_int("TRAGUARDO_LOGIN_LOCK_MINUTES", 15, 1)
# Days an API token lasts (api/tokens.py); a new token or a new password revokes it earlier.
TRAGUARDO_API_TOKEN_DAYS = env_int("TRAGUARDO_API_TOKEN_DAYS", 90, 1)

# --- Monitoring (documented in docs/monitoring.md) -----------------------------------------
# Largest evidence file a user may attach to a monitoring value (10 MB unless set).
TRAGUARDO_EVIDENCE_MAX_BYTES = env_int("TRAGUARDO_EVIDENCE_MAX_MB", 10, 1) * 1024 * 1024
# `send_reminders` writes to owners with missing values this many days before the deadline.
TRAGUARDO_REMINDER_DAYS_BEFORE = env_int("TRAGUARDO_REMINDER_DAYS_BEFORE", 7)
# Address of the application, for the links in reminder e-mails.
TRAGUARDO_SITE_URL = env_str("TRAGUARDO_SITE_URL", "http://127.0.0.1:8000")

# --- Data exchange (traguardo.exchange): limits of uploaded files -----------------------
# Uploads above TRAGUARDO_IMPORT_MAX_UPLOAD_MB are refused before they are read; xlsx/zip
# files are refused if they would expand beyond TRAGUARDO_IMPORT_MAX_UNCOMPRESSED_MB or
# by more than TRAGUARDO_IMPORT_MAX_RATIO times (zip bombs). A confirmed import runs as a
# background task (see "Background tasks" below).
TRAGUARDO_IMPORT_MAX_UPLOAD_MB = env_int("TRAGUARDO_IMPORT_MAX_UPLOAD_MB", 20, 1)
TRAGUARDO_IMPORT_MAX_UNCOMPRESSED_MB = 200
TRAGUARDO_IMPORT_MAX_RATIO = 100

# --- Background tasks (traguardo.jobs, Celery; documented in docs/deploy.md) ---------------
# Relazione generation, confirmed imports and reminder e-mails are Celery tasks. With
# TRAGUARDO_BROKER_URL set (redis://host:6379/1) the web only queues them and `traguardo
# worker` processes, on this machine or others, run them. Unset (development, tests, `make
# demo`, a small single-machine installation) they run at once in the calling process.
TRAGUARDO_BROKER_URL = env_str("TRAGUARDO_BROKER_URL", "")
if TRAGUARDO_BROKER_URL and not TRAGUARDO_BROKER_URL.startswith(
    ("redis://", "rediss://", "amqp://", "amqps://")
):
    raise ImproperlyConfigured(
        f"TRAGUARDO_BROKER_URL must be a redis:// or amqp:// address, not {TRAGUARDO_BROKER_URL!r}"
    )
CELERY_BROKER_URL = TRAGUARDO_BROKER_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not TRAGUARDO_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A job's state is in its own row (jobs.models.Job), not in a Celery result backend.
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged once its task has finished, so a worker that dies mid-task
# leaves it to be delivered again; the job row's conditional claim makes that harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: a worker takes one at a time
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A running job whose last heartbeat is older than this many seconds is shown as interrupted
# (its worker died) and may be retried. Jobs beat at every step, at least every few seconds.
TRAGUARDO_JOB_TIMEOUT = env_int("TRAGUARDO_JOB_TIMEOUT", 300, 10)

# --- REST API (traguardo.api) -----------------------------------------------------------
# One JSON error shape for every API error ({"error": {"code", "message", "fields"}}): the
# handler reshapes errors raised in API views; the middleware turns the HTML 404/500 pages
# Django gives for anything else under /api/ (unknown URL, unexpected exception) into it.
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "traguardo.api.errors.exception_handler"
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "traguardo.api.pagination.Pagination"
MIDDLEWARE.append("traguardo.api.errors.json_errors")
SPECTACULAR_SETTINGS.update(
    {
        "DESCRIPTION": (
            "Piano, monitoraggio e risultati del ciclo della performance. Autenticazione: "
            "token (`Authorization: Token <token>`, da POST /api/v1/token/) o sessione del "
            "browser; i cicli pubblicati si leggono anche senza autenticazione. Ogni errore "
            'ha la forma {"error": {"code", "message", "fields"}}.'
        ),
        # Deterministic output: the committed docs/openapi.yaml is compared with it in CI.
        "SORT_OPERATIONS": True,
        "ENUM_NAME_OVERRIDES": {
            "CycleStateEnum": "traguardo.plans.models.CycleState",
            "PeriodCodeEnum": "traguardo.monitoring.models.PeriodCode",
            "IndicatorKindEnum": "traguardo.plans.models.IndicatorKind",
            "UnitKindEnum": "traguardo.organisation.models.OrgUnitKind",
            "StrategicKindEnum": "traguardo.plans.models.StrategicObjectiveKind",
            "AnnualKindEnum": "traguardo.plans.models.AnnualObjectiveKind",
        },
    }
)


# --- Cache: scored pages and import progress ----------------------------------------------
# Scores of open cycles, rendered parts of the score pages (scoring.score_cache, keyed by
# each cycle's data version) and the progress of background imports live in Django's
# cache. The default keeps them in each server process; with several gunicorn workers a
# shared Redis (redis://host:6379/0) computes each score and part once for all.
TRAGUARDO_CACHE_URL = env_str("TRAGUARDO_CACHE_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # A score and a few parts per cycle, data version, language and filter.
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}
if TRAGUARDO_CACHE_URL:
    if not TRAGUARDO_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"TRAGUARDO_CACHE_URL must be a redis:// address, not {TRAGUARDO_CACHE_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TRAGUARDO_CACHE_URL,
            "KEY_PREFIX": "traguardo",
        }
    }

# --- Production hardening (infra) ---------------------------------------------------------
# HTTPS, cookies, HSTS and the reverse proxy. Defaults are safe for production (debug off)
# and convenient in development (debug on); each variable is documented in docs/settings.md.
# `TRAGUARDO_DEBUG=0 manage.py check --deploy` is clean with the defaults (tests/ops).

# Behind a reverse proxy that terminates TLS (nginx, a load balancer): trust its
# X-Forwarded-Proto header to know the request was HTTPS, and its X-Forwarded-Host.
TRAGUARDO_BEHIND_PROXY = env_bool("TRAGUARDO_BEHIND_PROXY", default=False)
if TRAGUARDO_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = env_bool("TRAGUARDO_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("TRAGUARDO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("TRAGUARDO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRAGUARDO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("TRAGUARDO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload the domain is the operator's decision (it is hard to undo).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
CSRF_TRUSTED_ORIGINS = env_list("TRAGUARDO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_AGE = env_int("TRAGUARDO_SESSION_SECONDS", 8 * 3600)  # one working day
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (traguardo/web/csp.py): empty means the built-in policy.
TRAGUARDO_CSP = env_str("TRAGUARDO_CSP", "")
TRAGUARDO_CSP_REPORT_ONLY = env_bool("TRAGUARDO_CSP_REPORT_ONLY", default=False)

# Reuse database connections between requests (seconds; 0 closes after each request).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("TRAGUARDO_DB_CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Errors and warnings to standard error, where gunicorn and systemd/docker collect them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TRAGUARDO_LOG_LEVEL", "WARNING")},
}

# Where `collectstatic` puts the files whitenoise serves in production.
STATIC_ROOT = Path(env_str("TRAGUARDO_STATIC_ROOT", str(STATIC_ROOT)))
if not DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "traguardo.ops.staticstorage.StaticFilesStorage"
# Our error pages (404.html, 500.html in the web app) before the ones of the Bootstrap
# Italia package, which is listed earlier in INSTALLED_APPS and would otherwise win.
TEMPLATES[0]["DIRS"] = [PACKAGE_DIR / "web" / "templates"]
