from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpc.acting import acting
from oversight.portfolio import generate

ERR_DEBUG_OFF = (
    "generate_portfolio fills the database with generated compacts; it refuses to run with "
    "DEBUG off. Pass --force if you really mean it (a benchmark database, say)."
)


class Command(BaseCommand):
    help = (
        "Add a generated portfolio of N compacts with their indicators, targets, results, "
        "dialogues, contributions and plans, for benchmarks and tests. The same --seed adds "
        "nothing the second time; another seed adds another portfolio."
    )

    def add_arguments(self, parser):
        parser.add_argument("--compacts", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1, metavar="S")
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off.")

    def handle(self, *args, compacts, seed, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(ERR_DEBUG_OFF)
        if compacts < 1:
            raise CommandError("--compacts must be at least 1.")
        if seed < 0:
            raise CommandError("--seed must be zero or more.")

        def progress(done):
            self.stdout.write(f"  {done} compacts generated")

        with acting(reason="Generated portfolio (generate_portfolio)"):
            created = generate(compacts=compacts, seed=seed, progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Generated portfolio, seed {seed}: {created['compacts']} compacts added "
            f"({compacts - created['compacts']} already there)."))
