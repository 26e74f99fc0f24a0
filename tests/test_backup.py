"""scripts/backup and scripts/restore, for real: pg_dump and pg_restore round-trip the demo
database and its private files into a second, fresh database and folder; after a restore
under a running Redis, and for two databases sharing one, the cache serves only the records
of the database a request reads."""

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from compacts.models import Compact
from compacts.versioning import records_version
from contributions import services as contribution_services
from contributions.models import SustainabilityPlan
from reports import services as report_services
from tests import worker
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.documents import pdf_bytes
from tests.reports.factories import ReportJobFactory

ROOT = Path(__file__).resolve().parent.parent

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: backups are pg_dump/pg_restore, and DATABASE_URL is not a "
           "PostgreSQL URL here (CI runs this on PostgreSQL)",
)


def run_script(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / name), *args], cwd=ROOT,
                          env=os.environ | env, capture_output=True, text=True, timeout=300)


def database_url(name: str) -> str:
    base = worker.test_database_url()
    return base.rsplit("/", 1)[0] + "/" + name


class Databases:
    """Extra databases beside the test database, dropped at the end."""

    def __init__(self):
        self.names = []

    def _admin(self, sql: str) -> None:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(sql)

    def create(self, suffix: str) -> str:
        name = f"{connection.settings_dict['NAME']}_{suffix}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        self._admin(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return database_url(name)

    def drop_all(self) -> None:
        for name in self.names:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def databases():
    extra = Databases()
    yield extra
    extra.drop_all()


@pytest.fixture
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(root), "base_url": None}},
    }
    return root


def snapshot(url: str) -> dict:
    """Every table's rows (as sorted text, so that any column type compares) and every
    sequence's position, read over a plain connection."""
    tables = {}
    with psycopg.connect(url) as db:
        names = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        for name in names:
            rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
            tables[name] = sorted(repr(row) for row in rows)
        sequences = dict(db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))
    return {"tables": tables, "sequences": sequences}


def epoch_of(url: str) -> str:
    with psycopg.connect(url) as db:
        return db.execute("SELECT epoch FROM compacts_recordsversion").fetchone()[0].hex


def number_of(url: str) -> int:
    with psycopg.connect(url) as db:
        return db.execute("SELECT number FROM compacts_recordsversion").fetchone()[0]


