#!/usr/bin/env python3
"""Silent-Redis benchmark: the dashboard's time with the cache on a healthy Redis, on a Redis
that accepts connections and never answers (a TCP listener on loopback started here), with
the cache's circuit breaker (cpc/cache.py) and without it.

    .venv/bin/python scripts/benchmark_silent_redis.py
    .venv/bin/python scripts/benchmark_silent_redis.py --requests 20 --timeout 1.0

It uses (and keeps, so a second run skips the loading) the database ``cpc_bench_redis`` on
the server of ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432), migrates
it and loads the demo data, then signs in as ``tip.staff`` and requests ``/`` in this
process (Django's test client: the whole middleware and view stack, no web server),
``--requests`` times in each case after one warm-up request. The cache is configured as in
production (``cpc.settings.base.redis_cache_settings``: ``--timeout`` seconds to connect
and to read). Healthy Redis: ``--redis-url`` (default database 15 of the local server; only
the benchmark's own keys are touched). A fourth case has no cache at all (every fragment
computed), the least a page can cost while Redis is away. It prints the median and p95 per
case, and the silent cases' medians divided by the healthy one and by the uncached one.
"""

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "cpc_bench_redis"


class SilentListener:
    """Accepts TCP connections, never answers."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(256)
        self.server.settimeout(0.2)
        self.connections, self.running = [], True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                self.connections.append(self.server.accept()[0])
            except (TimeoutError, OSError):
                continue

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def close(self):
        self.running = False
        for connection in self.connections:
            connection.close()
        self.server.close()


def ensure_database(server_url: str, name: str) -> bool:
    """Create the database if needed; True when it was created."""
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=1.0,
                        help="the cache's socket timeouts (REDIS_CACHE_TIMEOUT)")
    parser.add_argument("--breaker-seconds", type=float, default=30.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    created = ensure_database(server, DATABASE)
    os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("DEMO_PASSWORD", "benchmark-pass-2024")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cpc.settings.base"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from cpc.cache import clear_namespace
    from cpc.settings.base import redis_cache_settings

    setup_test_environment()  # the test client's host name, mail kept in memory
    from django.conf import settings

    # Static files by their plain names: no collectstatic needed for the pages to render.
    override_settings(STORAGES=settings.STORAGES | {"staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    call_command("migrate", "--noinput", verbosity=0)
    if created or not get_user_model().objects.filter(username="tip.staff").exists():
        print("Loading the demo data...", flush=True)
        call_command("seed_demo", "--force", verbosity=0)

    client = Client()
    client.force_login(get_user_model().objects.get(username="tip.staff"))

    def cache_at(url, breaker):
        if url is None:  # no cache at all: every page computed in full
            return override_settings(CACHES={"default": {
                "BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
        settings = redis_cache_settings(url, key_prefix="bench-silent-redis")
        settings["OPTIONS"] = {"socket_connect_timeout": args.timeout,
                               "socket_timeout": args.timeout}
        return override_settings(CACHES={"default": settings},
                                 CACHE_BREAKER_SECONDS=breaker)

    def measure(label, url, breaker):
        with cache_at(url, breaker):
            from django.core.cache import cache

            if url == args.redis_url:
                clear_namespace(cache)
            warm = client.get("/")  # warm-up (and the breaker's trip)
            assert warm.status_code == 200, (warm.status_code, warm.get("Location"))
            times = []
            for _ in range(args.requests):
                started = time.monotonic()
                response = client.get("/")
                times.append(time.monotonic() - started)
                assert response.status_code == 200, response.status_code
            if url == args.redis_url:
                clear_namespace(cache)
        median = statistics.median(times)
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        print(f"  {label:<36} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms",
              flush=True)
        return median

    listener = SilentListener()
    try:
        print(f"Dashboard (/), {args.requests} requests each, cache timeouts "
              f"{args.timeout} s:", flush=True)
        healthy = measure("Redis healthy", args.redis_url, args.breaker_seconds)
        uncached = measure("no cache (every fragment computed)", None, 0)
        silent = measure("Redis silent, breaker", listener.url, args.breaker_seconds)
        without = measure("Redis silent, no breaker (pause 0)", listener.url, 0)
    finally:
        listener.close()
    print(f"Ratio to healthy: silent with breaker {silent / healthy:.2f}, "
          f"without {without / healthy:.2f}")
    print(f"Ratio to no cache: silent with breaker {silent / uncached:.2f}, "
          f"without {without / uncached:.2f}")


if __name__ == "__main__":
    main()
