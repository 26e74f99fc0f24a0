"""The cache's circuit breaker (cpc/cache.py): after Redis times out, the cache stops
calling it for CACHE_BREAKER_SECONDS, then tries again. Against a real TCP listener on
loopback that accepts connections and never answers, counting them."""

import socket
import threading
import time

import pytest
from django.core.cache import cache

from cpc.settings.base import redis_cache_settings

pytestmark = pytest.mark.django_db

SOCKET_TIMEOUT = 0.3


class SilentListener:
    """Accepts every TCP connection, reads nothing, answers nothing; counts connections."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.server.settimeout(0.1)
        self.accepted, self.held, self.running = 0, [], True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            self.held.append(connection)

    def close(self):
        self.running = False
        self.thread.join()
        for connection in self.held:
            connection.close()
        self.server.close()


@pytest.fixture
def silent_redis(settings):
    listener = SilentListener()
    cache_settings = redis_cache_settings(listener.url)
    cache_settings["OPTIONS"] = {"socket_connect_timeout": SOCKET_TIMEOUT,
                                 "socket_timeout": SOCKET_TIMEOUT}
    settings.CACHES = {"default": cache_settings}
    yield listener
    listener.close()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_breaker_opens_after_the_first_timeout(silent_redis, settings):
    settings.CACHE_BREAKER_SECONDS = 30

    value, first = _timed(lambda: cache.get("dashboard"))
    assert value is None
    assert first >= SOCKET_TIMEOUT  # it waited for Redis...
    assert cache.breaker_open
    attempts = silent_redis.accepted
    assert attempts >= 1

    # ...and then does not call it again: 200 operations, no new connection, no waiting.
    _, later = _timed(lambda: [cache.get(f"k{n}") or cache.set(f"k{n}", n) for n in range(100)])
    assert later < SOCKET_TIMEOUT
    time.sleep(0.3)  # a connection attempt would have reached the listener by now
    assert silent_redis.accepted == attempts


def test_while_redis_is_silent_the_process_memory_keeps_what_was_cached(silent_redis,
                                                                        settings):
    """The dashboard's fragments are found again on the next request (pages keep their
    warm time), and Redis is not called for them."""
    settings.CACHE_BREAKER_SECONDS = 30
    cache.local_cache.clear()
    assert cache.get("dashboard-table") is None  # the one timeout: the breaker opens
    attempts = silent_redis.accepted

    cache.set("dashboard-table", "<table>…</table>", timeout=3600)
    found, elapsed = _timed(lambda: cache.get("dashboard-table"))

    assert found == "<table>…</table>"
    assert elapsed < SOCKET_TIMEOUT
    time.sleep(0.3)
    assert silent_redis.accepted == attempts


def test_the_breaker_tries_redis_again_after_the_pause(silent_redis, settings):
    settings.CACHE_BREAKER_SECONDS = 0.5
    cache.get("k")
    attempts = silent_redis.accepted
    assert cache.breaker_open

    time.sleep(0.6)
    assert not cache.breaker_open
    _, elapsed = _timed(lambda: cache.get("k"))  # tried, timed out: open again
    time.sleep(0.3)
    assert silent_redis.accepted > attempts
    assert elapsed >= SOCKET_TIMEOUT
    assert cache.breaker_open


def test_a_healthy_redis_keeps_the_breaker_closed(settings):
    """The real Redis of the test run (REDIS_URL), in a database the test empties of its
    own keys only."""
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/15"
    settings.CACHES = {"default": redis_cache_settings(url, key_prefix="breaker-test")}
    try:
        cache.set("k", 41)
        assert cache.incr("k") == 42
        assert not cache.breaker_open
    finally:
        from cpc.cache import clear_namespace

        clear_namespace(cache)
