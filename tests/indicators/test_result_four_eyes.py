"""Four eyes on results (issue 23): whoever submitted a result, or last changed its value,
cannot approve it. The API answers 409 naming the rule, the indicator page and the review
queue say so, and another TIP Office staff member approves."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Result, ResultStatus
from tests.compacts.factories import UserFactory
from tests.indicators.factories import IndicatorFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

OWN = str(services.ERR_APPROVE_OWN)


@pytest.fixture
def indicator(ghana_compact):
    return IndicatorFactory(compact=ghana_compact, code="PROT-1", unit="count")


@pytest.fixture
def submitted(indicator, ghana_officer):
    return services.result_record(user=ghana_officer, indicator=indicator, fiscal_year=2024,
                                  value=Decimal("12"), source="Ministry register")


def test_the_last_changer_of_the_value_cannot_approve(staff_api, supervisor_api, staff_user,
                                                      submitted):
    # A staff member corrects the officer's figure: it stays submitted, now theirs.
    response = staff_api.patch(f"/api/v1/results/{submitted.pk}/", {"value": "13"})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert Result.objects.get(pk=submitted.pk).value_changed_by == staff_user
    refused = staff_api.post(f"/api/v1/results/{submitted.pk}/approve/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": OWN}
    approved = supervisor_api.post(f"/api/v1/results/{submitted.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["reviewed_by"] == "supervisor"


def test_a_source_edit_does_not_make_the_editor_the_value_changer(staff_api, staff_user,
                                                                  submitted):
    staff_api.patch(f"/api/v1/results/{submitted.pk}/", {"source": "Ministry register, p. 4"})
    assert staff_api.post(f"/api/v1/results/{submitted.pk}/approve/").status_code == 200


def test_returning_is_not_refused(staff_api, submitted):
    staff_api.patch(f"/api/v1/results/{submitted.pk}/", {"value": "13"})
    response = staff_api.post(f"/api/v1/results/{submitted.pk}/return/",
                              {"review_note": "Check the register again."})
    assert response.status_code == 200


def test_page_and_queue_say_why_not(client, staff_user, submitted, ghana_compact):
    services.result_update(user=staff_user, result=submitted, data={"value": Decimal("13")})
    client.force_login(staff_user)
    response = client.post(
        f"/indicators/compact/{ghana_compact.pk}/results/{submitted.pk}/approve/",
        follow=True)
    assert OWN.replace("'", "&#x27;") in response.content.decode()
    queue = client.post("/work/results/review/", {"action": "approve", "results": [submitted.pk],
                                          "note": ""}, follow=True)
    assert "Not approved, four eyes" in queue.content.decode()
    assert Result.objects.get(pk=submitted.pk).status == ResultStatus.SUBMITTED
    other = UserFactory(username="second.reviewer")
    from compacts import services as compact_services
    from cpc.access.roles import TIP_STAFF
    compact_services.user_assign_role(user=other, role=TIP_STAFF)
    services.result_approve(user=other, result=submitted)
    assert Result.objects.get(pk=submitted.pk).status == ResultStatus.APPROVED
