"""scripts/backup and scripts/restore, for real: pg_dump and pg_restore round-trip the demo
database and its private files into a second, fresh database and folder."""

import hashlib
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from compacts.models import Compact
from contributions import services as contribution_services
from contributions.models import SustainabilityPlan
from reports import services as report_services
from tests import worker
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
        evidence=SimpleUploadedFile("budget extract.pdf", b"%PDF-1.4 budget extract"))
    plan = SustainabilityPlan.objects.get(compact=compact)
    contribution_services.plan_update(plan=plan, data={
        "document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 sustainability plan")})
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
    assert restored["tables"] == source["tables"]
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
