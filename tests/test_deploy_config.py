"""The Compose file: secrets come from the environment, with no fallback."""

import re
from pathlib import Path

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"
SECRETS = ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD")


def test_compose_secrets_have_no_default():
    text = COMPOSE.read_text()
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, f"{name} is not read from the environment"
        # ${VAR:?message} stops `docker compose` with the message when VAR is unset or empty.
        assert all(use.startswith(":?") for use in uses), f"{name} has a fallback: {uses}"


def test_compose_health_check_calls_healthz():
    assert "/healthz" in COMPOSE.read_text()
