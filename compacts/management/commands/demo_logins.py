from django.core.management.base import BaseCommand

from compacts.demo import DEMO_USERS


def demo_login_lines() -> list[str]:
    """Each demo user seed_demo loads and what it is for, one a line, aligned: the one list
    the run command's banner prints (``compacts.demo.DEMO_USERS``)."""
    width = max(len(username) for username, *_ in DEMO_USERS)
    return [f"{username:<{width}}  {about}" for username, *_, about in DEMO_USERS]


class Command(BaseCommand):
    help = "Print the demo logins seed_demo loads, with what each is for (the run banner)."

    def add_arguments(self, parser):
        parser.add_argument("--indent", type=int, default=0,
                            help="Spaces before each line.")

    def handle(self, *args, indent=0, **options):
        for line in demo_login_lines():
            self.stdout.write(" " * indent + line)
