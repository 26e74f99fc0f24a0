"""Real faults for the tests of this folder: a Redis that refuses or does not answer."""

import socket

import pytest

from cpc.settings.base import REDIS_BROKER_TRANSPORT_OPTIONS, redis_cache_settings

# Nothing listens on port 1: connecting is refused at once, as when Redis is down.
REFUSING_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def silent_redis_url():
    """A port that accepts TCP connections and never answers (the kernel completes the
    handshake for the listen backlog): a Redis hung, or cut off behind a firewall."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


@pytest.fixture
def redis_at(settings):
    """``redis_at(url)`` points every Redis client of the app at ``url``, configured as in
    production (``REDIS_URL``): the cache, with it the token throttle, and the Celery broker
    (the app's publishing side and /healthz). Put back when the test ends."""
    from cpc.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options, app._pool,
             app.amqp._producer_pool)

    def switch(url, options, pool, producer_pool):
        app.conf.broker_url = url
        app.conf.broker_transport_options = options
        app._pool = pool
        app.amqp._producer_pool = producer_pool

    def point_at(url):
        settings.CACHES = {"default": redis_cache_settings(url)}
        settings.CELERY_BROKER_URL = url
        switch(url, dict(REDIS_BROKER_TRANSPORT_OPTIONS), None, None)
        return url

    yield point_at
    # The pools made for the dead URL hold no open connection; they are left to the
    # garbage collector (closing one would leave a closed pool in kombu's registry).
    switch(*saved)
