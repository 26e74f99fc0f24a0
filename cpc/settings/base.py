"""Settings shared by every environment.

Everything that differs between machines is read from the environment through one
``environ.Env`` object. Without any environment the project runs on an embedded default:
SQLite in ``var/`` and a Celery broker on the local filesystem, so no server is needed.
With ``DATABASE_URL`` and ``REDIS_URL`` the same code runs on PostgreSQL and Redis.
"""

import os
from pathlib import Path

from .api import *  # noqa: F403  (REST_FRAMEWORK, SPECTACULAR_SETTINGS, ...)
from .environment import BASE_DIR, VAR_DIR, env
from .security import *  # noqa: F403  (passwords, lockout, sessions, OIDC, ...)
from .storage import private_storage

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The project's own apps (cpc.release fingerprints their code).
PROJECT_APPS = [
    "compacts",
    "accounts",
    "indicators",
    "dialogues",
    "contributions",
    "publishing",
    "oversight",
    "reports",
    "notifications",
    "search",
    "audit",
    "workspace",
]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The core below the domain apps (roles, scope, the records version).
    "cpc.access",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cpc.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The records version is read once a request (cpc.access.cache_version).
    "cpc.access.cache_version.RequestVersionMiddleware",
    "cpc.security.SessionIdleRefreshMiddleware",
    # The reader's language: the language cookie, else Accept-Language, else English. After
    # the session, before CommonMiddleware (docs/i18n.md).
    "django.middleware.locale.LocaleMiddleware",
    # Sets the language cookie to the language a user chose, at sign-in.
    "cpc.access.language.RememberedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in user are kept by no cache (browser, proxy): after
    # authentication, so that it knows the user (static files are answered above it).
    "cpc.security.NoStoreForSignedInMiddleware",
    # Which second factor verified the session (django-otp), then: a session whose second
    # step is missing reaches only the second step, enrolment and sign-out (accounts/).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused by the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpc.urls"
WSGI_APPLICATION = "cpc.wsgi.application"
ASGI_APPLICATION = "cpc.asgi.application"

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
                "cpc.access.context_processors.roles",
                "workspace.context_processors.my_work",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # The web server and the worker share one SQLite file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A database host that does not answer fails the request (and /healthz, 503) after this
    # many seconds instead of the system's TCP timeout (minutes).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalization -------------------------------------------------------------
# The interface in English, Spanish and French (docs/i18n.md). URLs carry no language
# prefix: each reader's choice is a cookie, kept on their profile and set again at sign-in.
# Oversight reports (the PDFs) stay in English.
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

# --- Static and private files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Private files (reports, evidence, plan documents) never live under a public URL: they are
# served only by views that check the user's role and country scope.
# A folder by default; an S3-compatible bucket when PRIVATE_STORAGE_URL is set (see
# cpc/settings/storage.py and docs/deployment.md), for web and workers on several machines.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_STORAGE_URL = env("PRIVATE_STORAGE_URL", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage(url=PRIVATE_STORAGE_URL, root=str(PRIVATE_STORAGE_ROOT),
                               environ=os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Uploads (cpc/uploads.py) -----------------------------------------------------------
# The largest file a user may upload (evidence, plan and guidance documents, reports to
# verify); a larger one is refused with a field error and never stored.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Small uploads stay in memory; larger ones go to a temporary file, which the limited handler
# stops writing (and deletes) once the file passes UPLOAD_MAX_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "cpc.uploads.SizeLimitedUploadHandler",
]
# Everything in a request that is not a file (form fields, a JSON body): the data-entry grid
# of a large compact is the biggest, far below this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# The embedded broker's URL names its (unused) host: kombu warns "No hostname was supplied"
# each time it reads a bare ``filesystem://``, then uses this very URL.
EMBEDDED_BROKER_URL = "filesystem://localhost//"
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # kombu waits forever on a Redis that accepted the connection and went silent (a
    # failover, a dropped NAT entry); a publish from a web request gives up instead. Longer
    # than the worker's blocking poll (1 s), which must not time out.
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    # kombu's filesystem transport: messages are files in var/broker, so a real worker
    # process runs the jobs without any server.
    CELERY_BROKER_URL = EMBEDDED_BROKER_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu's default is ./control, relative to whatever folder the process started in.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request is bounded: kombu gives up connecting after this many seconds