def files_of(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def backup(env: dict) -> Path:
    result = run_script("backup", env=env)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == {"database.dump", "private-files.tar",
                                                  "manifest.txt"}
    return folder


@needs_postgres
@pytest.mark.django_db(transaction=True)  # committed: pg_dump reads from another session
@pytest.mark.usefixtures("past_years_open")
def test_backup_restores_the_demo_data_and_files_into_a_fresh_database(
    tmp_path, private_root, databases, monkeypatch
):
    # Given the demo data with evidence, a plan document and a rendered report on file
    # (outside DEBUG the demo users need a password of the operator's own)
    monkeypatch.setenv("DEMO_PASSWORD", "backup-test-password")
    call_command("seed_demo", "--force")
    staff = get_user_model().objects.get(username="tip.staff")
    compact = Compact.objects.filter(country__iso_code="CO").order_by("pk").first()
    contribution = contribution_services.contribution_create(
        user=staff, compact=compact, fiscal_year=compact.fiscal_years()[0], kind="funding",
        description="Ministry shelter budget", amount_local=Decimal("5000000.00"),
        currency="COP", amount_usd=Decimal("1250.00"),
        evidence=SimpleUploadedFile("budget extract.pdf", pdf_bytes("Budget extract.")))
    plan = SustainabilityPlan.objects.get(compact=compact)
    contribution_services.plan_update(plan=plan, data={
        "document": SimpleUploadedFile("plan.pdf", pdf_bytes("Sustainability plan."))})
    job = ReportJobFactory(compact=compact, requested_by=staff,
                           fiscal_year=compact.fiscal_years()[0])
    assert report_services.report_render(job_id=job.pk).status == "succeeded"
    source_url = worker.test_database_url()
    source_files = files_of(private_root)
    # The demo's sample evidence, and the evidence, plan document and report added here.
    job.refresh_from_db()
    stored = {contribution.evidence.name, plan.document.name, job.pdf.name}
    assert stored <= set(source_files) and len(source_files) > len(stored)

    # When it is backed up and restored into a second, fresh database and folder
    folder = backup({"DATABASE_URL": source_url, "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups")})
    manifest = (folder / "manifest.txt").read_text()
    assert "reports 0002_dispatch_error_and_heartbeat" in manifest
    assert hashlib.sha256((folder / "database.dump").read_bytes()).hexdigest() in manifest
    restored_url = databases.create("restored")
    restored_root = tmp_path / "restored-private"
    restore_env = {"DATABASE_URL": restored_url, "PRIVATE_STORAGE_ROOT": str(restored_root)}
    result = run_script("restore", str(folder), env=restore_env)
    assert result.returncode == 0, result.stderr

    # Then every table has the same rows, the history tables included, and the files match
    source, restored = snapshot(source_url), snapshot(restored_url)
    assert set(restored["tables"]) == set(source["tables"])
    counts = {name: len(rows) for name, rows in source["tables"].items()}
    assert {name: len(rows) for name, rows in restored["tables"].items()} == counts
    history = [name for name in source["tables"] if "_historical" in name]
    assert len(history) >= 20 and sum(counts[name] for name in history) > 100
    for name in history:
        assert restored["tables"][name] == source["tables"][name], name
    # every row alike but the records version's epoch, which the restore made anew
    version = "compacts_recordsversion"
    assert epoch_of(restored_url) != epoch_of(source_url)
    assert number_of(restored_url) == number_of(source_url)
    assert ({k: v for k, v in restored["tables"].items() if k != version}
            == {k: v for k, v in source["tables"].items() if k != version})
    assert restored["sequences"] == source["sequences"]  # new rows get new ids
    assert files_of(restored_root) == source_files

    # And a second restore over the now full database and folder is refused
    again = run_script("restore", str(folder), env=restore_env)
    assert again.returncode != 0
    assert "is not empty" in again.stderr and "--force" in again.stderr


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_writes_nothing(tmp_path, private_root,
                                                             databases):
    private_root.mkdir()
    (private_root / "evidence.pdf").write_bytes(b"%PDF-1.4 evidence")
    folder = backup({"DATABASE_URL": worker.test_database_url(),
                     "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups")})
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    data = bytearray((damaged / "database.dump").read_bytes())
    data[len(data) // 2] ^= 0x01
    (damaged / "database.dump").write_bytes(bytes(data))

    empty_url = databases.create("untouched")
    target = tmp_path / "untouched-private"
    result = run_script("restore", str(damaged), env={
        "DATABASE_URL": empty_url, "PRIVATE_STORAGE_ROOT": str(target)})

    assert result.returncode != 0
    assert "does not match its manifest" in result.stderr
    assert snapshot(empty_url)["tables"] == {}
    assert not target.exists()


def test_backup_refuses_the_embedded_sqlite_database(tmp_path):
    for url in ("sqlite:///var/db.sqlite3", ""):
        result = run_script("backup", str(tmp_path), env={"DATABASE_URL": url})
        assert result.returncode != 0
        assert "PostgreSQL" in result.stderr or "postgres://" in result.stderr
        assert "SQLite" in result.stderr
    assert not list(tmp_path.iterdir())


# --- A restore, or a second database, under one running Redis (issue 29) ------------------

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: the cache shared across a restore and by two databases is Redis "
           "(CI sets REDIS_URL)",
)


@pytest.fixture
def redis_cache(settings):
    """The app's cache in Redis, as in production, under a key prefix of this test's own;
    the test process's Redis database also holds its Celery broker's keys."""
    from django.core.cache import caches

    from cpc.cache import clear_namespace
    from cpc.settings.base import redis_cache_settings

    prefix = f"cpc-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": redis_cache_settings(settings.REDIS_URL, key_prefix=prefix)}
    cache = caches["default"]
    yield cache
    clear_namespace(cache)


def redis_client(cache):
    return cache._cache.get_client(write=True)


def production_env(url: str, cache) -> dict:
    """What a production deployment's restore runs with: its settings, database and Redis."""
    return {"DJANGO_SETTINGS_MODULE": "cpc.settings.production",
            "DJANGO_SECRET_KEY": "restore-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "testserver", "DATABASE_URL": url,
            "REDIS_URL": cache._servers[0], "CACHE_KEY_PREFIX": cache.key_prefix}


class Reader:
    """Staff reading and writing compacts through the API and through the compacts page."""

    def __init__(self, staff):
        self.api = APIClient()
        self.api.force_authenticate(user=staff)
        self.page = Client()
        self.page.force_login(staff)  # the session is a row: taken into the backup

    def create(self, title: str, country) -> None:
        response = self.api.post("/api/v1/compacts/", {
            "country": country.pk, "title": title, "status": "signed",
            "signed_on": "2025-01-15", "start_date": "2025-02-01", "end_date": "2030-01-31",
            "us_funding_usd": "1000000.00", "partner_contribution_planned_usd": "0.00",
            "objectives": []}, format="json")
        assert response.status_code == 201, response.content

    def titles(self) -> tuple[set, str]:
        """The titles the API lists, and the compacts page's HTML."""
        api = self.api.get("/api/v1/compacts/?page_size=200")
        page = self.page.get("/compacts/")
        assert api.status_code == 200 and page.status_code == 200
        return {row["title"] for row in api.json()["results"]}, page.content.decode()


