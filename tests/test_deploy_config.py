"""The Compose file: secrets come from the environment, with no fallback; the stack is laid
out as on several machines (replicas sharing only the database, the broker and the bucket)."""

import importlib.util
import re
from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"
SECRETS = ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD")


def benchmark_load():
    path = COMPOSE.parent / "scripts" / "benchmark_load.py"
    spec = importlib.util.spec_from_file_location("benchmark_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compose_secrets_have_no_default():
    text = COMPOSE.read_text()
    for name in SECRETS:
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, f"{name} is not read from the environment"
        # ${VAR:?message} stops `docker compose` with the message when VAR is unset or empty.
        assert all(use.startswith(":?") for use in uses), f"{name} has a fallback: {uses}"


def test_compose_health_check_calls_healthz():
    assert "/healthz" in COMPOSE.read_text()


def test_compose_runs_replicas_that_share_only_the_database_broker_and_bucket():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    replicas = {name: services[name].get("deploy", {}).get("replicas", 1)
                for name in ("web", "worker", "beat")}
    assert replicas == {"web": 2, "worker": 2, "beat": 1}
    for name in ("web", "web-public", "worker", "beat", "migrate"):
        environment = services[name]["environment"]
        assert environment["PRIVATE_STORAGE_URL"].startswith("s3://"), name
        assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000", name
        # No disk shared between replicas: the private files are in the bucket.
        assert not services[name].get("volumes"), name
    # One published port, the proxy's, in front of the web replicas.
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    nginx = (COMPOSE.parent / "deploy" / "nginx.conf").read_text()
    assert "server web:8000" in nginx and "server web-public:8000" in nginx
    # The pool for requests without a sign-in: two processes (one answers while the other
    # is recycled), as the load benchmark serves it; checked like the others, and the
    # proxy waits for it.
    assert services["web-public"]["environment"]["GUNICORN_WORKERS"] == str(
        benchmark_load().PUBLIC_POOL_WORKERS) == "2"
    assert "/healthz" in str(services["web-public"]["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["web-public"]["condition"] == "service_healthy"
    # Migrations run once, before the replicas start.
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully")


def _production_site_url(**environ) -> str:
    """SITE_URL as production settings read it from ``environ``, or the error they raise."""
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items()
           if key not in ("SITE_URL", "DJANGO_ALLOWED_HOSTS")}
    env |= {"DJANGO_SETTINGS_MODULE": "cpc.settings.production", "DJANGO_SECRET_KEY": "x"}
    env |= environ
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.SITE_URL)"],
        capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[1])
    return done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr


def test_production_links_start_at_site_url_or_the_first_allowed_host():
    assert _production_site_url(DJANGO_ALLOWED_HOSTS="cpc.example.gov") == (
        "https://cpc.example.gov")
    assert _production_site_url(DJANGO_ALLOWED_HOSTS="cpc.example.gov",
                                SITE_URL="https://oversight.example.gov") == (
        "https://oversight.example.gov")
    for refused in ({"DJANGO_ALLOWED_HOSTS": ".example.gov"},
                    {"DJANGO_ALLOWED_HOSTS": "cpc.example.gov", "SITE_URL": "ftp://x"}):
        assert "ImproperlyConfigured: SITE_URL must be" in _production_site_url(**refused)
