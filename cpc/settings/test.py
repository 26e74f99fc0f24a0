"""Settings for the test suite. DATABASE_URL / REDIS_URL still choose the services."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-key-not-for-production-use-0123456789abcdefghijklmnop"
)
# One broker per test process: a broker folder of its own, and under pytest-xdist a Redis
# database of its own (the one given, then the ones below it), so that test runs and the
# parallel processes of one run never take each other's jobs (a Celery worker taking another
# process's job would run it against the wrong test database). The first import in a test
# process sets them; a worker subprocess started by a test inherits them with the marker and
# changes nothing. pytest-xdist's main process imports these settings too, before its
# workers start: each worker replaces what it inherited from there.
_test_process = os.environ.get("PYTEST_XDIST_WORKER") or "main"
if os.environ.get("CPC_TEST_SETTINGS_PROCESS") != _test_process:
    os.environ["CPC_TEST_SETTINGS_PROCESS"] = _test_process
    _broker_dir = str(Path(__file__).resolve().parents[2] / "var" / f"test-broker-{os.getpid()}")
    if _test_process == "main":
        os.environ.setdefault("CELERY_BROKER_DIR", _broker_dir)
    else:
        os.environ["CELERY_BROKER_DIR"] = _broker_dir
        if os.environ.get("REDIS_URL"):
            _url = urlsplit(os.environ["REDIS_URL"])
            _base = int(_url.path.strip("/") or 0)
            _offset = int(_test_process.removeprefix("gw") or 0)
            _database = _base - _offset if _base >= _offset else _base + _offset
            os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_database}"))

from .base import *  # noqa: E402, F403
from .base import DATABASES, VAR_DIR  # noqa: E402

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
