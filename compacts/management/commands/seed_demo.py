import os
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext_noop

from compacts import year_locks
from compacts.demo import DEMO_USERS
from compacts.models import Compact
from cpc.access.roles import PROJECT_APPS
from cpc.acting import acting
from cpc.samples import loading_samples

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


def demo_modules():
    """Each app may have a ``demo`` module with ``seed(*, password) -> {name: count}`` and
    ``mark_earlier_samples() -> int``; they run in the order of PROJECT_APPS, so compacts
    exist before their indicators."""
    for app in PROJECT_APPS:
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise
            continue
        yield app, module


def demo_seeders():
    for app, module in demo_modules():
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
        with transaction.atomic(), acting(reason=gettext_noop("Demo data loaded by seed_demo")):
            created = load_demo(password=password)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (created {summary})."))
        users = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"Demo users: {users}")


DEMO_UNLOCK_REASON = "Demo data load: the sample figures of past fiscal years are written."
DEMO_RELOCK_REASON = gettext_noop("Demo data loaded.")


def _loader():
    return get_user_model().objects.get(username="tip.staff")


def load_demo(*, password: str) -> dict[str, int]:
    """Every app's demo seeder in turn. The demo's past years are written through the
    services like any correction: opened once the compacts exist, then locked again, both
    in the history with their reason."""
    created, opened = {}, []
    for app, seed in demo_seeders():
        created.update(seed(password=password))
        if app == "compacts":
            opened = open_locked_years()
    # Figures an earlier version of the demo loaded before it marked them as samples.
    with loading_samples():
        for _app, module in demo_modules():
            if hasattr(module, "mark_earlier_samples"):
                module.mark_earlier_samples()
    for compact, year in opened:
        year_locks.fiscal_year_lock(user=_loader(), compact=compact, fiscal_year=year,
                                    reason=DEMO_RELOCK_REASON)
    return created


def open_locked_years() -> list:
    """Unlock, with a reason, every locked fiscal year of the demo's compacts, so that the
    seeders write their figures through the services (compacts.year_locks)."""
    opened = []
    for compact in Compact.objects.order_by("pk"):
        for state in year_locks.year_states(compact):
            if state.locked:
                year_locks.fiscal_year_unlock(user=_loader(), compact=compact,
                                              fiscal_year=state.fiscal_year,
                                              reason=DEMO_UNLOCK_REASON)
                opened.append((compact, state.fiscal_year))
    return opened
