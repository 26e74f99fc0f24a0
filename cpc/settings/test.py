"""Settings for the test suite. DATABASE_URL / REDIS_URL still choose the services."""

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-key-not-for-production-use-0123456789abcdefghijklmnop"
)


def _redis_database_of_process(url: str, offset: int) -> str:
    """``url`` moved ``offset`` databases down (wrapping within Redis's 16), whether it names
    its database in the path (``redis://host:6379/15``) or the query (``unix:///sock?db=2``)."""
    if offset >= 16:
        raise RuntimeError(
            f"Test process {offset + 1} would share a Redis database with another: Redis has "
            "16; run at most 16 test processes (scripts/test -n 16).")
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if "db" in query or parts.scheme not in ("redis", "rediss"):
        query["db"] = str((int(query.get("db", 0)) - offset) % 16)
        moved = urlunsplit(parts._replace(query=urlencode(query)))
        # urlunsplit drops the "//" of an empty host (unix:///run/redis.sock).
        return moved if "://" in moved else moved.replace(":", "://", 1)
    database = (int(parts.path.strip("/") or 0) - offset) % 16
    return urlunsplit(parts._replace(path=f"/{database}"))


# One broker per test process: a broker folder of its own, and under pytest-xdist a Redis
# database of its own (the one given, then the ones below it), so that the parallel
# processes of one run never take each other's jobs (a Celery worker taking another
# process's job would run it against the wrong test database). The first import in a test
# process sets them; a worker subprocess started by a test inherits them with the marker and
# changes nothing. pytest-xdist's main process imports these settings too, before its
# workers start: each worker replaces what it inherited from there. Two runs side by side
# need REDIS_URLs of their own.
_test_process = os.environ.get("PYTEST_XDIST_WORKER") or "main"
if os.environ.get("CPC_TEST_SETTINGS_PROCESS") != _test_process:
    os.environ["CPC_TEST_SETTINGS_PROCESS"] = _test_process
    _broker_dir = str(Path(__file__).resolve().parents[2] / "var" / f"test-broker-{os.getpid()}")
    if _test_process == "main":
        os.environ.setdefault("CELERY_BROKER_DIR", _broker_dir)
    else:
        os.environ["CELERY_BROKER_DIR"] = _broker_dir
        if os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = _redis_database_of_process(
                os.environ["REDIS_URL"], int(_test_process.removeprefix("gw") or 0))

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

# The tests that need the second factor turn it on themselves (tests/accounts).
REQUIRE_MFA = False
