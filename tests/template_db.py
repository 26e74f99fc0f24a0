"""The test database, copied from a migrated template instead of migrated afresh.

Migrating every app takes about 25 s; a test process (each pytest-xdist worker, each
single-file run) used to pay it before its first test. On PostgreSQL the first process
migrates a template database once (``test_<name>_tpl_<digest>``, the digest of every migration
file on disk, so a new or changed migration builds a new template) and each test database is
then a copy of it (``CREATE DATABASE ... TEMPLATE``, about a second); Django's own set-up
then finds every migration applied. The template stays between runs; a template of other
migrations is dropped when a new one is built. SQLite (the embedded default) migrates as
before.

Processes building or copying take turns under a PostgreSQL advisory lock, so the second
worker of a run waits for the first to finish the template and copies it.
"""

import hashlib
import sys
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connections

# A key of our own for pg_advisory_lock ("CPCT").
LOCK_KEY = 0x43504354
POSTGRES_NAME_MAX = 63


def migrations_digest() -> str:
    """What the migrated schema and rows depend on: every migration file Django would run
    (the project's and the installed packages') and Django's version."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256(django.get_version().encode())
    for key in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update(repr(key).encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def template_name(connection) -> str:
    return f"test_{connection.settings_dict['NAME']}_tpl_{migrations_digest()[:12]}"[
        :POSTGRES_NAME_MAX]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _build(connection, cursor, template: str) -> None:
    cursor.execute(f"CREATE DATABASE {_quoted(template)}")
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = template
    try:
        call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
        call_command("createcachetable", verbosity=0)
    except BaseException:
        connection.close()
        connection.settings_dict["NAME"] = saved
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(template)} WITH (FORCE)")
        raise
    connection.close()
    connection.settings_dict["NAME"] = saved


def copy_test_database(alias: str = "default") -> bool:
    """Create the test database of ``alias`` as a copy of the migrated template (building the
    template first when no process has). False, doing nothing, on a database other than
    PostgreSQL."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    test_name = connection.creation._get_test_db_name()
    template = template_name(connection)
    prefix = template.rsplit("_", 1)[0] + "_"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                           [prefix])
            existing = {row[0] for row in cursor.fetchall()}
            if template not in existing:
                for stale in existing:
                    cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(stale)} WITH (FORCE)")
                _build(connection, cursor, template)
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(test_name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quoted(test_name)} TEMPLATE {_quoted(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    return True
