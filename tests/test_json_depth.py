"""A JSON body nested deeper than API_MAX_JSON_DEPTH is a 400 naming the limit on every API
endpoint, the unauthenticated token endpoint included, before it is decoded: 1,500 levels
were a 500 (the decoder's RecursionError)."""

import json

import pytest
from rest_framework.test import APIClient

from contributions.models import Contribution
from cpc.api.parsers import ERR_TOO_DEEP, json_depth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

LIMIT = 32


def nested(depth: int) -> str:
    """An array ``depth`` levels deep, as text (json.dumps itself recurses per level)."""
    return "[" * depth + "]" * depth


def with_extra(body: dict, depth: int) -> str:
    """``body`` as JSON with an ``extra`` field nested ``depth`` levels (the body is one
    more level)."""
    return json.dumps(body)[:-1] + f', "extra": {nested(depth)}}}'


def too_deep_answer(limit=LIMIT) -> dict:
    return {"non_field_errors": [ERR_TOO_DEEP.format(limit=limit)]}


def contribution(compact, **extra):
    return {"compact": compact.pk, "fiscal_year": 2024, "kind": "funding",
            "description": "Sample: shelter budget line.", "amount_local": "120000.00",
            "currency": "GHS", "amount_usd": "10000.00"} | extra


def post_raw(client, url, text):
    return client.post(url, data=text, content_type="application/json")


def test_depth_is_counted_without_the_brackets_inside_strings():
    limit = 2  # (a text with no more brackets than the limit is not scanned)
    assert json_depth("{}" * 3, limit=limit) == 1
    assert json_depth(json.dumps({"a": [1, {"b": [2]}]}), limit=limit) == 3  # stops at 3
    assert json_depth(json.dumps({"a": "[[[[{{{{", "b": "\\\"[[["}), limit=limit) == 1
    assert json_depth(json.dumps({"a": "\\", "b": [[1]], "c": []}), limit=limit) == 3
    assert json_depth(json.dumps(["\\\"[[", "]]\\", []]), limit=limit) == 2
    assert json_depth(nested(1500), limit=LIMIT) == LIMIT + 1  # stops counting


@pytest.mark.parametrize("depth", [LIMIT + 1, 1500, 100_000])
def test_a_contribution_nested_too_deep_is_a_400(officer_api, ghana_compact, depth):
    body = with_extra(contribution(ghana_compact), depth - 1)
    response = post_raw(officer_api, "/api/v1/contributions/", body)
    assert response.status_code == 400
    assert response.json() == too_deep_answer()
    assert not Contribution.objects.exists()


def test_a_contribution_nested_just_under_the_limit_is_saved(officer_api, ghana_compact):
    body = with_extra(contribution(ghana_compact), LIMIT - 1)
    assert json_depth(body, limit=LIMIT) == LIMIT
    response = post_raw(officer_api, "/api/v1/contributions/", body)
    assert response.status_code == 201, response.content
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("depth", [LIMIT + 1, 1500])
def test_the_unauthenticated_token_endpoint_answers_400(ghana_officer, depth):
    body = with_extra({"username": "officer.gh", "password": "pass-for-tests"}, depth - 1)
    response = post_raw(APIClient(), "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert response.json() == too_deep_answer()


def test_the_token_endpoint_takes_a_body_just_under_the_limit(ghana_officer):
    body = with_extra({"username": "officer.gh", "password": "pass-for-tests"}, LIMIT - 1)
    response = post_raw(APIClient(), "/api/v1/auth/token/", body)
    assert response.status_code == 200, response.content
    assert response.json()["token"]


def test_the_limit_is_a_setting(officer_api, ghana_compact, settings):
    settings.API_MAX_JSON_DEPTH = 3
    body = json.dumps(contribution(ghana_compact, extra=[[1]]))  # 3 levels
    assert post_raw(officer_api, "/api/v1/contributions/", body).status_code == 201
    body = json.dumps(contribution(ghana_compact, extra=[[[1]]]))
    response = post_raw(officer_api, "/api/v1/contributions/", body)
    assert response.status_code == 400
    assert response.json() == too_deep_answer(3)


def test_broken_json_is_still_a_parse_error(officer_api):
    response = post_raw(officer_api, "/api/v1/contributions/", '{"compact": ')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
