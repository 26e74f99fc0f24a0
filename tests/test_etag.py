"""ETag on every GET /<id>/ of the API; If-Match on writes answers 412 once the record changed
(API contract v1.1), and the OpenAPI schema says so."""

from decimal import Decimal

import pytest
from django.urls import reverse

from compacts.models import PartnerCountry
from contributions.models import Contribution
from cpc.api.conditional import ERR_PRECONDITION_FAILED
from indicators.models import Indicator, Result
from tests.compacts.factories import AwardFactory
from tests.contributions.factories import ContributionFactory
from tests.dialogues.factories import DialogueFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, StandardIndicatorFactory
from tests.test_access_sweep import ROUTES, build_world

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

DETAIL_ROUTES = [r for r in ROUTES if r.is_api and r.name.endswith("-detail")]


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def test_the_detail_routes_are_found():
    names = {r.name for r in DETAIL_ROUTES}
    assert {"contribution-detail", "compact-detail", "result-detail", "report-detail",
            "standard-indicator-detail", "action-item-detail"} <= names


def test_every_get_of_a_record_answers_an_etag(staff_api, ghana):
    world = build_world(ghana, StandardIndicatorFactory(code="ETAG-1"))
    from reports.models import ReportJob
    from tests.reports.factories import ReportJobFactory

    world[ReportJob] = ReportJobFactory(compact=world[PartnerCountry].compacts.first())
    missing = []
    for route in DETAIL_ROUTES:
        model = route.objects()["pk"]
        url = reverse(route.name, kwargs={"pk": world[model].pk})
        response = staff_api.get(url)
        assert response.status_code == 200, url
        if not response.get("ETag", "").startswith('"'):
            missing.append(url)
    assert not missing, f"no ETag: {missing}"


def test_the_etag_follows_what_the_reader_sees(staff_api, ghana_compact):
    url = f"/api/v1/compacts/{ghana_compact.pk}/"
    first = staff_api.get(url)["ETag"]
    assert staff_api.get(url)["ETag"] == first  # stable while nothing changes
    AwardFactory(compact=ghana_compact, amount_usd=Decimal("5.00"))  # us_awarded_usd moves
    assert staff_api.get(url)["ETag"] != first


# If-Match on PATCH ---------------------------------------------------------------------------


def test_patch_with_the_current_etag_succeeds_and_answers_the_new_one(officer_api,
                                                                       ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    url = f"/api/v1/contributions/{contribution.pk}/"
    etag = officer_api.get(url)["ETag"]
    response = officer_api.patch(url, {"description": "Reworded"}, format="json",
                                 HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response["ETag"] != etag
    assert response["ETag"] == officer_api.get(url)["ETag"]


def test_patch_with_a_stale_etag_is_a_412_and_writes_nothing(officer_api, staff_api,
                                                             ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    url = f"/api/v1/contributions/{contribution.pk}/"
    etag = officer_api.get(url)["ETag"]
    assert staff_api.patch(url, {"amount_usd": "11.00"}, format="json").status_code == 200
    versions = Contribution.objects.get(pk=contribution.pk).history.count()
    response = officer_api.patch(url, {"description": "Reworded"}, format="json",
                                 HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json() == {"detail": ERR_PRECONDITION_FAILED}
    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.description != "Reworded" and saved.amount_usd == Decimal("11.00")
    assert saved.history.count() == versions


def test_if_match_is_optional_and_star_matches_any_version(officer_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    url = f"/api/v1/contributions/{contribution.pk}/"
    assert officer_api.patch(url, {"description": "One"}, format="json").status_code == 200
    assert officer_api.patch(url, {"description": "Two"}, format="json",
                             HTTP_IF_MATCH="*").status_code == 200
    assert officer_api.patch(url, {"description": "Three"}, format="json",
                             HTTP_IF_MATCH='"nothing", W/"weak"').status_code == 412


def test_a_nested_change_makes_the_etag_stale(staff_api, ghana_compact):
    url = f"/api/v1/compacts/{ghana_compact.pk}/"
    etag = staff_api.get(url)["ETag"]
    staff_api.patch(url, {"objectives": [{"pillar": "protection", "description": "Shelters"}]},
                    format="json")
    response = staff_api.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412


def test_scope_comes_before_the_precondition(officer_api, peru_compact):
    contribution = ContributionFactory(compact=peru_compact, currency="PEN")
    response = officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                                 {"description": "x"}, format="json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 404


# If-Match on the actions that change the record ------------------------------------------


def test_verify_with_a_stale_etag_is_a_412(staff_api, officer_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    url = f"/api/v1/contributions/{contribution.pk}/"
    etag = staff_api.get(url)["ETag"]
    officer_api.patch(url, {"amount_usd": "1.00"}, format="json")
    response = staff_api.post(f"{url}verify/", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert not Contribution.objects.get(pk=contribution.pk).verified
    fresh = staff_api.get(url)["ETag"]
    assert staff_api.post(f"{url}verify/", HTTP_IF_MATCH=fresh).status_code == 200


def test_approve_with_a_stale_etag_is_a_412(staff_api, officer_api, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="submitted")
    url = f"/api/v1/results/{result.pk}/"
    etag = staff_api.get(url)["ETag"]
    officer_api.patch(url, {"value": "42"}, format="json")
    assert staff_api.post(f"{url}approve/", {}, format="json",
                          HTTP_IF_MATCH=etag).status_code == 412
    assert Result.objects.get(pk=result.pk).status == "submitted"


def test_a_nested_collection_is_not_held_to_the_parents_etag(officer_api, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    response = officer_api.post(f"/api/v1/dialogues/{dialogue.pk}/participants/",
                                {"name": "A. Mensah", "organization": "Ministry",
                                 "side": "partner_government"},
                                format="json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 201


def test_a_conflict_inside_a_checked_request_writes_nothing(staff_api, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact)
    result = ResultFactory(indicator=indicator, status="approved")
    url = f"/api/v1/results/{result.pk}/"
    response = staff_api.post(f"{url}approve/", {}, format="json",
                              HTTP_IF_MATCH=staff_api.get(url)["ETag"])
    assert response.status_code == 409
    assert Indicator.objects.filter(pk=indicator.pk).exists()


# The schema -----------------------------------------------------------------------------------


def test_the_schema_declares_the_errors_and_if_match(staff_api):
    schema = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/api/v1/contributions/{id}/"]["patch"]
    assert {"400", "401", "403", "404", "409", "412"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    verify = schema["paths"]["/api/v1/contributions/{id}/verify/"]["post"]
    assert "412" in verify["responses"]
    participants = schema["paths"]["/api/v1/dialogues/{id}/participants/"]["post"]
    assert "412" not in participants["responses"]
    get = schema["paths"]["/api/v1/contributions/{id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
    assert {"401", "403", "404"} <= set(get["responses"])
