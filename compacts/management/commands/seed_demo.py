from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compacts.demo import DEMO_USERS, seed_compacts


class Command(BaseCommand):
    help = (
        "Load the program's partner countries and compacts with sample data, and the demo "
        "users tip.staff, embassy.officer and auditor (password: DEMO_PASSWORD)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo users with a known password; it refuses to run with "
                "DEBUG off. Pass --force if you really mean it."
            )
        created = seed_compacts(password=settings.DEMO_PASSWORD)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (created {summary})."))
        users = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"Demo users: {users}")
