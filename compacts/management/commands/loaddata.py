from django.core.management.commands import loaddata

from cpc.access.cache_version import records_epoch_renew


class Command(loaddata.Command):
    """Django's ``loaddata``, then a new records epoch: fixtures are saved raw (no version
    bump) and may even carry another database's version row, so whatever was cached before
    the load must never be served after it."""

    help = loaddata.Command.help + " Then gives the database a new records epoch."

    def handle(self, *fixture_labels, **options):
        super().handle(*fixture_labels, **options)
        epoch = records_epoch_renew(using=options["database"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"New records epoch {epoch}.")
