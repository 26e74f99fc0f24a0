"""gunicorn.conf.py's hooks: the master builds the URL index and the catalogues once, with no
database work (a connection opened there would be shared by every fork), compiles the
templates and serves the sign-in page once (cpc/warmup.py), and freezes its objects before
each fork so that a worker's full collections skip them."""

import gc
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import clear_url_caches, get_resolver
from django.utils import translation

from cpc.warmup import project_template_names, warm_up

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def hooks():
    return runpy.run_path(str(CONFIG))


@pytest.mark.django_db
def test_when_ready_indexes_the_urls_in_every_language_without_the_database(
        hooks, django_assert_num_queries, settings):
    clear_url_caches()
    assert not get_resolver()._populated
    with django_assert_num_queries(0):
        hooks["when_ready"](None)
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert code in resolver._reverse_dict, code
    assert resolver._populated


def test_pre_fork_freezes_what_the_master_holds(hooks):
    assert hooks["preload_app"] is True  # the objects to freeze are the loaded app
    assert gc.get_freeze_count() == 0
    before = len(gc.get_objects(generation=2))
    try:
        hooks["pre_fork"](None, None)
        assert gc.get_freeze_count() >= before > 1000
        # What a full collection scans afterwards is only what was created since.
        assert len(gc.get_objects(generation=2)) < before / 100
    finally:
        gc.unfreeze()


CACHE_METHODS = ("get", "get_many", "get_or_set", "set", "set_many", "add", "touch", "delete",
                 "delete_many", "incr", "decr", "has_key", "clear")


@pytest.mark.django_db(transaction=True)  # the warm-up closes the connections it finds
def test_warm_up_compiles_the_templates_and_serves_the_sign_in_page_without_database_or_cache(
        settings, django_assert_num_queries, monkeypatch):
    # As in production behind the proxy: a domain pattern, HTTPS required.
    settings.ALLOWED_HOSTS = [".cpc.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    engine = engines["django"].engine
    (loader,) = engine.template_loaders
    assert isinstance(loader, CachedLoader)  # DEBUG off, as in production
    loader.reset()
    for alias in settings.CACHES:  # a cache call in the master would share its socket
        for name in CACHE_METHODS:
            monkeypatch.setattr(caches[alias], name, mock.Mock(side_effect=AssertionError(
                f"the warm-up called cache {alias!r}.{name}")))

    with django_assert_num_queries(0):
        done = warm_up(get_wsgi_application())

    names = project_template_names()
    assert done == {"templates": len(names), "sign-in page": 200}
    assert {"base.html", "registration/login.html", "oversight/dashboard.html"} <= set(names)
    assert not any(name.startswith(("admin/", "rest_framework/")) for name in names)
    assert set(names) <= set(loader.get_template_cache)
    assert connections["default"].connection is None


def test_warm_up_skips_the_request_without_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = []
    assert warm_up(get_wsgi_application())["sign-in page"] is None
