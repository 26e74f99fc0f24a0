"""Every year a user types is bounded like the API's (cpc.fiscal: FY 2000 to 2100): on the
forms (a form error beside the field), in the admin and the models (a field error), in the
filters. ``fiscal_year=1`` on the contributions form was a 500 ("year 0 is out of range")."""

import pytest
from django.core.exceptions import ValidationError

from contributions.models import Contribution
from cpc.fiscal import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, is_fiscal_year
from dialogues.models import Dialogue
from tests.compacts.factories import TierRankingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

OUT_OF_RANGE = ["1", "0", "1999", "2101", "32768", "99999", "2100000000000"]
TOO_LOW = f"Ensure this value is greater than or equal to {FISCAL_YEAR_MIN}."
TOO_HIGH = f"Ensure this value is less than or equal to {FISCAL_YEAR_MAX}."


def year_error(year: str) -> str:
    return TOO_LOW if int(year) < FISCAL_YEAR_MIN else TOO_HIGH


def test_is_fiscal_year():
    assert is_fiscal_year(2000) and is_fiscal_year(2100)
    assert not any(is_fiscal_year(v) for v in (1999, 2101, 1, True, "2024", None))


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_the_contributions_form_answers_a_form_error(client, staff_user, ghana_compact, year):
    client.force_login(staff_user)
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/", {
        "fiscal_year": year, "kind": "funding", "description": "Sample: budget line",
        "amount_local": "1", "currency": "GHS", "amount_usd": "1", "personnel_count": "",
        "recorded_at_dialogue": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["fiscal_year"] == [year_error(year)]
    assert not Contribution.objects.exists()


def test_the_contributions_form_year_input_carries_the_bounds(client, staff_user,
                                                              ghana_compact):
    client.force_login(staff_user)
    form = client.get(f"/contributions/compacts/{ghana_compact.pk}/").context["form"]
    assert (form.fields["fiscal_year"].min_value, form.fields["fiscal_year"].max_value) == (
        FISCAL_YEAR_MIN, FISCAL_YEAR_MAX)


@pytest.mark.parametrize("year", ["1", "2101", "99999"])
def test_the_new_dialogue_form_answers_a_form_error(client, ghana_officer, ghana_compact,
                                                    year):
    client.force_login(ghana_officer)
    response = client.post(f"/dialogues/new/?compact={ghana_compact.pk}", {
        "fiscal_year": year, "scheduled_for": "2025-03-10", "format": "virtual"})
    assert response.status_code == 400
    assert response.context["form"].errors["fiscal_year"] == [year_error(year)]
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize("year", [1, 99999])
def test_the_model_refuses_it_with_a_field_error_whatever_the_path(staff_user, ghana_compact,
                                                                   year):
    # The admin and the services call full_clean: a field error, never a ValueError.
    contribution = Contribution(compact=ghana_compact, fiscal_year=year, kind="funding",
                                description="Sample", amount_local=1, currency="GHS",
                                amount_usd=1, recorded_by=staff_user,
                                value_changed_by=staff_user)
    with pytest.raises(ValidationError) as refused:
        contribution.full_clean()
    assert refused.value.message_dict["fiscal_year"] == [year_error(str(year))]
    assert ghana_compact.is_active_in(year) is False


def test_a_tier_ranking_year_is_bounded_too(ghana):
    ranking = TierRankingFactory.build(country=ghana, report_year=1)
    with pytest.raises(ValidationError) as refused:
        ranking.full_clean()
    assert refused.value.message_dict["report_year"] == [TOO_LOW]


@pytest.mark.parametrize("year", ["1", "1999", "99999"])
def test_the_api_refuses_it_naming_the_field(officer_api, ghana_compact, year):
    response = officer_api.post("/api/v1/contributions/", {
        "compact": ghana_compact.pk, "fiscal_year": int(year), "kind": "funding",
        "description": "Sample", "amount_local": "1", "currency": "GHS", "amount_usd": "1"},
        format="json")
    assert response.status_code == 400
    assert "fiscal_year" in response.json()


@pytest.mark.parametrize("year", ["1", "99999", "2024.5"])
def test_the_compacts_active_in_filter_takes_any_year(staff_api, ghana_compact, year):
    response = staff_api.get(f"/api/v1/compacts/?active_in={year}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["count"] == 0


@pytest.mark.parametrize("year", ["1", "1999", "99999"])
def test_year_pages_and_actions_answer_without_a_500(client, staff_user, ghana_compact, year):
    client.force_login(staff_user)
    lock = client.post(f"/compacts/{ghana_compact.pk}/fiscal-years/{year}/lock/",
                       {"reason": "Sample"})
    assert lock.status_code == 400
    bulk = client.get(f"/indicators/compact/{ghana_compact.pk}/bulk/?year={year}")
    assert bulk.status_code == 404
    table = client.get(f"/compacts/{ghana_compact.pk}/?fiscal_year={year}")
    assert table.status_code == 200
