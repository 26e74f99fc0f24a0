"""gunicorn.conf.py's hooks: the master builds the URL index and the catalogues once, with no
database work (a connection opened there would be shared by every fork), and freezes its
objects before each fork so that a worker's full collections skip them."""

import gc
import runpy
from pathlib import Path

import pytest
from django.urls import clear_url_caches, get_resolver
from django.utils import translation

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
