import pytest
from django.core.files.storage import storages

from reports.models import ReportJob


@pytest.fixture
def private_storage(settings, tmp_path):
    """A private storage folder of the test's own (only for tests without the worker
    process, which reads the settings it started with)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }
    return storages["private"]


@pytest.fixture
def remove_report_files():
    """Reports rendered by the worker go to the shared private folder: remove them after."""
    yield
    storage = storages["private"]
    for name in ReportJob.objects.exclude(pdf="").values_list("pdf", flat=True):
        if storage.exists(name):
            storage.delete(name)


# Nothing listens on port 1: connecting is refused at once, as when Redis is down.
UNREACHABLE_BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    """The Celery app publishes to a real broker URL that refuses connections, until the
    test calls the fixture's ``restore()`` (or ends). The app's connection and producer pools
    are set aside and put back, so later tests publish to the test broker again."""
    from cpc.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)

    def switch(url, pool, producer_pool):
        app.conf.broker_url = url
        app._pool = pool
        app.amqp._producer_pool = producer_pool

    class Outage:
        url = UNREACHABLE_BROKER_URL

        def restore(self):
            # kombu keeps the unreachable URL's pool for the next test: it holds no open
            # connection, and closing it would leave a closed pool in kombu's registry.
            if app.conf.broker_url == UNREACHABLE_BROKER_URL:
                switch(*saved)

    switch(UNREACHABLE_BROKER_URL, None, None)
    outage = Outage()
    yield outage
    outage.restore()
