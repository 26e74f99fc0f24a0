"""Gunicorn's settings for the web app, read from the working directory (/app in the image)
by the Dockerfile, docker-compose.yml and scripts/smoke_production.py alike: ``gunicorn
cpc.wsgi:application -c gunicorn.conf.py``. Each may be changed from the environment.

Threaded workers (gthread): a request mostly waits on PostgreSQL, so a few threads per
process serve others meanwhile, at a fraction of the memory of more processes. Each thread
keeps its own database connection (``CONN_MAX_AGE``): workers x threads connections at most
(3 x 4 = 12 by default).
"""

import gc
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


def when_ready(server):
    """In the master, once the app is loaded and before the first worker is forked: build
    what every worker would otherwise build on its first requests (the URL index, the
    translation catalogues, the release fingerprint, the compiled templates, the static
    files' manifest; cpc/warmup.py), so that it is shared by the forks and frozen with the
    rest."""
    from cpc.warmup import warm_up

    done = warm_up(server.app.wsgi() if server is not None else None)
    if server is not None:
        server.log.info("Warmed up before forking: %s", done)


def pre_fork(server, worker):
    """Freeze the master's objects (Django, the app's modules, all loaded once with
    ``preload_app``) before each fork. The garbage collector's full collections then scan
    only what a worker creates itself: measured on this app, a full collection of the
    loaded interpreter took 41-48 ms, with the objects frozen under 0.1 ms. Those pauses,
    every few seconds under load, were the long tail of every page's latency. (Frozen
    objects are also never written by the collector, so the forks keep sharing their
    memory pages.)"""
    gc.freeze()