# (its default, 4 s, is retried to ~6 s); callers publish with retry=False and keep what they
# could not send (reports.services.report_dispatch).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Worker processes, each holding at most one database connection (closed after each task
# unless CONN_MAX_AGE keeps it): with beat, the worker needs concurrency + 1 connections.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks: each app adds its entries below (Celery beat).
CELERY_BEAT_SCHEDULE: dict = {}

# --- Cache ----------------------------------------------------------------------------
# Nothing in the cache is needed to answer a request (the token endpoint's throttle counts
# there): with Redis down the cache fails open (cpc/cache.py), logging a warning, and gives
# up connecting or reading after REDIS_CACHE_TIMEOUT seconds, so no request waits long.
REDIS_CACHE_TIMEOUT = env.float("REDIS_CACHE_TIMEOUT", default=1.0)
# After a Redis call fails (refused, timed out), the cache does not call Redis again for this
# many seconds (a circuit breaker, per process; cpc/cache.py): one timeout per pause, not
# one per cache call of every page.
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=30.0)
# Every key the app caches starts with "<prefix>:", in a Redis database it shares with the
# Celery broker: scripts/restore (manage.py new_records_epoch --clear-cache) deletes those
# keys and no other. Deployments sharing one Redis database may each take a prefix of their
# own, so that one's restore leaves the other's cache alone.
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="cpc")


def redis_cache_settings(url: str, key_prefix: str = CACHE_KEY_PREFIX) -> dict:
    return {"BACKEND": "cpc.cache.FailOpenRedisCache", "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_connect_timeout": REDIS_CACHE_TIMEOUT,
                        "socket_timeout": REDIS_CACHE_TIMEOUT}}


if REDIS_URL:
    CACHES = {"default": redis_cache_settings(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# The address people reach the app at: links in emails are built from it (a mail client
# cannot open a bare path). Production requires it (production.py).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="cpc-oversight@localhost")
# The SMTP server (production's backend). A send that fails is recorded and tried again
# (reminders: contributions.services.reminders_send); a silent server is given up on after
# EMAIL_TIMEOUT seconds rather than holding a worker.
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)

# --- Imports --------------------------------------------------------------------------
# Limits every spreadsheet import (contributions, bulk results) checks before a workbook is
# opened (cpc/spreadsheets.py, docs/security.md "Input limits"): the file's size in bytes,
# the size its zip parts unpack to (each and together), the cells its sheets hold and the
# rows (blank ones included; a CSV too).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2_000_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=50_000_000)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=200_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# Check 5 (partner contributions tracked) counts a contribution only from this value in U.S.
# dollars: a token amount does not show that contributions are tracked (docs/compliance.md).
CHECK5_MIN_USD = env.int("CHECK5_MIN_USD", default=1000)

# --- IATI publishing (publishing app, docs/iati.md) -------------------------------------
# The reporting organisation's IATI organisation identifier: the U.S. Department of State
# publishes as US-GOV-11. Activity identifiers start with it, so changing it changes them.
IATI_REPORTING_ORG_REF = env("IATI_REPORTING_ORG_REF", default="US-GOV-11")
# Each activity's contact-info: the office that answers for the compacts. An empty value is
# left out of the file.
IATI_CONTACT_ORGANISATION = env("IATI_CONTACT_ORGANISATION", default="U.S. Department of State")
IATI_CONTACT_DEPARTMENT = env(
    "IATI_CONTACT_DEPARTMENT", default="Office to Monitor and Combat Trafficking in Persons")
IATI_CONTACT_EMAIL = env("IATI_CONTACT_EMAIL", default="")
IATI_CONTACT_WEBSITE = env(
    "IATI_CONTACT_WEBSITE",
    default="https://www.state.gov/bureaus-offices/under-secretary-for-civilian-security-"
            "democracy-and-human-rights/office-to-monitor-and-combat-trafficking-in-persons/")
IATI_CONTACT_MAILING_ADDRESS = env(
    "IATI_CONTACT_MAILING_ADDRESS",
    default="Office to Monitor and Combat Trafficking in Persons, U.S. Department of State, "
            "2201 C Street NW, Washington, DC 20520, United States")

# --- History ------------------------------------------------------------------------
# Reasons for changes (for example to an approved result) are kept whole, not cut at 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is read, never reverted from the admin (cpc.access.admin.ScopedAdmin refuses the POST).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Demo data ------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2024")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_errors": {"()": "cpc.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's records go to the root's handler alone: Django's own console handler
        # (DEBUG only) printed each warning a second time, unformatted; no ADMINS are mailed.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # An expected 4xx (a PermissionDenied) logs its warning line without a traceback.
        "django.request": {"filters": ["client_errors"]},
    },
}