def assert_lists(reader: Reader, *, shown: str, gone: str) -> None:
    api, page = reader.titles()
    assert shown in api and gone not in api
    assert shown in page and gone not in page


@needs_postgres
@needs_redis
@pytest.mark.django_db(transaction=True)  # committed: pg_dump reads from another session
def test_after_a_restore_the_cache_serves_only_the_restored_records(
    tmp_path, private_root, redis_cache, staff_user
):
    # Given compacts, staff reading them (cached), and a key of another tenant of the Redis
    # database (the broker's)
    CompactFactory(title="Compact before the backup")
    kenya = PartnerCountryFactory(iso_code="KE")
    reader = Reader(staff_user)
    assert "Compact before the backup" in reader.titles()[0]
    bystander = f"bystander-{uuid.uuid4().hex}"
    redis_client(redis_cache).set(bystander, b"broker's", ex=600)
    url = worker.test_database_url()
    private_root.mkdir()
    folder = backup({"DATABASE_URL": url, "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups")})

    # When staff create ALPHA and list it, through the API and the page
    reader.create("ALPHA Child Protection Compact", kenya)
    assert_lists(reader, shown="ALPHA Child Protection Compact", gone="BETA")
    alpha_version = records_version()

    # and the backup is restored over the database (the records before ALPHA) while Redis
    # keeps running
    connection.close()
    result = run_script("restore", "--force", str(folder), env=production_env(url, redis_cache)
                        | {"PRIVATE_STORAGE_ROOT": str(tmp_path / "restored-private")})
    assert result.returncode == 0, result.stderr
    assert not Compact.objects.filter(title__startswith="ALPHA").exists()

    # and staff then create BETA
    reader.create("BETA Child Protection Compact", kenya)

    # Then the API and the page list BETA and not ALPHA, though the counter is back where
    # ALPHA's lists were cached
    assert records_version() == alpha_version
    assert_lists(reader, shown="BETA Child Protection Compact", gone="ALPHA")
    # and the restore said what it deleted from the cache: the app's keys, no other
    deleted = re.search(r"deleted (\d+) keys under '(.+?):' and no other key", result.stdout)
    assert deleted and int(deleted[1]) > 0 and deleted[2] == redis_cache.key_prefix
    assert redis_client(redis_cache).get(bystander) == b"broker's"
    redis_client(redis_cache).delete(bystander)


class Serving:
    """Points the app (this process's connection) at one database or another."""

    def __init__(self):
        self.home = connection.settings_dict["NAME"]

    @contextlib.contextmanager
    def database(self, name: str):
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = self.home


@needs_postgres
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_two_databases_sharing_one_redis_never_read_each_others_cache(
    databases, redis_cache, staff_user
):
    # Given a database with compacts and a copy of it made outside scripts/restore, which
    # carries the same epoch and counter until it is renewed
    CompactFactory(title="Compact of both databases")
    kenya = PartnerCountryFactory(iso_code="KE")
    reader = Reader(staff_user)
    first_url = worker.test_database_url()
    second_url = databases.create("copy")
    copy = subprocess.run(
        f"pg_dump --format=custom '{first_url}' | pg_restore --no-owner --dbname='{second_url}'",
        shell=True, capture_output=True, text=True, timeout=300)
    assert copy.returncode == 0, copy.stderr
    assert epoch_of(second_url) == epoch_of(first_url)
    renew = subprocess.run(
        [sys.executable, "manage.py", "new_records_epoch"], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env=os.environ | production_env(second_url, redis_cache))
    assert renew.returncode == 0, renew.stderr
    assert epoch_of(second_url) != epoch_of(first_url)
    serving = Serving()
    second_name = second_url.rsplit("/", 1)[1]

    # When staff create ALPHA in the first and list it (cached), and BETA in the second
    reader.create("ALPHA Child Protection Compact", kenya)
    assert_lists(reader, shown="ALPHA Child Protection Compact", gone="BETA")
    first_version = records_version()
    with serving.database(second_name):
        reader.create("BETA Child Protection Compact", kenya)

        # Then the second lists BETA and not ALPHA through the API and the page, at the
        # very counter under which the first's lists are cached
        assert records_version() == first_version
        assert_lists(reader, shown="BETA Child Protection Compact", gone="ALPHA")

    # and the first still lists ALPHA and not BETA
    assert_lists(reader, shown="ALPHA Child Protection Compact", gone="BETA")
