"""``GET /healthz``: is this instance able to serve? For load balancers and Compose.

No sign-in, no session, no template: the database answers ``SELECT 1``, the Celery broker
answers a ping (Redis) or has its folder writable (the embedded filesystem broker), and
the private storage (folder or bucket) takes a small file. 200 when every part is ``ok``,
else 503. The body names each part but never the error itself (the caller is anonymous); the
log has it.
"""

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                      socket_connect_timeout=TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
        return
    # The embedded filesystem broker: the app makes its folder before the first message.
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise OSError(f"broker folder {folder} is missing or not writable")


def check_storage() -> None:
    """The private storage takes, reads back and deletes a small file: the folder on disk,
    or the S3 bucket when PRIVATE_STORAGE_URL is set (through the same storage API)."""
    storage = storages["private"]
    name = storage.save(f".healthz-{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as probe:
            if probe.read() != b"ok":
                raise OSError("the storage gave back other bytes than it was given")
    finally:
        storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


@never_cache
@require_GET
def healthz(request):
    body = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check %s failed", name)
            body[name] = UNAVAILABLE
        else:
            body[name] = OK
    healthy = all(value == OK for value in body.values())
    return JsonResponse({"status": OK if healthy else UNAVAILABLE, **body},
                        status=200 if healthy else 503)
