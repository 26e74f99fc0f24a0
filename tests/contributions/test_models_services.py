"""Validation rules, status moves and the overdue rule of contributions and plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from contributions import services
from contributions.models import (
    ERR_CURRENCY,
    ERR_DIALOGUE_OTHER_COMPACT,
    ERR_DUE_BEFORE_REQUEST,
    ERR_NEGATIVE,
    ERR_PERSONNEL_ONLY,
    ERR_PERSONNEL_REQUIRED,
    ERR_RECEIVED_BEFORE_REQUEST,
    Contribution,
    PlanStatus,
    SustainabilityPlan,
)
from cpc.api.exceptions import StateConflict
from cpc.models import recorded_as_of
from tests.compacts.factories import CompactFactory, ExtensionFactory
from tests.contributions.factories import (
    ContributionFactory,
    DialogueFactory,
    SustainabilityPlanFactory,
)
from tests.dialogues.factories import noon

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

VALID = {
    "fiscal_year": 2024,
    "kind": "funding",
    "description": "Sample: shelter budget line.",
    "amount_local": Decimal("120000"),
    "currency": "GHS",
    "amount_usd": Decimal("10000"),
}


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def create(compact, **overrides):
    return services.contribution_create(compact=compact, **(VALID | overrides))


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_valid_contribution_is_saved_with_who_recorded_it(ghana_compact, ghana_officer):
    contribution = services.contribution_create(compact=ghana_compact, user=ghana_officer,
                                                **VALID)
    assert contribution.pk
    assert contribution.recorded_by == ghana_officer
    assert contribution.verified is False
    assert contribution.history.count() == 1


@pytest.mark.parametrize("field", ["amount_local", "amount_usd"])
def test_negative_amounts_are_rejected_on_their_field(ghana_compact, field):
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, **{field: Decimal("-1")})
    assert ERR_NEGATIVE in errors_of(excinfo)[field]
    assert not Contribution.objects.exists()


def test_zero_amounts_are_allowed(ghana_compact):
    assert create(ghana_compact, amount_local=Decimal("0"), amount_usd=Decimal("0")).pk


@pytest.mark.parametrize("code", ["XYZ", "usd", "US", "CEDI", ""])
def test_unknown_currency_code_is_rejected(ghana_compact, code):
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, currency=code)
    assert "currency" in errors_of(excinfo)
    if code:
        assert ERR_CURRENCY in errors_of(excinfo)["currency"]


@pytest.mark.parametrize("code", ["GHS", "PEN", "COP", "USD", "EUR", "XOF", "MNT"])
def test_known_currency_codes_are_accepted(ghana_compact, code):
    assert create(ghana_compact, currency=code).currency == code


def test_personnel_contribution_needs_a_personnel_count(ghana_compact):
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, kind="personnel")
    assert errors_of(excinfo)["personnel_count"] == [ERR_PERSONNEL_REQUIRED]
    assert create(ghana_compact, kind="personnel", personnel_count=12).personnel_count == 12


@pytest.mark.parametrize("kind", ["funding", "in_kind", "other"])
def test_personnel_count_only_for_personnel(ghana_compact, kind):
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, kind=kind, personnel_count=3)
    assert errors_of(excinfo)["personnel_count"] == [ERR_PERSONNEL_ONLY]


def test_unknown_kind_is_rejected(ghana_compact):
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, kind="loan")
    assert "kind" in errors_of(excinfo)


@pytest.mark.parametrize("fiscal_year", [2021, 2028, 2000])
def test_fiscal_year_outside_the_compact_is_rejected(ghana_compact, fiscal_year):
    # The compact runs 26 Apr 2022 to 26 Apr 2027: fiscal years 2022 to 2027.
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, fiscal_year=fiscal_year)
    assert "fiscal_year" in errors_of(excinfo)


@pytest.mark.parametrize("fiscal_year", [2022, 2027])
def test_first_and_last_fiscal_year_of_the_compact_are_inside(ghana_compact, fiscal_year):
    assert create(ghana_compact, fiscal_year=fiscal_year).pk


def test_an_extension_brings_later_fiscal_years_inside(ghana_compact):
    ExtensionFactory(compact=ghana_compact, new_end_date=dt.date(2028, 4, 26))
    assert create(ghana_compact, fiscal_year=2028).pk


def test_dialogue_must_belong_to_the_same_compact(ghana_compact, peru_compact):
    other = DialogueFactory(compact=peru_compact)
    with pytest.raises(ValidationError) as excinfo:
        create(ghana_compact, recorded_at_dialogue=other)
    assert errors_of(excinfo)["recorded_at_dialogue"] == [ERR_DIALOGUE_OTHER_COMPACT]
    own = DialogueFactory(compact=ghana_compact)
    assert create(ghana_compact, recorded_at_dialogue=own).recorded_at_dialogue == own


def test_database_refuses_negative_amounts_even_without_full_clean(ghana_compact):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(compact=ghana_compact, **(VALID | {"amount_usd": -5}))


def test_database_refuses_personnel_count_on_funding(ghana_compact):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(compact=ghana_compact, **(VALID | {"personnel_count": 2}))


def test_only_staff_verify_and_verification_is_stamped(ghana_compact, staff_user,
                                                       ghana_officer, private_files):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    with pytest.raises(PermissionDenied):
        services.contribution_verify(contribution=contribution, user=ghana_officer)
    contribution.refresh_from_db()
    assert contribution.verified is False
    services.contribution_verify(contribution=contribution, user=staff_user)
    contribution.refresh_from_db()
    assert contribution.verified and contribution.verified_by == staff_user
    assert contribution.verified_at is not None


def test_changing_verified_figures_clears_the_verification(ghana_compact, staff_user,
                                                           private_files):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    services.contribution_verify(contribution=contribution, user=staff_user)
    # Every change to a verified contribution says why (tests/audit/test_reasons.py).
    services.contribution_update(contribution=contribution, data={"description": "Reworded"},
                                 reason="Clearer wording.")
    assert contribution.verified is True
    services.contribution_update(contribution=contribution,
                                 data={"amount_usd": Decimal("99.00")},
                                 reason="Budget restated.")
    contribution.refresh_from_db()
    assert contribution.verified is False and contribution.verified_by is None


# --- Sustainability plans ---------------------------------------------------------------

def test_plan_moves_through_every_status(ghana_compact, staff_user):
    plan = services.plan_create(user=staff_user, compact=ghana_compact, measures=[
        {"description": "Budget line for shelters", "category": "budget_line",
         "responsible_institution": "Ministry of Finance"},
    ])
    assert plan.status == PlanStatus.NOT_REQUESTED
    with recorded_as_of(noon(dt.date(2024, 1, 10))):
        plan = services.plan_request(user=staff_user, plan=plan, due_on=dt.date(2024, 4, 10))
    assert plan.requested_on == dt.date(2024, 1, 10)
    assert plan.status == PlanStatus.REQUESTED
    plan = services.plan_receive(user=staff_user, plan=plan, received_on=dt.date(2024, 4, 1))
    assert plan.status == PlanStatus.RECEIVED
    plan = services.plan_accept(user=staff_user, plan=plan)
    assert plan.status == PlanStatus.ACCEPTED
    assert plan.measures.count() == 1
    assert plan.history.count() == 4


IMPOSSIBLE_MOVES = [
    (PlanStatus.NOT_REQUESTED, "receive"),
    (PlanStatus.NOT_REQUESTED, "accept"),
    (PlanStatus.REQUESTED, "request"),
    (PlanStatus.REQUESTED, "accept"),
    (PlanStatus.RECEIVED, "request"),
    (PlanStatus.RECEIVED, "receive"),
    (PlanStatus.ACCEPTED, "request"),
    (PlanStatus.ACCEPTED, "receive"),
    (PlanStatus.ACCEPTED, "accept"),
]


def plan_in(status, compact):
    dates = {}
    if status != PlanStatus.NOT_REQUESTED:
        dates = {"requested_on": dt.date(2024, 1, 10), "due_on": dt.date(2024, 4, 10)}
    if status in (PlanStatus.RECEIVED, PlanStatus.ACCEPTED):
        dates["received_on"] = dt.date(2024, 4, 1)
    return SustainabilityPlanFactory(compact=compact, status=status, **dates)


def move(plan, action, user):
    if action == "request":
        return services.plan_request(user=user, plan=plan, due_on=dt.date(2030, 1, 1))
    if action == "receive":
        return services.plan_receive(user=user, plan=plan)
    return services.plan_accept(user=user, plan=plan)


@pytest.mark.parametrize(("status", "action"), IMPOSSIBLE_MOVES)
def test_impossible_status_moves_are_state_conflicts(ghana_compact, staff_user, status,
                                                     action):
    plan = plan_in(status, ghana_compact)
    with pytest.raises(StateConflict):
        move(plan, action, staff_user)
    plan.refresh_from_db()
    assert plan.status == status


def test_due_date_must_be_after_the_request(ghana_compact, staff_user):
    plan = plan_in(PlanStatus.NOT_REQUESTED, ghana_compact)
    for due_on in (dt.date(2024, 1, 10), dt.date(2024, 1, 9)):
        with (pytest.raises(ValidationError) as excinfo,
              recorded_as_of(noon(dt.date(2024, 1, 10)))):
            services.plan_request(user=staff_user, plan=plan, due_on=due_on)
        assert errors_of(excinfo)["due_on"] == [ERR_DUE_BEFORE_REQUEST]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NOT_REQUESTED


def test_plan_cannot_be_received_before_it_was_requested(ghana_compact, staff_user):
    plan = plan_in(PlanStatus.REQUESTED, ghana_compact)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_receive(user=staff_user, plan=plan, received_on=dt.date(2023, 12, 31))
    assert errors_of(excinfo)["received_on"] == [ERR_RECEIVED_BEFORE_REQUEST]


@pytest.mark.parametrize("who", ["ghana_officer", "auditor_user"])
def test_only_tip_staff_create_change_or_move_a_plan(request, ghana_compact, peru_compact,
                                                    colombia, who):
    # Given a plan in each state a move starts from, and a user who is not TIP staff
    user = request.getfixturevalue(who)
    compacts = (ghana_compact, peru_compact, CompactFactory(country=colombia))
    plans = {status: plan_in(status, compact) for status, compact in zip(
        (PlanStatus.NOT_REQUESTED, PlanStatus.REQUESTED, PlanStatus.RECEIVED), compacts,
        strict=True)}
    # Then every write of a plan is refused and changes nothing
    with pytest.raises(PermissionDenied):
        services.plan_create(user=user, compact=ghana_compact)
    with pytest.raises(PermissionDenied):
        services.plan_update(user=user, plan=plans[PlanStatus.NOT_REQUESTED],
                             data={"notes": "Changed"})
    for status, action in ((PlanStatus.NOT_REQUESTED, "request"),
                           (PlanStatus.REQUESTED, "receive"), (PlanStatus.RECEIVED, "accept")):
        with pytest.raises(PermissionDenied):
            move(plans[status], action, user)
    assert sorted(SustainabilityPlan.objects.values_list("status", flat=True)) == sorted(plans)
    assert not SustainabilityPlan.objects.filter(notes="Changed").exists()


def test_database_refuses_due_date_before_request(ghana_compact):
    with pytest.raises(IntegrityError), transaction.atomic():
        SustainabilityPlan.objects.create(compact=ghana_compact, requested_on=dt.date(2024, 2, 1),
                                          due_on=dt.date(2024, 1, 1))


def test_one_plan_per_compact(ghana_compact, staff_user):
    services.plan_create(user=staff_user, compact=ghana_compact)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=staff_user, compact=ghana_compact)
    assert "compact" in errors_of(excinfo)


def test_measure_category_must_be_known(ghana_compact, staff_user):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(user=staff_user, compact=ghana_compact, measures=[
            {"description": "x", "category": "wishes", "responsible_institution": "y"}])
    assert "category" in errors_of(excinfo)
    assert not SustainabilityPlan.objects.exists()


@pytest.mark.parametrize(
    ("on", "overdue"),
    [
        (dt.date(2024, 6, 29), False),  # before the due date
        (dt.date(2024, 6, 30), False),  # on the due date: still on time
        (dt.date(2024, 7, 1), True),  # the day after
        (dt.date(2026, 1, 1), True),
    ],
)
def test_requested_plan_is_overdue_only_after_its_due_date(ghana_compact, on, overdue):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)  # due 30 Jun 2024
    assert (plan in SustainabilityPlan.objects.overdue(on=on)) is overdue
    assert plan.is_overdue(on=on) is overdue


def test_received_accepted_and_unrequested_plans_are_never_overdue(ghana_compact, peru_compact,
                                                                   colombia):
    from tests.compacts.factories import CompactFactory

    late = dt.date(2030, 1, 1)
    plan_in(PlanStatus.RECEIVED, ghana_compact)
    plan_in(PlanStatus.ACCEPTED, peru_compact)
    plan_in(PlanStatus.NOT_REQUESTED, CompactFactory(country=colombia))
    assert not SustainabilityPlan.objects.overdue(on=late).exists()


def test_follow_up_is_recorded_with_its_author(ghana_compact, ghana_officer):
    plan = plan_in(PlanStatus.REQUESTED, ghana_compact)
    follow_up = services.follow_up_create(plan=plan, user=ghana_officer,
                                          date=dt.date(2024, 7, 2), note="Called the ministry.",
                                          next_step="Meet in August.")
    assert follow_up.recorded_by == ghana_officer
    with pytest.raises(ValidationError) as excinfo:
        services.follow_up_create(plan=plan, date=dt.date(2024, 7, 2), note="")
    assert "note" in errors_of(excinfo)
