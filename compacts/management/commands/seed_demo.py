import os
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from compacts.demo import DEMO_USERS
from compacts.roles import PROJECT_APPS
from cpc.acting import acting

# The password the settings fall back to; fine on a developer's machine, never elsewhere.
DEVELOPMENT_PASSWORD = "demo-pass-2024"
ERR_DEBUG_OFF = (
    "seed_demo loads demo users with a known password; it refuses to run with DEBUG off. "
    "Pass --force if you really mean it."
)
ERR_NO_PASSWORD = (
    "With DEBUG off, seed_demo needs DEMO_PASSWORD set in the environment to a password of "
    "your own (not the development default): the demo users sign in with it."
)


def demo_seeders():
    """Each app may have a ``demo`` module with ``seed(*, password) -> {name: count}``;
    they run in the order of PROJECT_APPS, so compacts exist before their indicators."""
    for app in PROJECT_APPS:
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise
            continue
        yield app, module.seed


class Command(BaseCommand):
    help = (
        "Load the program's partner countries and compacts with sample data, and the demo "
        "users tip.staff, tip.supervisor, embassy.officer, auditor and implementer "
        "(password: DEMO_PASSWORD). "
        "Running it again adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even though DEBUG is off (then DEMO_PASSWORD must be set).",
        )

    def handle(self, *args, force=False, **options):
        password = settings.DEMO_PASSWORD
        if not settings.DEBUG:
            if not force:
                raise CommandError(ERR_DEBUG_OFF)
            password = os.environ.get("DEMO_PASSWORD", "")
            if not password or password == DEVELOPMENT_PASSWORD:
                raise CommandError(ERR_NO_PASSWORD)
        created = {}
        with transaction.atomic(), acting(reason="Demo data loaded by seed_demo"):
            for _app, seed in demo_seeders():
                created.update(seed(password=password))
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (created {summary})."))
        users = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"Demo users: {users}")
