"""The records version's epoch (cpc/access/cache_version.py): each database timeline has its own,
every cache key names it, and a renewal (``new_records_epoch``, ``loaddata``) makes whatever
was cached before unreachable; the cache's namespace is cleared without touching any other
key of the Redis database (cpc/cache.py)."""

import io
import os
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from compacts.models import Compact
from cpc.access.cache_version import content_version, records_epoch, records_version
from cpc.access.models import RecordsVersion
from cpc.cache import clear_namespace
from cpc.settings.base import redis_cache_settings
from notifications.services import unread_count
from tests.compacts.factories import CompactFactory

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: cached reads


def test_the_epoch_is_in_every_content_version_and_kept_by_a_bump(ghana):
    epoch = records_epoch()
    assert uuid.UUID(epoch) and epoch in content_version()
    number = records_version()

    CompactFactory(country=ghana)

    assert records_version() > number
    assert records_epoch() == epoch


def test_new_records_epoch_makes_cached_pages_unreachable(staff_user, ghana_compact):
    client = Client()
    client.force_login(staff_user)
    url = reverse("compacts:compact-list")
    assert ghana_compact.title in client.get(url).content.decode()
    before, number = records_epoch(), records_version()
    # A change the version does not see (a raw update, as a restore or a copy would make)
    Compact.objects.filter(pk=ghana_compact.pk).update(title="Renamed behind the version")
    assert ghana_compact.title in client.get(url).content.decode()  # still the cached page

    out = io.StringIO()
    call_command("new_records_epoch", stdout=out)

    assert records_epoch() != before and records_version() == number
    assert f"New records epoch {records_epoch()}" in out.getvalue()
    assert "Renamed behind the version" in client.get(url).content.decode()


def test_new_records_epoch_says_a_local_cache_has_nothing_shared_to_clear(db):
    out = io.StringIO()
    call_command("new_records_epoch", "--clear-cache", stdout=out)
    assert "nothing shared to clear" in out.getvalue()


def test_loaddata_gives_a_new_epoch_even_to_a_fixture_carrying_another_database_row(
        tmp_path, ghana_compact):
    fixture = tmp_path / "records.json"
    call_command("dumpdata", "access.recordsversion", "compacts.partnercountry",
                 output=str(fixture))
    in_fixture = records_epoch()
    RecordsVersion.objects.filter(pk=1).update(epoch=uuid.uuid4())  # this database's own
    own = records_epoch()

    out = io.StringIO()
    call_command("loaddata", str(fixture), stdout=out)

    assert records_epoch() not in {in_fixture, own}
    assert f"New records epoch {records_epoch()}" in out.getvalue()


def test_the_unread_count_is_keyed_by_the_epoch(staff_user):
    from notifications.services import UNREAD_CACHE

    assert unread_count(staff_user) == 0
    cache = caches["default"]
    key = UNREAD_CACHE.format(epoch=records_epoch(), user_id=staff_user.pk)
    assert cache.get(key) == 0
    cache.set(key, 7)
    assert unread_count(staff_user) == 7
    call_command("new_records_epoch", stdout=io.StringIO())
    assert unread_count(staff_user) == 0  # another timeline's count is not read


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI sets REDIS_URL)")
def test_clearing_the_namespace_deletes_the_app_keys_and_no_other(settings):
    prefix = f"cpc-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": redis_cache_settings(settings.REDIS_URL, key_prefix=prefix)}
    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    neighbour = f"{prefix}x:1:fragment"  # a prefix that merely starts alike
    others = [f"celery-task-meta-{uuid.uuid4()}", neighbour]
    try:
        cache.set_many({f"fragment:{n}": n for n in range(1500)})
        for key in others:
            client.set(key, b"not the app's", ex=600)

        out = io.StringIO()
        call_command("new_records_epoch", "--clear-cache", stdout=out)

        assert f"deleted 1500 keys under '{prefix}:' and no other key" in out.getvalue()
        assert cache.get("fragment:3") is None
        assert all(client.get(key) == b"not the app's" for key in others)
        assert clear_namespace(cache) == 0
    finally:
        client.delete(*others)
        clear_namespace(cache)
