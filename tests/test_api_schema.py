"""What the API fuzzing (scripts/fuzz_api.py) found, pinned: every answer under /api/ is JSON,
and the schema declares what the views really answer."""

import pytest

from tests.indicators.factories import IndicatorFactory, ResultFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("url", ["/api/v1/awards/a.b/", "/api/v1/no-such-thing/",
                                 "/api/v1/compacts/1/nothing/"])
def test_an_api_url_no_route_matches_is_a_json_404(staff_api, url):
    response = staff_api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_url_no_route_matches_is_still_the_sites_page(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_page_past_the_last_is_declared(schema):
    assert "404" in schema["paths"]["/api/v1/awards/"]["get"]["responses"]


def test_nested_collections_declare_the_201_of_the_record_they_add(schema):
    post = schema["paths"]["/api/v1/dialogues/{id}/participants/"]["post"]["responses"]
    assert "200" not in post
    assert post["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Participant"}


def test_progress_is_declared_as_the_plain_list_it_is(schema, staff_api, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    ResultFactory(indicator=indicator)
    body = staff_api.get(f"/api/v1/indicators/{indicator.pk}/progress/").json()
    assert isinstance(body, list)
    declared = schema["paths"]["/api/v1/indicators/{id}/progress/"]["get"]["responses"]["200"]
    assert declared["content"]["application/json"]["schema"]["type"] == "array"


@pytest.mark.parametrize(("component", "field"), [
    ("Result", "reviewed_by"), ("Result", "reported_by"), ("TargetProposal", "decided_by"),
    ("TargetProposal", "proposed_by"), ("FollowUp", "recorded_by")])
def test_people_not_yet_known_are_declared_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable")


def test_stored_files_declare_the_types_they_are_served_as(schema):
    content = schema["paths"]["/api/v1/contributions/{id}/evidence/"]["get"]["responses"][
        "200"]["content"]
    assert {"application/pdf", "image/png", "application/octet-stream"} <= set(content)


def test_award_finances_are_declared_as_they_answer(schema):
    path = schema["paths"]["/api/v1/awards/{id}/finances/"]
    listed = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array"
    assert listed["items"] == {"$ref": "#/components/schemas/AwardFinance"}
    assert set(path["post"]["responses"]) >= {"200", "201"}
    fields = schema["components"]["schemas"]["AwardFinance"]["properties"]
    assert {"fiscal_year", "obligated_usd", "disbursed_usd", "spent_usd", "source_reference",
            "as_of"} <= set(fields)
    assert fields["recorded_by"].get("nullable")
