"""GET /healthz: database, broker and private storage, without signing in."""

import importlib

import pytest

from cpc import health
from cpc.settings.storage import private_storage


@pytest.fixture
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES,
                         "private": private_storage(url="", root=str(root), environ={})}
    return root


def test_healthz_answers_ok_for_an_anonymous_caller(client, db, private_root):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok",
                               "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # The storage probe leaves nothing behind.
    assert list(private_root.iterdir()) == []


def test_healthz_is_503_naming_the_part_that_is_down(client, db, monkeypatch, private_root):
    def broken():
        raise RuntimeError("connection refused by 10.0.0.7")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unavailable"
    assert body["broker"] == body["storage"] == "ok"
    # An anonymous caller learns which part is down, never the error.
    assert b"10.0.0.7" not in response.content


def test_healthz_finds_an_unreachable_redis(client, db, settings, private_root):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_healthz_finds_storage_that_cannot_be_written(client, db, settings, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    settings.STORAGES = {**settings.STORAGES,
                         "private": private_storage(url="", root=str(not_a_folder), environ={})}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"


def test_healthz_takes_only_get(client, db, private_root):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_exempt_from_the_https_redirect_in_production(client, db, settings,
                                                                 monkeypatch, private_root):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("SITE_URL", "https://cpc.example.gov")
    production = importlib.import_module("cpc.settings.production")
    settings.SECURE_SSL_REDIRECT = production.SECURE_SSL_REDIRECT
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT

    assert client.get("/healthz").status_code == 200
    # Every other page still moves to HTTPS.
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_favicon_is_the_icon_every_page_links(client, db):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("vendor/uswds/img/favicons/favicon.ico")
    assert response["Location"] in client.get("/accounts/login/").content.decode()
    assert finders.find("vendor/uswds/img/favicons/favicon.ico")
