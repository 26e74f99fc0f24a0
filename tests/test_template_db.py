"""The test database copied from a migrated template (tests/template_db.py) is the migrated
database: every migration applied, the rows migrations write present; and a changed
migration file names another template, so a stale one is never copied."""

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from oversight.models import GaoRecommendation
from tests import template_db

pytestmark = pytest.mark.django_db


def test_the_test_database_has_every_migration_applied_and_their_rows():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert GaoRecommendation.objects.count() == 6


def test_a_changed_migration_file_names_another_template(monkeypatch):
    before = template_db.template_name(connection)
    assert before.startswith(f"test_{connection.settings_dict['NAME']}_tpl_")
    assert len(before) <= template_db.POSTGRES_NAME_MAX
    read = Path.read_bytes

    def edited(path):
        data = read(path)
        return data + b"\n# edited\n" if path.name == "0001_initial.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert template_db.template_name(connection) != before