# --- Periodic tasks (Celery beat) -------------------------------------------------------
from celery.schedules import crontab  # noqa: E402

# Overdue sustainability plans and dialogues without key indicators: each reminder once.
CELERY_BEAT_SCHEDULE["notifications-dialogues-not-ready"] = {
    "task": "notifications.dialogues_not_ready",
    "schedule": crontab(hour=6, minute=45),
}
# The day's notifications, one email per person who chose the daily digest.
CELERY_BEAT_SCHEDULE["notifications-send-digests"] = {
    "task": "notifications.send_digests",
    "schedule": crontab(hour=17, minute=30),
}
CELERY_BEAT_SCHEDULE["indicators-sweep-bulk-previews"] = {
    "task": "indicators.sweep_bulk_previews",
    "schedule": crontab(minute=17),
}
CELERY_BEAT_SCHEDULE["contributions-send-reminders"] = {
    "task": "contributions.send_reminders",
    "schedule": crontab(hour=6, minute=30),
}
# Accounts not signed in for INACTIVE_ACCOUNT_DAYS days are disabled (audit app, AC-2(3)).
CELERY_BEAT_SCHEDULE["audit-disable-inactive-accounts"] = {
    "task": "audit.disable_inactive_accounts",
    "schedule": crontab(hour=5, minute=50),
}
INACTIVE_ACCOUNT_DAYS = env.int("INACTIVE_ACCOUNT_DAYS", default=90)
# Service accounts (usernames) that sign in with a token from a script and are never
# disabled for inactivity: each one named here on purpose, and reviewed with the rest.
INACTIVE_ACCOUNT_EXEMPT = env.list("INACTIVE_ACCOUNT_EXEMPT", default=[])

# --- Oversight reports (reports app) ----------------------------------------------------
# A render takes seconds (the 30-compact program report 8 s). Past the soft limit the job
# fails with a message; past the hard limit the worker process is killed.
# Past this many compacts the program report gives each compact a row of a summary table
# instead of a section of its own (docs/reports.md, "Scale").
REPORTS_PROGRAM_DETAIL_LIMIT = env.int("REPORTS_PROGRAM_DETAIL_LIMIT", default=40)
REPORTS_RENDER_SOFT_TIME_LIMIT = env.int("REPORTS_RENDER_SOFT_TIME_LIMIT", default=3 * 60)
REPORTS_RENDER_TIME_LIMIT = env.int("REPORTS_RENDER_TIME_LIMIT", default=4 * 60)
# Each render step touches the job's heartbeat. A running job without one for this long lost
# its worker (killed, restarted): the sweeper fails it. Longer than the hard limit, so a live
# render is never swept. A dispatched job still queued after REPORTS_QUEUED_TIMEOUT_MINUTES
# was never picked up. The sweeper also dispatches jobs kept while the broker was down.
REPORTS_HEARTBEAT_TIMEOUT_MINUTES = env.int("REPORTS_HEARTBEAT_TIMEOUT_MINUTES", default=5)
REPORTS_QUEUED_TIMEOUT_MINUTES = env.int("REPORTS_QUEUED_TIMEOUT_MINUTES", default=60)
CELERY_BEAT_SCHEDULE["reports-sweep-stale-jobs"] = {
    "task": "reports.sweep_stale_jobs",
    "schedule": 60.0,  # seconds
}
# WeasyPrint logs every layout step at INFO; keep its warnings (missing fonts, bad CSS).
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}
