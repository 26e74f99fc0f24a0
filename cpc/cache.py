"""Django's Redis cache, failing open: with Redis unreachable the request goes on without it.

The cache holds nothing a request cannot do without (today the token endpoint's throttle
counts there), so a Redis that refuses connections or does not answer within the socket
timeouts (``cpc.settings.base.redis_cache_settings``) must not fail the request: a read
finds nothing, a write is dropped, and a warning is logged. This is what django-redis calls
``IGNORE_EXCEPTIONS``, on Django's own backend. Brute-force protection does not depend on it:
the sign-in lockout (django-axes) counts in the database.

Only a Redis that cannot be reached is ignored; any other error (a wrong command, a full
Redis refusing writes) still raises.

A circuit breaker keeps a silent Redis from costing every cache call its timeout: after a
failure the cache stops calling Redis for ``CACHE_BREAKER_SECONDS`` (each process on its
own), answering as an empty cache at once, then tries again; a success closes the breaker,
another failure opens it for another pause. So while Redis is silent a process pays one
timeout per pause, not one per call (a dashboard makes dozens), and pages keep their
normal time.

``clear_namespace`` deletes the app's keys (those under the cache's ``KEY_PREFIX``) and no
other: the Redis database is shared with the Celery broker, and perhaps with other tenants,
so ``cache.clear()`` (FLUSHDB) is never the way to empty it.
"""

import functools
import logging
import re
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# redis-py's ConnectionError covers refused and reset connections and a Redis still loading;
# its TimeoutError a connect or read past the socket timeouts.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _missing_key(key, delta=1, version=None):
    # incr()'s contract for a key that is not there: the cache looks empty.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


# What each operation answers while Redis is away: the answer of an empty cache that keeps
# nothing (``set_many`` returns the keys it could not store).
FALLBACKS = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, timeout=None, version=None: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda: False,
    "incr": _missing_key,
}


def _fail_open(name, method):
    fallback = FALLBACKS[name]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self._breaker_open_until:
            return fallback(*args, **kwargs)  # Redis failed a moment ago: not called
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            pause = settings.CACHE_BREAKER_SECONDS
            self._breaker_open_until = time.monotonic() + pause
            logger.warning("Cache unavailable, %s skipped: %s: %s (not called again for %s s)",
                           name, type(error).__name__, error, pause)
            return fallback(*args, **kwargs)

    return wrapper


class FailOpenRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` whose every operation survives an
    unreachable Redis (``decr`` and ``get_or_set`` go through the wrapped ones), behind a
    circuit breaker (see the module's docstring)."""

    # time.monotonic() until which Redis is not called (0: the breaker is closed).
    _breaker_open_until = 0.0

    @property
    def breaker_open(self) -> bool:
        return time.monotonic() < self._breaker_open_until


for _name in FALLBACKS:
    setattr(FailOpenRedisCache, _name, _fail_open(_name, getattr(RedisCache, _name)))
del _name


def _glob_escaped(text: str) -> str:
    return re.sub(r"([\\*?\[\]])", r"\\\1", text)


def clear_namespace(cache) -> int | None:
    """Delete every key of this cache's namespace (``<KEY_PREFIX>:*``, as Django's
    ``make_key`` writes them) from its Redis, scanning in batches (SCAN, then UNLINK); no
    other key is touched. Returns how many were deleted, or ``None`` for a cache that is not
    Redis (a process's local memory, which no other process can clear or be served from).
    An unreachable Redis raises (``UNREACHABLE``)."""
    if not isinstance(cache, RedisCache):
        return None
    client = cache._cache.get_client(write=True)  # the primary, where writes go
    pattern = f"{_glob_escaped(cache.key_prefix)}:*"
    deleted, batch = 0, []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.unlink(*batch)
            batch = []
    if batch:
        deleted += client.unlink(*batch)
    return deleted
