"""Whole-database comparisons for the sweeps: ``snapshot()`` before, ``snapshot()`` after,
``changed_tables()`` between them; ``written_tables()`` is the cheap first look (PostgreSQL
counts each table's inserted, updated and deleted rows of the current transaction).

Used by tests/test_access_sweep.py (the project's pages and API) and tests/test_admin_sweep.py
(the Django admin).
"""

from django.apps import apps
from django.db import connection

from cpc.access.roles import PROJECT_APPS

# Rows every request may write whatever it asks, and which hold no program data: the
# session (signing in, the idle refresh, the admin's messages), django-axes' log of
# sign-in attempts and the audit trail's auth events (each sign-in, the sweeps' own
# ``force_login`` included, and each refused one).
BOOKKEEPING_TABLES = frozenset({"django_session", "axes_accessattempt", "axes_accesslog",
                                "axes_accessfailurelog", "audit_authevent"})


def _models(app_labels):
    for app_config in apps.get_app_configs():
        if app_labels is not None and app_config.label not in app_labels:
            continue
        # Many-to-many link tables too (a profile's countries, an indicator's awards).
        for model in app_config.get_models(include_auto_created=True):
            if model._meta.db_table not in BOOKKEEPING_TABLES:
                yield model


def snapshot(app_labels=PROJECT_APPS) -> dict:
    """Every row of every model of ``app_labels`` (history tables included; None: every
    installed app, users, groups, tokens and the admin's log among them)."""
    return {model._meta.label: list(model._default_manager.order_by("pk").values())
            for model in _models(app_labels)}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def write_counts() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in the current transaction, by table
    (``pg_stat_xact_user_tables``; rolled-back savepoints still count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                       "FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def written_tables(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Tables written between two ``write_counts()``, bookkeeping left out."""
    return sorted(table for table, count in after.items()
                  if count != before.get(table, 0) and table not in BOOKKEEPING_TABLES)
