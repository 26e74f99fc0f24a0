"""scripts/backup and scripts/restore, for real: pg_dump and pg_restore round-trip the demo
database and its private files into a second, fresh database and folder, encrypted with age
and under a manifest signed with an Ed25519 key (throwaway keys made here, as CI has no
others); a restore refuses a backup whose signature or hashes fail and writes nothing; after
a restore under a running Redis, and for two databases sharing one, the cache serves only the
records of the database a request reads."""

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compacts.models import Compact
from contributions import services as contribution_services
from contributions.models import SustainabilityPlan
from cpc.access.cache_version import records_version
from reports import services as report_services
from tests import worker
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.documents import pdf_bytes
from tests.reports.factories import ReportJobFactory

# Each a backup and restore of a real database: started first, so
# that a parallel run does not end waiting on them (tests/conftest.py).
pytestmark = pytest.mark.slowest

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"database.dump.age", "private-files.tar.age", "manifest.txt", "manifest.txt.sig"}
# Ephemeral and secret: their tables are in a backup, their rows are not.
EXCLUDED = {"django_session", "authtoken_token", "axes_accessattempt", "axes_accesslog",
            "axes_accessfailurelog"}

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: backups are pg_dump/pg_restore, and DATABASE_URL is not a "
           "PostgreSQL URL here (CI runs this on PostgreSQL)",
)


def run_script(name: str, *args: str, env: dict, umask: int | None = None
               ) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / name), *args], cwd=ROOT,
                          env=os.environ | env, capture_output=True, text=True, timeout=300,
                          umask=-1 if umask is None else umask)


def tool(*args: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, timeout=120, **kwargs)
    assert result.returncode == 0, result.stderr
    return result


class Keys:
    """Throwaway keys, as an operator makes them (docs/deployment.md): an age identity whose
    public key backups are encrypted to, and an Ed25519 key pair signing the manifests, in a
    folder of their own, apart from the backups."""

    def __init__(self, folder: Path):
        folder.mkdir(mode=0o700)
        self.folder = folder
        self.identity = folder / "backup-identity.txt"
        tool("age-keygen", "-o", str(self.identity))
        self.recipient = tool("age-keygen", "-y", str(self.identity),
                              text=True).stdout.strip()
        self.signing = self.ssh_key("backup-signing")
        self.verify = Path(f"{self.signing}.pub")

    def ssh_key(self, name: str) -> Path:
        path = self.folder / name
        tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path))
        return path

    def backup_env(self) -> dict:
        return {"BACKUP_AGE_RECIPIENTS": self.recipient, "BACKUP_SIGNING_KEY": str(self.signing)}

    def restore_env(self) -> dict:
        return {"BACKUP_VERIFY_KEY": str(self.verify), "BACKUP_AGE_IDENTITY": str(self.identity)}


@pytest.fixture
def keys(tmp_path) -> Keys:
    return Keys(tmp_path / "keys")


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


def kept(tables: dict) -> dict:
    """The tables whose rows a backup keeps (all but sessions, tokens, sign-in attempts)."""
    return {name: rows for name, rows in tables.items() if name not in EXCLUDED}


def epoch_of(url: str) -> str:
    with psycopg.connect(url) as db:
        return db.execute("SELECT epoch FROM compacts_recordsversion").fetchone()[0].hex


def number_of(url: str) -> int:
    with psycopg.connect(url) as db:
        return db.execute("SELECT number FROM compacts_recordsversion").fetchone()[0]


