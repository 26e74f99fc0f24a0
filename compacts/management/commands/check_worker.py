from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError

from cpc.celery import ping


class Command(BaseCommand):
    help = "Send a ping task through the broker and wait for a worker to answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout, **options):
        try:
            answer = ping.delay().get(timeout=timeout)
        except CeleryTimeout as error:
            raise CommandError(f"No Celery worker answered within {timeout:g} s.") from error
        if answer != "pong":
            raise CommandError(f"The worker answered {answer!r} instead of 'pong'.")
        self.stdout.write(self.style.SUCCESS("Celery worker: ready (answered a ping task)."))
