"""What a signed-in user is answered, and what anyone else is not: ``Cache-Control:
private, no-store`` on every answer to a signed-in user; the API schema and its docs page for
signed-in users with a role; a JSON 503 for API clients while the database is unreachable."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.ports import free_port


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


# Cache-Control --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/compacts/", "/work/", "/api/v1/me/",
                                  "/api/v1/compacts/", "/api/docs/", "/no-such-page/"])
def test_every_answer_to_a_signed_in_user_is_no_store(client, staff_user, ghana_compact, path):
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert {"no-store", "private"} <= _cache_control(response)


def test_token_answers_are_no_store(staff_user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    response = api.get("/api/v1/compacts/")
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_control(response)


@pytest.mark.parametrize("path", ["/api/v1/compacts/", "/no-such-page/"])
def test_answers_to_anonymous_visitors_are_left_alone(client, db, path):
    response = client.get(path)
    assert response.status_code in (302, 401, 404)
    assert "no-store" not in _cache_control(response)


@pytest.mark.parametrize("path", ["/static/css/cpc.css", "/healthz"])
def test_static_files_and_the_health_check_are_left_alone(client, staff_user, path):
    """Signed in or not, the same headers (the health check sends its own no-cache)."""
    anonymous = client.get(path)
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code in (200, 503)
    assert response.get("Cache-Control") == anonymous.get("Cache-Control")
    if path.startswith("/static/"):
        assert "no-store" not in _cache_control(response)


# The schema and the docs ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_docs_need_a_sign_in(client, db, path):
    assert client.get(path).status_code == 401
    assert APIClient().get(path).status_code == 401


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_docs_need_a_role(client, no_role_user, path):
    client.force_login(no_role_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("who", ["staff_user", "auditor_user", "ghana_officer"])
def test_every_role_reads_the_schema_and_docs(client, request, who):
    client.force_login(request.getfixturevalue(who))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/compacts/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_a_token_reads_the_schema(staff_user):
    """As the fuzzer (scripts/fuzz_api.py) and API clients fetch it."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    assert api.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200


# The database unreachable ---------------------------------------------------------------------


@contextmanager
def database_unreachable():
    """The default database moved to a local port where nothing listens: every connection
    is refused, as when PostgreSQL is down."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(free_port())})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _clients(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for client in (api, APIClient(), Client()):
        client.raise_request_exception = False  # answered as a user would be
    return api


@pytest.mark.django_db(transaction=True)
def test_api_clients_get_a_json_503_while_the_database_is_unreachable(staff_user):
    api = _clients(Token.objects.create(user=staff_user).key)
    anonymous = APIClient()
    anonymous.raise_request_exception = False
    with database_unreachable():
        answers = [api.get("/api/v1/compacts/"), api.post("/api/v1/countries/", {}),
                   anonymous.post("/api/v1/auth/token/", {"username": "staff",
                                                          "password": "pass-for-tests"})]
    for response in answers:
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "detail": "The database is unreachable; try again in a moment."}
        assert response["Retry-After"] == "30"
    # Back again: the same token works.
    assert api.get("/api/v1/compacts/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_pages_keep_the_html_error_page_while_the_database_is_unreachable(staff_user):
    browser = Client(raise_request_exception=False)
    browser.force_login(staff_user)
    with database_unreachable():
        response = browser.get("/compacts/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"The database is unreachable" not in response.content
