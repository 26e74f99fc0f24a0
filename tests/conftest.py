"""Fixtures shared by every test: users of each role, countries, compacts, API clients."""

import pytest
from rest_framework.test import APIClient

from compacts import services
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from tests.compacts.factories import CompactFactory, PartnerCountryFactory, UserFactory


def _flushes_the_database(item) -> bool:
    """Whether the test commits and ends by emptying every table (pytest-django's
    transactional tests), as pytest-django decides it when it orders tests."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return "transactional_db" in fixtures or "live_server" in fixtures


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slowest`` run first: in a parallel run (pytest-xdist hands tests out in
    this order) a test of several minutes started last would leave the other processes idle
    while it runs.

    First, but never before a test that rolls back: a transactional test ends by emptying
    every table, rows the migrations wrote (GAO's recommendations) included, so pytest-django
    runs those tests after all the others that use the database, as Django's runner does.
    Whichever of the two sorts runs last, that order holds."""
    items.sort(key=lambda item: (_flushes_the_database(item),
                                 item.get_closest_marker("slowest") is None))

@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker,
                    django_db_use_migrations, django_db_keepdb, django_db_createdb,
                    django_db_modify_db_settings):
    """pytest-django's set-up, with the test database copied from a migrated template
    (tests/template_db.py) instead of migrated afresh by every test process."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from tests.template_db import copy_test_database

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    reuse = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        copied = (django_db_use_migrations and not reuse and "default" in aliases
                  and copy_test_database())
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized_aliases,
                                 keepdb=bool(reuse or copied))
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _end_other_sessions()
            teardown_databases(db_cfg, verbosity=verbosity)


def _end_other_sessions() -> None:
    """End what still holds the test database open (a live server's request thread that
    outlived its browser), which would keep it from being dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [name])


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: content cached under the records version
    (cpc.access.fragments, oversight.check_cache) must not leak from one test's records into
    the next, whose rolled-back database may reach the same version and ids."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a request in Spanish or French
    leaves its language active in the thread (as Django does), which must not reach the next
    test's direct calls (charts, services)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def past_years_open(db):
    """For tests of other rules that write figures of past fiscal years, which are locked by
    now (120 days after each year; compacts.year_locks): every compact the test creates has
    its fiscal years opened, recorded as TIP staff's unlock with a reason. Modules opt in
    with ``pytestmark = pytest.mark.usefixtures("past_years_open")``; the lock itself is
    tested in tests/compacts/test_year_locks.py."""
    from django.db.models.signals import post_save

    from compacts.models import Compact
    from tests.compacts.factories import open_fiscal_years

    def open_years(sender, instance, created, **kwargs):
        if created and not kwargs.get("raw"):
            open_fiscal_years(instance, *instance.fiscal_years())

    post_save.connect(open_years, sender=Compact, dispatch_uid="past_years_open")
    for compact in Compact.objects.all():
        open_fiscal_years(compact, *compact.fiscal_years())
    yield
    post_save.disconnect(sender=Compact, dispatch_uid="past_years_open")


@pytest.fixture
def ghana(db):
    return PartnerCountryFactory(iso_code="GH", region="africa")


@pytest.fixture
def peru(db):
    return PartnerCountryFactory(iso_code="PE", region="western_hemisphere")


@pytest.fixture
def colombia(db):
    return PartnerCountryFactory(iso_code="CO", region="western_hemisphere")


@pytest.fixture
def ghana_compact(ghana):
    return CompactFactory(country=ghana, title="Ghana Child Protection Compact Partnership")


@pytest.fixture
def peru_compact(peru):
    return CompactFactory(country=peru, title="Peru Child Protection Compact Partnership")


@pytest.fixture
def private_storage(settings, tmp_path):
    """Private files (evidence, guidance documents) in a temporary folder of the test."""
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}
    return tmp_path / "private"


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (seed_demo), loaded once for the tests of a module that only read it
    or change it inside their own rolled-back transaction: loading it takes about ten
    seconds. The rows are committed, with the demo's private files in a folder of the
    module's; afterwards every table is emptied and the rows the migrations wrote (roles, GAO's
    recommendations) come back, as Django's serialized rollback does. Use it through a
    function-scoped fixture that also asks for ``db``."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from compacts.management.commands.seed_demo import load_demo

    private = tmp_path_factory.mktemp("demo-private")
    storages = override_settings(STORAGES=settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(private), "base_url": None}}})
    with django_db_blocker.unblock():
        migrated = connection.creation.serialize_db_to_string()
    storages.enable()
    try:
        with django_db_blocker.unblock():
            load_demo(password="pw-for-tests")
        yield private
    finally:
        storages.disable()
        with django_db_blocker.unblock():
            # Sequences are not reset: the rows coming back keep their ids, below the
            # sequences' values, so no later insert meets them.
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False,
                         inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def staff_user(db):
    user = UserFactory(username="staff", is_staff=True)
    services.user_assign_role(user=user, role=TIP_STAFF)
    return user


@pytest.fixture
def supervisor_user(db):
    """A second TIP Office staff member: the other pair of eyes (four eyes)."""
    user = UserFactory(username="supervisor", is_staff=True)
    services.user_assign_role(user=user, role=TIP_STAFF)
    return user


@pytest.fixture
def supervisor_api(supervisor_user):
    return _client_for(supervisor_user)


@pytest.fixture
def auditor_user(db):
    user = UserFactory(username="audit", is_staff=True)
    services.user_assign_role(user=user, role=AUDITOR)
    return user


@pytest.fixture
def ghana_officer(ghana):
    """An embassy officer assigned to Ghana only."""
    user = UserFactory(username="officer.gh")
    services.user_assign_role(user=user, role=EMBASSY_OFFICER, countries=[ghana])
    return user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")


def _client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def api_for():
    """``api_for(user)`` gives an API client authenticated as ``user``."""
    return _client_for


@pytest.fixture
def staff_api(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def auditor_api(auditor_user):
    return _client_for(auditor_user)


@pytest.fixture
def officer_api(ghana_officer):
    return _client_for(ghana_officer)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-protocol server (moto's server mode) on a free local port."""
    from tests.s3 import MotoServer

    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch):
    """Private files in a new bucket of the local S3 server: for this process through the
    settings, and for worker processes started during the test through the environment, as a
    deployment sets it (PRIVATE_STORAGE_URL and the AWS_* variables)."""
    from cpc.settings.storage import private_storage as storage_for

    bucket = s3_server.new_bucket()
    environ = s3_server.environ(bucket)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = settings.STORAGES | {
        "private": storage_for(url=environ["PRIVATE_STORAGE_URL"], root="", environ=environ)}
    return bucket


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real worker process (not eager mode) consuming the test broker. Tests that need it
    must commit their data (``transaction=True``) so the worker sees it."""
    from tests.worker import WorkerProcess

    worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_broker_folder(request):
    """The test process's own broker folder (see cpc/settings/test.py) goes when the run
    ends, and its worker's log too unless a test failed."""
    yield
    import shutil

    from django.conf import settings

    from tests.worker import worker_log_path

    if not getattr(settings, "REDIS_URL", ""):
        shutil.rmtree(settings.CELERY_BROKER_DIR, ignore_errors=True)
    if not request.session.testsfailed:
        worker_log_path().unlink(missing_ok=True)
