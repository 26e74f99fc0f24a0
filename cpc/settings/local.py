"""Local development and the README's run command: DEBUG on, a fixed development key."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "local-development-key-not-for-production-use-0123456789abcdef"
)

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

# The development server runs every request in a thread of its own: a persistent connection
# outlives its thread and stays open, idle, until the garbage collector finds it (100
# concurrent requests left 64 idle PostgreSQL connections). Each request closes its own.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Static files come from the finders here; no collected folder is needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Mail goes to files in var/mail/ (one a message), so a fresh run shows notifications
# arriving; DJANGO_EMAIL_BACKEND and EMAIL_FILE_PATH choose another.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND",
                               "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
