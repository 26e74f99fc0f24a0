"""Celery tasks of the indicators app: thin, each calls one service."""

from celery import shared_task

from . import bulk


@shared_task(name="indicators.sweep_bulk_previews")
def sweep_bulk_previews() -> int:
    """Run hourly by beat: remove spreadsheets uploaded for a preview that was never
    confirmed, once their confirm token has expired."""
    return bulk.sweep_previews()
