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
own), then tries again; a success closes the breaker, another failure opens it for another
pause. So while Redis is silent a process pays one timeout per pause, not one per call (a
dashboard makes dozens).

Meanwhile each process caches in its own memory (Django's local-memory cache, at most
``LOCAL_ENTRIES`` entries, each kept at most ``LOCAL_SECONDS``), so pages keep close to
their normal time instead of computing every fragment on every request. That is safe for
what is cached here: verdicts and fragments are keyed by the records version, which lives in
the database (``cpc.access.cache_version``), so no process serves one older than the records; the
unread-notification count, invalidated by a delete that another process's memory does not
see, may lag by at most ``LOCAL_SECONDS``.

``clear_namespace`` deletes the app's keys (those under the cache's ``KEY_PREFIX``) and no
other: the Redis database is shared with the Celery broker, and perhaps with other tenants,
so ``cache.clear()`` (FLUSHDB) is never the way to empty it.
"""

import functools
import logging
import re
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# redis-py's ConnectionError covers refused and reset connections and a Redis still loading;
# its TimeoutError a connect or read past the socket timeouts.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


# The operations that go to the process's memory while Redis is away.
FALLBACKS = ("get", "get_many", "has_key", "add", "set", "set_many", "touch", "delete",
             "delete_many", "clear", "incr")
TIMEOUT_ARGUMENT = {"add": 2, "set": 2, "set_many": 1, "touch": 1}  # positional index

# The process's own cache while Redis is away: how many entries, and for how long at most.
LOCAL_ENTRIES = 2000
LOCAL_SECONDS = 60


def _local_timeout(timeout):
    # None (never expires) and DEFAULT_TIMEOUT alike become at most LOCAL_SECONDS.
    if isinstance(timeout, int | float) and 0 < timeout < LOCAL_SECONDS:
        return timeout
    return LOCAL_SECONDS


def _in_memory(self, name, args, kwargs):
    local = self.local_cache
    if name in TIMEOUT_ARGUMENT:
        index = TIMEOUT_ARGUMENT[name]
        if "timeout" in kwargs or len(args) <= index:
            kwargs = kwargs | {"timeout": _local_timeout(kwargs.get("timeout", LOCAL_SECONDS))}
        else:
            args = (*args[:index], _local_timeout(args[index]), *args[index + 1:])
    return getattr(local, name)(*args, **kwargs)


def _fail_open(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self._breaker_open_until:
            return _in_memory(self, name, args, kwargs)  # Redis failed a moment ago
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            pause = settings.CACHE_BREAKER_SECONDS
            self._breaker_open_until = time.monotonic() + pause
            logger.warning("Cache unavailable, %s served from this process's memory: %s: %s "
                           "(Redis not called again for %s s)",
                           name, type(error).__name__, error, pause)
            return _in_memory(self, name, args, kwargs)

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

    @functools.cached_property
    def local_cache(self) -> LocMemCache:
        """This process's memory, where the cache goes while Redis is away."""
        # One store per process and key prefix (Django's local-memory caches of one name
        # share it), whichever thread's cache object asks.
        return LocMemCache(f"cpc-fallback:{self.key_prefix}", {
            "TIMEOUT": LOCAL_SECONDS, "KEY_PREFIX": self.key_prefix,
            "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}})


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
