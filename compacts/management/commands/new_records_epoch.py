import re

from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, ProgrammingError

from cpc.access.cache_version import records_epoch_renew
from cpc.cache import UNREACHABLE, clear_namespace


def _redacted(location) -> str:
    text = location if isinstance(location, str) else ",".join(location)
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", text)


class Command(BaseCommand):
    help = (
        "Give this database a new records epoch, so that nothing cached before (from this "
        "database's earlier timeline, or from the database it was copied from) is ever served "
        "for it. scripts/restore runs it with --clear-cache; run it on a database copied by any "
        "other means (CREATE DATABASE ... TEMPLATE, pg_dump | pg_restore) before it serves "
        "requests."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clear-cache", action="store_true",
            help="Also delete the app's keys (those under the cache's KEY_PREFIX, "
                 "CACHE_KEY_PREFIX) from the cache's Redis; no other key is touched.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, clear_cache=False, database=DEFAULT_DB_ALIAS, **options):
        try:
            epoch = records_epoch_renew(using=database)
        except ProgrammingError as error:  # a database older than the epoch, or not migrated
            self.stderr.write(
                "This database has no records epoch yet (its migrations are older than the "
                "code): run `python manage.py migrate`, which gives it a new one. "
                f"({type(error).__name__}: {str(error).strip().splitlines()[0]})")
        else:
            self.stdout.write(f"New records epoch {epoch}: nothing cached before is served "
                              "for this database.")
        if clear_cache:
            self.clear_cache()

    def clear_cache(self):
        cache = caches["default"]
        where = _redacted(getattr(cache, "_servers", "") or "")
        try:
            deleted = clear_namespace(cache)
        except UNREACHABLE as error:
            # The new epoch already keeps those entries from being served; they expire
            # within the hour.
            self.stderr.write(
                f"Could not clear the cache at {where} ({type(error).__name__}: {error}); "
                "the new epoch keeps what it holds from being served, and it expires within "
                "the hour.")
            return
        if deleted is None:
            self.stdout.write("The cache is each process's own memory (no REDIS_URL): "
                              "nothing shared to clear.")
        else:
            self.stdout.write(
                f"Cleared the app's cache at {where}: deleted {deleted} keys under "
                f"'{cache.key_prefix}:' and no other key.")
