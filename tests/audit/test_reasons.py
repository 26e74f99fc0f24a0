"""A change to a verified contribution, a confirmed guidance version or an approved result
needs a reason through every path (API, pages, admin, upload); without one it is a field
error and nothing changes; with one the history keeps it. (The data-entry grid and the
results upload ask it for an approved value: tests/indicators/test_pages.py and
test_bulk.py.)"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from compacts import services as compact_services
from compacts.models import GuidanceDocument
from contributions import services as contribution_services
from contributions.models import Contribution
from indicators import services as indicator_services
from indicators.models import Result
from tests.compacts.factories import GuidanceDocumentFactory
from tests.contributions.factories import ContributionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


@pytest.fixture
def verified(ghana_compact, staff_user, supervisor_user, private_storage):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True,
                                       recorded_by=staff_user,
                                       value_changed_by=staff_user,
                                       description="Shelter budget")
    return contribution_services.contribution_verify(contribution=contribution,
                                                     user=supervisor_user)


def _reasons(record) -> list:
    return list(record.history.order_by("-history_date", "-history_id")
                .values_list("history_change_reason", flat=True))


def test_the_service_refuses_a_change_to_a_verified_contribution_without_a_reason(
        verified, staff_user):
    with pytest.raises(ValidationError) as refused:
        contribution_services.contribution_update(
            contribution=verified, data={"description": "Changed"}, user=staff_user)
    assert "reason" in refused.value.message_dict
    verified.refresh_from_db()
    assert (verified.description, verified.verified) == ("Shelter budget", True)


def test_the_api_asks_a_reason_for_a_verified_contribution(staff_api, verified):
    url = f"/api/v1/contributions/{verified.pk}/"
    refused = staff_api.patch(url, {"amount_usd": "12000.00"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["reason"]
    verified.refresh_from_db()
    assert (verified.amount_usd, verified.verified) == (Decimal("10000.00"), True)
    accepted = staff_api.patch(url, {"amount_usd": "12000.00",
                                     "reason": "Ministry restated the budget."}, format="json")
    assert accepted.status_code == 200, accepted.content
    verified.refresh_from_db()
    assert (verified.amount_usd, verified.verified) == (Decimal("12000.00"), False)
    assert _reasons(verified)[0].startswith("Ministry restated the budget.")
    assert "Verification withdrawn" in _reasons(verified)[0]


def test_an_unverified_contribution_changes_without_a_reason(staff_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    response = staff_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                               {"description": "Fixed a typo"}, format="json")
    assert response.status_code == 200


def _admin_contribution_form(contribution, **changes):
    data = {"compact": contribution.compact_id, "fiscal_year": contribution.fiscal_year,
            "kind": contribution.kind, "description": contribution.description,
            "amount_local": contribution.amount_local, "currency": contribution.currency,
            "amount_usd": contribution.amount_usd, "personnel_count": "",
            "recorded_at_dialogue": "", "reason": ""}
    return {k: ("" if v is None else v) for k, v in {**data, **changes}.items()}


def test_the_admin_asks_a_reason_for_a_verified_contribution(client, staff_user, verified):
    client.force_login(staff_user)
    url = f"/admin/contributions/contribution/{verified.pk}/change/"
    refused = client.post(url, _admin_contribution_form(verified, description="Changed"))
    assert refused.status_code == 200
    assert "reason" in refused.context["adminform"].form.errors
    verified.refresh_from_db()
    assert verified.description == "Shelter budget"
    saved = client.post(url, _admin_contribution_form(verified, description="Changed",
                                                      reason="Wrong line quoted."))
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    verified.refresh_from_db()
    assert verified.description == "Changed"
    assert _reasons(verified)[0] == "Wrong line quoted."
    assert Contribution.history.filter(history_change_reason="Wrong line quoted.",
                                       history_user=staff_user).exists()


@pytest.fixture
def confirmed(db):
    return GuidanceDocumentFactory(confirmed=True, targets_passage="Targets are set yearly.")


def test_a_confirmed_guidance_version_changes_only_with_a_reason(staff_user, confirmed):
    with pytest.raises(ValidationError) as refused:
        compact_services.guidance_document_update(user=staff_user, guidance=confirmed,
                                                  data={"title": "Renamed"})
    assert "reason" in refused.value.message_dict
    confirmed.refresh_from_db()
    assert confirmed.title != "Renamed"


def test_the_admin_asks_a_reason_for_a_confirmed_guidance_version(client, staff_user,
                                                                  confirmed):
    client.force_login(staff_user)
    url = f"/admin/compacts/guidancedocument/{confirmed.pk}/change/"
    form = {"title": "Renamed", "version": confirmed.version,
            "effective_from": "2023-10-01", "effective_to": "",
            "targets_passage": confirmed.targets_passage, "summary": "", "reason": ""}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "reason" in refused.context["adminform"].form.errors
    assert GuidanceDocument.objects.get(pk=confirmed.pk).title != "Renamed"
    saved = client.post(url, {**form, "reason": "The title had a typo."})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    confirmed.refresh_from_db()
    assert confirmed.title == "Renamed" and confirmed.is_confirmed  # passage unchanged
    assert _reasons(confirmed)[0] == "The title had a typo."


@pytest.fixture
def approved(ghana_compact):
    return ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), fiscal_year=2024,
                         status="approved", value=Decimal("100"), source="Ministry report")


def test_any_change_to_an_approved_result_needs_a_reason(staff_api, staff_user, approved):
    url = f"/api/v1/results/{approved.pk}/"
    refused = staff_api.patch(url, {"source": "Another report"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["change_reason"]
    approved.refresh_from_db()
    assert approved.source == "Ministry report"
    accepted = staff_api.patch(url, {"source": "Another report",
                                     "change_reason": "The ministry reissued it."},
                               format="json")
    assert accepted.status_code == 200, accepted.content
    assert _reasons(approved)[0] == "The ministry reissued it."
    with pytest.raises(ValidationError):
        indicator_services.result_update(user=staff_user, result=approved,
                                         data={"source": "Third"})


def test_the_admin_shows_an_approved_result_read_only(client, staff_user, approved):
    client.force_login(staff_user)
    url = f"/admin/indicators/result/{approved.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="source"' not in page.content.decode()
    client.post(url, {"source": "Changed in the admin"})
    approved.refresh_from_db()
    assert approved.source == "Ministry report"
    assert Result.history.filter(id=approved.pk).count() == 1
