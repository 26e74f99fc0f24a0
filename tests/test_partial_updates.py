"""Services change only the fields they are given, on the record as it is now; an empty change
changes nothing; a verification records its figures and is withdrawn when they change."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contributions import services as contribution_services
from contributions.models import REASON_VERIFICATION_CLEARED, Contribution
from indicators import services as indicator_services
from indicators.models import Result, ResultStatus
from tests.contributions.factories import ContributionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def test_a_copy_read_earlier_does_not_undo_a_change_saved_since(ghana_compact, ghana_officer):
    # Given two users who opened the same contribution
    first = Contribution.objects.get(pk=ContributionFactory(compact=ghana_compact).pk)
    second = Contribution.objects.get(pk=first.pk)
    # when each changes a different field from their own copy
    contribution_services.contribution_update(contribution=first, user=ghana_officer,
                                              data={"description": "Shelter budget line"})
    contribution_services.contribution_update(contribution=second, user=ghana_officer,
                                              data={"amount_usd": Decimal("12345.00")})
    # then both changes stick.
    saved = Contribution.objects.get(pk=first.pk)
    assert saved.description == "Shelter budget line"
    assert saved.amount_usd == Decimal("12345.00")


def test_an_update_saves_only_the_fields_that_changed(ghana_compact, ghana_officer):
    contribution = ContributionFactory(compact=ghana_compact)
    with CaptureQueriesContext(connection) as queries:
        contribution_services.contribution_update(contribution=contribution, user=ghana_officer,
                                                  data={"description": "Reworded"})
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"description"' in updates[0] and '"amount_usd"' not in updates[0]


def test_an_empty_change_writes_nothing(ghana_compact, ghana_officer):
    contribution = ContributionFactory(compact=ghana_compact)
    versions = contribution.history.count()
    contribution_services.contribution_update(contribution=contribution, user=ghana_officer,
                                              data={})
    assert contribution.history.count() == versions


def test_an_officers_empty_edit_leaves_an_approved_result_approved(ghana_compact,
                                                                   ghana_officer):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), status="approved")
    indicator_services.result_update(user=ghana_officer, result=result, data={})
    indicator_services.result_update(user=ghana_officer, result=result,
                                     data={"value": result.value, "source": result.source})
    assert Result.objects.get(pk=result.pk).status == ResultStatus.APPROVED


def test_an_officers_real_edit_still_sends_the_result_back_to_review(ghana_compact,
                                                                     ghana_officer):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), status="approved")
    indicator_services.result_update(user=ghana_officer, result=result,
                                     data={"source": "Ministry table 4"},
                                     change_reason="The ministry named its table.")
    assert Result.objects.get(pk=result.pk).status == ResultStatus.SUBMITTED


def test_api_empty_patch_by_an_officer_keeps_the_approval(officer_api, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact), status="approved")
    response = officer_api.patch(f"/api/v1/results/{result.pk}/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_patch_changes_only_the_fields_it_carries(staff_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact, personnel_count=None)
    Contribution.objects.filter(pk=contribution.pk).update(description="Changed meanwhile")
    response = staff_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                               {"amount_usd": "99.00"}, format="json")
    assert response.status_code == 200
    saved = Contribution.objects.get(pk=contribution.pk)
    assert (saved.description, saved.amount_usd) == ("Changed meanwhile", Decimal("99.00"))


# Verification records its figures ----------------------------------------------------------


def test_verification_records_the_figures_it_covers(ghana_compact, staff_user):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    saved = Contribution.objects.get(pk=contribution.pk)
    assert saved.verified
    assert (saved.verified_amount_usd, saved.verified_amount_local, saved.verified_currency,
            saved.verified_personnel_count) == (saved.amount_usd, saved.amount_local,
                                                saved.currency, None)


def test_verifying_a_stale_copy_records_the_figures_as_they_are_now(ghana_compact, staff_user,
                                                                   ghana_officer):
    stale = Contribution.objects.get(
        pk=ContributionFactory(compact=ghana_compact, with_evidence=True).pk)
    contribution_services.contribution_update(
        contribution=Contribution.objects.get(pk=stale.pk), user=ghana_officer,
        data={"amount_usd": Decimal("777.00")})
    contribution_services.contribution_verify(contribution=stale, user=staff_user)
    saved = Contribution.objects.get(pk=stale.pk)
    assert saved.amount_usd == saved.verified_amount_usd == Decimal("777.00")


def test_changing_a_verified_figure_withdraws_the_verification_with_a_reason(
        ghana_compact, staff_user, ghana_officer):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    contribution_services.contribution_update(
        contribution=Contribution.objects.get(pk=contribution.pk), user=ghana_officer,
        data={"amount_usd": Decimal("1.00")}, reason="Budget restated.")
    saved = Contribution.objects.get(pk=contribution.pk)
    assert not saved.verified and saved.verified_by is None
    assert saved.verified_amount_usd is None
    # The person's reason, then the withdrawal's.
    assert saved.history.first().history_change_reason == (
        "Budget restated. " + REASON_VERIFICATION_CLEARED.format(fields="amount (USD)"))


def test_the_model_withdraws_a_verification_whose_figures_changed(ghana_compact, staff_user):
    """Any path that validates the record (a form, the admin) withdraws it too."""
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    contribution = Contribution.objects.get(pk=contribution.pk)
    contribution.amount_local = Decimal("5")
    contribution.full_clean()
    assert not contribution.verified
    assert "amount (local currency)" in contribution._change_reason


def test_the_database_refuses_a_verification_that_does_not_match_its_figures(ghana_compact,
                                                                            staff_user):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(amount_usd=Decimal("3.00"))


def test_a_refused_update_leaves_the_copy_unchanged_in_the_database(ghana_compact,
                                                                     ghana_officer):
    contribution = ContributionFactory(compact=ghana_compact)
    with pytest.raises(ValidationError):
        contribution_services.contribution_update(contribution=contribution, user=ghana_officer,
                                                  data={"amount_usd": Decimal("-1")})
    assert Contribution.objects.get(pk=contribution.pk).amount_usd == Decimal("10000.00")
