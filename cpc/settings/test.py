"""Settings for the test suite. DATABASE_URL / REDIS_URL still choose the services."""

import os
from pathlib import Path

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-key-not-for-production-use-0123456789abcdefghijklmnop"
)
# One broker folder per test run (the worker subprocess inherits it), so runs side by side
# never take each other's jobs.
os.environ.setdefault(
    "CELERY_BROKER_DIR",
    str(Path(__file__).resolve().parents[2] / "var" / f"test-broker-{os.getpid()}"),
)

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test worker process (tests/worker.py) writes its mail to files a test can read.
if os.environ.get("CPC_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["CPC_TEST_MAIL_DIR"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by a test sees the same data.
    # One file per test run, so two runs side by side do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# Static files come from the finders here; no collected folder is needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Each test run keeps its own cache (the token throttle counts there); clearing it never
# touches the Redis database the Celery broker uses.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production saves a signed-in session again once a minute (its 30 idle minutes start
# again); here that would add a session write to whichever request a query-count test
# happens to count. The session tests (tests/test_security.py) turn it back on.
SESSION_REFRESH_SECONDS = 10**10
