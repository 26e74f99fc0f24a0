"""The indicator admin is scoped by country and role like the API."""

import pytest

from compacts import services
from cpc.access.roles import EMBASSY_OFFICER
from tests.compacts.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

PAGES = ["indicator", "target", "result", "disaggregation", "standardindicator"]


@pytest.mark.parametrize("model", PAGES)
def test_staff_and_auditors_list_every_indicator_model(client, staff_user, auditor_user,
                                                       ghana_compact, model):
    ResultFactory(indicator=IndicatorFactory(compact=ghana_compact))
    for user in (staff_user, auditor_user):
        client.force_login(user)
        assert client.get(f"/admin/indicators/{model}/").status_code == 200


def test_officer_with_admin_access_sees_only_assigned_countries(client, ghana, ghana_compact,
                                                                peru_compact):
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    ghana_indicator = IndicatorFactory(compact=ghana_compact, name="Ghana cases")
    IndicatorFactory(compact=peru_compact, name="Peru cases")
    ghana_result = ResultFactory(indicator=ghana_indicator)
    TargetFactory(indicator=ghana_indicator)
    client.force_login(officer)
    listing = client.get("/admin/indicators/indicator/")
    assert b"Ghana cases" in listing.content
    assert b"Peru cases" not in listing.content
    assert client.get(f"/admin/indicators/result/{ghana_result.pk}/change/").status_code == 200


def test_auditor_cannot_change_an_indicator(client, auditor_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, name="Before")
    client.force_login(auditor_user)
    client.post(f"/admin/indicators/indicator/{indicator.pk}/change/", {"name": "After"})
    indicator.refresh_from_db()
    assert indicator.name == "Before"
