"""Gunicorn's settings for the web app, read from the working directory (/app in the image)
by the Dockerfile, docker-compose.yml and scripts/smoke_production.py alike: ``gunicorn
cpc.wsgi:application -c gunicorn.conf.py``. Each may be changed from the environment.

Threaded workers (gthread): a request mostly waits on PostgreSQL, so a few threads per
process serve others meanwhile, at a fraction of the memory of more processes. Each thread
keeps its own database connection (``CONN_MAX_AGE``): workers x threads connections at most
(3 x 4 = 12 by default).
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 4)
# A request still running after this many seconds is stuck: its worker is restarted.
# Reports render in the Celery worker, never in a request.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart each worker after about this many requests, at different times (jitter), so a
# slow leak never grows and the workers never all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Django is imported once, in the master: a recycled worker is a fork, ready at once,
# instead of a second of imports during which its requests wait. (No database connection
# is open at import time, so none is shared between workers.)
preload_app = True
# The heartbeat file in memory: a container's /tmp may be a slow overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