def files_of(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def backup(env: dict, keys: Keys, umask: int | None = None) -> Path:
    result = run_script("backup", env=keys.backup_env() | env, umask=umask)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == PARTS
    return folder


def decrypted(path: Path, keys: Keys) -> bytes:
    return tool("age", "--decrypt", "--identity", str(keys.identity), str(path)).stdout


def dump_as_sql(folder: Path, keys: Keys) -> str:
    return tool("pg_restore", "--file=-", input=decrypted(folder / "database.dump.age", keys)
                ).stdout.decode()


@needs_postgres
@pytest.mark.django_db(transaction=True)  # committed: pg_dump reads from another session
@pytest.mark.usefixtures("past_years_open")
def test_backup_restores_the_demo_data_and_files_into_a_fresh_database(
    tmp_path, private_root, databases, monkeypatch, keys
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
    contribution_services.plan_update(user=staff, plan=plan, data={
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
                     "BACKUP_DIR": str(tmp_path / "backups")}, keys)
    manifest = (folder / "manifest.txt").read_text()
    assert "reports 0002_dispatch_error_and_heartbeat" in manifest
    assert hashlib.sha256((folder / "database.dump.age").read_bytes()).hexdigest() in manifest
    restored_url = databases.create("restored")
    restored_root = tmp_path / "restored-private"
    restore_env = {"DATABASE_URL": restored_url,
                   "PRIVATE_STORAGE_ROOT": str(restored_root)} | keys.restore_env()
    result = run_script("restore", str(folder), env=restore_env)
    assert result.returncode == 0, result.stderr

    # Then every table has the same rows, the history tables included, and the files match
    source, restored = snapshot(source_url), snapshot(restored_url)
    assert set(restored["tables"]) == set(source["tables"])
    counts = {name: len(rows) for name, rows in kept(source["tables"]).items()}
    assert {name: len(rows) for name, rows in kept(restored["tables"]).items()} == counts
    history = [name for name in source["tables"] if "_historical" in name]
    assert len(history) >= 20 and sum(counts[name] for name in history) > 100
    for name in history:
        assert restored["tables"][name] == source["tables"][name], name
    # every row alike but the records version's epoch, which the restore made anew, and the
    # sessions, tokens and sign-in attempts, which a backup leaves out
    version = "compacts_recordsversion"
    assert epoch_of(restored_url) != epoch_of(source_url)
    assert number_of(restored_url) == number_of(source_url)
    assert ({k: v for k, v in kept(restored["tables"]).items() if k != version}
            == {k: v for k, v in kept(source["tables"]).items() if k != version})
    assert all(restored["tables"][name] == [] for name in EXCLUDED & set(restored["tables"]))
    assert restored["sequences"] == source["sequences"]  # new rows get new ids
    assert files_of(restored_root) == source_files

    # And a second restore over the now full database and folder is refused
    again = run_script("restore", str(folder), env=restore_env)
    assert again.returncode != 0
    assert "is not empty" in again.stderr and "--force" in again.stderr


# --- Encrypted, private, signed (issue 24) -------------------------------------------------


def seed_secrets() -> dict:
    """A user with a password, a live session and an API token: the rows a dump must not
    give away."""
    user = get_user_model().objects.create_user(username="backup.reader",
                                                password="a long test password 24")
    client = Client()
    client.force_login(user)
    return {"session": client.session.session_key, "token": Token.objects.create(user=user).key,
            "user": user}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_backup_is_private_and_encrypted_even_under_a_permissive_umask(
    tmp_path, private_root, keys
):
    # Given records, a session, a token and a private file whose text is easy to find
    CompactFactory(title="Plaintext Compact Title 24")
    secrets = seed_secrets()
    private_root.mkdir()
    (private_root / "evidence.txt").write_bytes(b"PRIVATE EVIDENCE TEXT 24")

    # When a caller with umask 000 backs up
    folder = backup({"DATABASE_URL": worker.test_database_url(),
                     "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups")}, keys, umask=0)

    # Then the folder is 0700 and every file in it 0600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()} == dict.fromkeys(
        PARTS, 0o600)
    # and neither part is readable: age files, no SQL, no table, no record, no file text
    for name in ("database.dump.age", "private-files.tar.age"):
        data = (folder / name).read_bytes()
        assert data.startswith(b"age-encryption.org/v1\n-> X25519 ")
        for plaintext in (b"COPY", b"compacts_compact", b"Plaintext Compact Title 24",
                          b"django_session", b"PGDMP", b"PRIVATE EVIDENCE TEXT 24",
                          b"evidence.txt"):
            assert plaintext not in data, (name, plaintext)
    # and decrypted with the identity, the dump has the records and the users but neither
    # the session nor the token (their tables are there, empty)
    sql = dump_as_sql(folder, keys)
    assert "Plaintext Compact Title 24" in sql and "backup.reader" in sql
    assert "CREATE TABLE public.django_session" in sql
    assert "CREATE TABLE public.authtoken_token" in sql
    assert secrets["session"] not in sql and secrets["token"] not in sql
    archive = decrypted(folder / "private-files.tar.age", keys)
    assert b"PRIVATE EVIDENCE TEXT 24" in archive
    # and the manifest names the parts, their sizes and hashes, the database and release
    manifest = (folder / "manifest.txt").read_text()
    for name in ("database.dump.age", "private-files.tar.age"):
        part = (folder / name).read_bytes()
        assert f"{hashlib.sha256(part).hexdigest()}  {name}" in manifest
        assert f"{len(part)} {name}" in manifest
    assert f"database_name: {connection.settings_dict['NAME']}" in manifest
    assert re.search(r"^release: [0-9a-f]{16}$", manifest, re.MULTILINE)
    assert re.search(r"^created_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", manifest, re.MULTILINE)


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("missing, message", [
    ("BACKUP_AGE_RECIPIENTS", "No plaintext backup is ever written"),
    ("BACKUP_SIGNING_KEY", "BACKUP_SIGNING_KEY is not set"),
])
def test_backup_refuses_to_run_without_a_recipient_or_a_signing_key(
    tmp_path, keys, missing, message
):
    env = {"DATABASE_URL": worker.test_database_url(), "BACKUP_DIR": str(tmp_path / "backups")}
    result = run_script("backup", env=env | keys.backup_env() | {missing: ""})
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "backups").exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_recipient_that_is_not_an_age_key(tmp_path, keys):
    env = {"DATABASE_URL": worker.test_database_url(), "BACKUP_DIR": str(tmp_path / "backups")}
    result = run_script("backup", env=env | keys.backup_env() | {
        "BACKUP_AGE_RECIPIENTS": f"{keys.recipient}, not-a-key"})
    assert result.returncode != 0
    assert "'not-a-key' is not an age public key" in result.stderr
    assert not (tmp_path / "backups").exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_backs_up_verifies_and_restores_every_row(
    tmp_path, private_root, databases, keys
):
    """The drill of docs/deployment.md, end to end: back up, verify, restore into a new
    database, compare."""
    # Given a scratch database with a few rows, a session and a token
    kenya = PartnerCountryFactory(iso_code="KE")
    for n in range(3):
        CompactFactory(country=kenya, title=f"Drill compact {n}")
    seed_secrets()
    private_root.mkdir()
    (private_root / "evidence.pdf").write_bytes(b"%PDF-1.4 drill evidence")
    source_url = worker.test_database_url()

    # When the operator backs it up (to two recipients: the offline key and a second one),
    second = Keys(tmp_path / "second-keys")
    folder = backup({"DATABASE_URL": source_url, "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups"),
                     "BACKUP_AGE_RECIPIENTS": f"{keys.recipient} {second.recipient}"}, keys)
    # verifies it on the restore host (writes nothing, needs no database; the verify key file
    # may hold several keys, as while the signing key is rotated),
    rotating = tmp_path / "verify-keys.pub"
    rotating.write_text(Path(f"{second.signing}.pub").read_text() + keys.verify.read_text())
    verified = run_script("restore", "--verify-only", str(folder), env=keys.restore_env() | {
        "BACKUP_VERIFY_KEY": str(rotating)})
    assert verified.returncode == 0, verified.stderr
    assert "Verified" in verified.stderr and "1 files" in verified.stderr
    # and restores it into a new database and folder, with either identity
    target_url = databases.create("drill")
    target_root = tmp_path / "drill-private"
    restored = run_script("restore", str(folder), env=keys.restore_env() | {
        "DATABASE_URL": target_url, "PRIVATE_STORAGE_ROOT": str(target_root),
        "BACKUP_AGE_IDENTITY": str(second.identity)})
    assert restored.returncode == 0, restored.stderr

    # Then every table has the same rows (but the sessions, tokens and sign-in attempts, left
    # out), and the files are back
    source, target = snapshot(source_url), snapshot(target_url)
    assert sum(len(rows) for rows in source["tables"]["compacts_compact"]) > 0
    assert {name: len(rows) for name, rows in kept(target["tables"]).items()} == {
        name: len(rows) for name, rows in kept(source["tables"]).items()}
    assert len(target["tables"]["compacts_compact"]) == 3
    assert source["tables"]["django_session"] and source["tables"]["authtoken_token"]
    assert target["tables"]["django_session"] == target["tables"]["authtoken_token"] == []
    assert files_of(target_root) == files_of(private_root)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_backup_keeps_the_last_days_and_the_first_of_each_recent_month(tmp_path, keys):
    # Given backups of the past, named by their time as scripts/backup names them (in the
    # last 35 days; on the first and on other days of the months two to five months back),
    # and folders of other names
    dest = tmp_path / "backups"
    today = datetime.now(UTC).date()

    def name(day: date, time: str = "020000") -> str:
        return f"cpc-backup-{day:%Y%m%d}T{time}Z"

    def months_back(n: int, day: int) -> date:
        month = today.year * 12 + today.month - 1 - n
        return date(month // 12, month % 12 + 1, day)

    recent = {name(today - timedelta(days=1)), name(today - timedelta(days=34))}
    first_of_month = {name(months_back(2, 1), "010000"), name(months_back(3, 1)),
                      name(months_back(4, 1))}
    older = {name(months_back(2, 1), "030000"), name(months_back(2, 2)),
             name(months_back(3, 15)), name(months_back(5, 1)), name(months_back(5, 10))}
    others = {"keep-me", f"{name(months_back(6, 1))}.partial"}
    for folder in recent | first_of_month | older | others:
        (dest / folder).mkdir(parents=True)
    # every month with a backup but the oldest (five months back)
    months = {folder[11:17] for folder in recent | first_of_month | older} | {f"{today:%Y%m}"}
    keep_monthly = len(months) - 1

    # When a backup runs with a retention of 35 days and that many months
    new = backup({"DATABASE_URL": worker.test_database_url(), "BACKUP_DIR": str(dest),
                  "PRIVATE_STORAGE_ROOT": str(tmp_path / "no-files"),
                  "BACKUP_KEEP_DAILY": "35", "BACKUP_KEEP_MONTHLY": str(keep_monthly)}, keys)

    # Then the last 35 days' backups are kept, and the first backup of each of those months;
    # the others are deleted, and folders named otherwise are left alone
    assert {p.name for p in dest.iterdir()} == recent | first_of_month | others | {new.name}


def copy_of(folder: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(folder, copy)
    return copy


def edit_manifest(folder: Path, old: str, new: str) -> None:
    manifest = folder / "manifest.txt"
    text = manifest.read_text()
    assert old in text
    manifest.write_text(text.replace(old, new))


def tampered_manifest(folder: Path, keys: Keys) -> None:
    """The manifest edited (another database name) and the signature left as it was."""
    edit_manifest(folder, "database_name: ", "database_name: elsewhere-")


def forged_dump(folder: Path, keys: Keys) -> tuple[str, str]:
    """An attacker's own dump, encrypted to the (public) recipient key, in place of the
    backup's: a valid age file the identity decrypts."""
    forged = tool("age", "--encrypt", "--recipient", keys.recipient,
                  input=b"PGDMP an attacker's database").stdout
    path = folder / "database.dump.age"
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(forged)
    return old, hashlib.sha256(forged).hexdigest()


def rehashed_manifest(folder: Path, keys: Keys) -> None:
    """The dump replaced AND the manifest's hash rewritten to match it."""
    old, new = forged_dump(folder, keys)
    edit_manifest(folder, old, new)


def replaced_part(folder: Path, keys: Keys) -> None:
    """The dump replaced (one bit flipped), the manifest left alone."""
    path = folder / "database.dump.age"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def missing_signature(folder: Path, keys: Keys) -> None:
    (folder / "manifest.txt.sig").unlink()


def missing_part(folder: Path, keys: Keys) -> None:
    (folder / "private-files.tar.age").unlink()


def signed_by_another_key(folder: Path, keys: Keys) -> None:
    """The dump replaced, the manifest rewritten and signed again, with the attacker's key."""
    rehashed_manifest(folder, keys)
    attacker = keys.ssh_key("attacker")
    (folder / "manifest.txt.sig").unlink()
    tool("ssh-keygen", "-Y", "sign", "-q", "-f", str(attacker), "-n", "cpc-backup",
         str(folder / "manifest.txt"))


def signed_for_another_purpose(folder: Path, keys: Keys) -> None:
    """The manifest rewritten and signed with the right key, in another namespace (as if
    the operator had been made to sign it as a file of some other kind)."""
    rehashed_manifest(folder, keys)
    (folder / "manifest.txt.sig").unlink()
    tool("ssh-keygen", "-Y", "sign", "-q", "-f", str(keys.signing), "-n", "file",
         str(folder / "manifest.txt"))


SIGNATURE_FAILS = "signature does not verify with BACKUP_VERIFY_KEY"


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attack, message", [
    (tampered_manifest, SIGNATURE_FAILS),
    (rehashed_manifest, SIGNATURE_FAILS),
    (signed_by_another_key, SIGNATURE_FAILS),
    (signed_for_another_purpose, SIGNATURE_FAILS),
    (replaced_part, "database.dump.age does not match the signed manifest"),
    (missing_signature, "has no manifest.txt.sig"),
    (missing_part, "has no private-files.tar.age, which the signed manifest lists"),
])
def test_restore_refuses_a_backup_that_fails_its_checks_and_writes_nothing(
    tmp_path, private_root, databases, keys, attack, message
):
    # Given a good backup (one that restores: checked by the drill above)
    CompactFactory(title="Compact of the good backup")
    private_root.mkdir()
    (private_root / "evidence.pdf").write_bytes(b"%PDF-1.4 evidence")
    folder = backup({"DATABASE_URL": worker.test_database_url(),
                     "PRIVATE_STORAGE_ROOT": str(private_root),
                     "BACKUP_DIR": str(tmp_path / "backups")}, keys)
    good = run_script("restore", "--verify-only", str(folder), env=keys.restore_env())
    assert good.returncode == 0, good.stderr

    # When it is attacked and restored into an empty database and folder
    attacked = copy_of(folder, tmp_path, "attacked")
    attack(attacked, keys)
    target_url = databases.create("untouched")
    target = tmp_path / "untouched-private"
    result = run_script("restore", str(attacked), env=keys.restore_env() | {
        "DATABASE_URL": target_url, "PRIVATE_STORAGE_ROOT": str(target)})

    # Then the restore stops with the reason, and the database and folder are as they were
    assert result.returncode != 0
    assert message in result.stderr and "Nothing restored" in result.stderr
    assert "Restoring the database" not in result.stderr
    assert snapshot(target_url)["tables"] == {}
    assert not target.exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("setting, value, message", [
    ("BACKUP_VERIFY_KEY", "", "BACKUP_VERIFY_KEY is not set"),
    ("BACKUP_VERIFY_KEY", "other", SIGNATURE_FAILS),
    ("BACKUP_AGE_IDENTITY", "", "BACKUP_AGE_IDENTITY is not set"),
    ("BACKUP_AGE_IDENTITY", "other", "does not decrypt with"),
])
def test_restore_refuses_without_the_right_keys_and_writes_nothing(
    tmp_path, databases, keys, setting, value, message
):
    folder = backup({"DATABASE_URL": worker.test_database_url(),
                     "PRIVATE_STORAGE_ROOT": str(tmp_path / "no-files"),
                     "BACKUP_DIR": str(tmp_path / "backups")}, keys)
    other = Keys(tmp_path / "other-keys")
    if value == "other":
        value = str(other.restore_env()[setting])
    target_url = databases.create("untouched")
    result = run_script("restore", str(folder), env=keys.restore_env() | {
        setting: value, "DATABASE_URL": target_url,
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "untouched-private")})
    assert result.returncode != 0
    assert message in result.stderr
    assert snapshot(target_url)["tables"] == {}
    assert not (tmp_path / "untouched-private").exists()


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
            "DJANGO_ALLOWED_HOSTS": "testserver", "SITE_URL": "https://cpc.example.gov",
            "DATABASE_URL": url,
            "REDIS_URL": cache._servers[0], "CACHE_KEY_PREFIX": cache.key_prefix}


class Reader:
    """Staff reading and writing compacts through the API and through the compacts page."""

    def __init__(self, staff):
        self.api = APIClient()
        self.api.force_authenticate(user=staff)
        self.page = Client()
        self.page.force_login(staff)  # a session row: left out of backups

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
    tmp_path, private_root, redis_cache, staff_user, keys
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
                     "BACKUP_DIR": str(tmp_path / "backups")}, keys)

    # When staff create ALPHA and list it, through the API and the page
    reader.create("ALPHA Child Protection Compact", kenya)
    assert_lists(reader, shown="ALPHA Child Protection Compact", gone="BETA")
    alpha_version = records_version()

    # and the backup is restored over the database (the records before ALPHA) while Redis
    # keeps running
    connection.close()
    result = run_script("restore", "--force", str(folder), env=production_env(url, redis_cache)
                        | {"PRIVATE_STORAGE_ROOT": str(tmp_path / "restored-private")}
                        | keys.restore_env())
    assert result.returncode == 0, result.stderr
    assert not Compact.objects.filter(title__startswith="ALPHA").exists()
    # (sessions are not in backups: the page's session ended with the restore, and staff
    # sign in again)
    assert reader.page.get("/compacts/").status_code == 302
    reader.page.force_login(staff_user)

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
