"""The demo data against the public record (../shared/DOMAIN_FACTS.md) and the checks it
produces: nothing before September 2024 shows a practice GAO found missing, the dialogues of
September 2024 to January 2025 with Colombia, Peru and Côte d'Ivoire meet the checks GAO
closed as implemented, check 4 stays not met (recommendation 4 is open), and the embassy
officer has Colombia's upcoming dialogue to log."""

import datetime as dt

import pytest
from django.utils import timezone

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from contributions.models import Contribution, PlanStatus, SustainabilityPlan
from cpc.access.scoping import visible_country_ids
from cpc.fiscal import fiscal_year_of
from dialogues.models import Dialogue, DialogueStatus
from indicators.models import Result, Target
from oversight.compliance import MET, NOT_MET, compact_compliance
from oversight.models import GaoRecommendation

GAO_WINDOW = (dt.date(2024, 9, 1), dt.date(2025, 1, 31))
PRACTICE = {"CO", "PE", "CI"}


@pytest.fixture
def demo(db, demo_module):
    """The demo, loaded once for the module (tests/conftest.py)."""


def compact(iso):
    return Compact.objects.get(country__iso_code=iso)


def test_nothing_before_september_2024_shows_the_practice_gao_found_missing(demo):
    before = Dialogue.objects.filter(held_on__lt=GAO_WINDOW[0])
    assert before.exists()
    assert not before.filter(key_indicators__isnull=False).exists()
    assert not before.filter(sustainability_discussed=True).exists()
    assert not before.filter(discussions__isnull=False).exists()
    assert not Target.objects.filter(fiscal_year__lt=2025).exists()
    assert not Contribution.objects.filter(fiscal_year__lt=2025).exists()
    # No partner government has provided a plan; the early compacts' were never requested.
    assert not SustainabilityPlan.objects.exclude(received_on=None).exists()
    assert set(SustainabilityPlan.objects.filter(status=PlanStatus.NOT_REQUESTED)
               .values_list("compact__country__iso_code", flat=True)) == {"GH", "PH", "JM",
                                                                          "MN"}
    assert not SustainabilityPlan.objects.filter(requested_on__lt=dt.date(2024, 1, 1)).exists()


def test_the_2024_2025_dialogues_meet_what_gao_closed_and_not_recommendation_4(demo):
    for iso in PRACTICE:
        dialogue = Dialogue.objects.get(compact__country__iso_code=iso, fiscal_year=2025)
        assert GAO_WINDOW[0] <= dialogue.held_on <= GAO_WINDOW[1], iso
        assert dialogue.key_indicators_shared_on < dialogue.held_on
        checks = {c.recommendation: c for c in
                  compact_compliance(compact=dialogue.compact, fiscal_year=2025)}
        assert [checks[n].status for n in (1, 2, 3, 5)] == [MET] * 4, (iso, checks)
        assert checks[4].status == NOT_MET
        assert "quotes no passage" in checks[4].detail
        # Sustainability was discussed; Peru's plan, due when its extension ended, is overdue.
        assert checks[6].status == (NOT_MET if iso == "PE" else MET), (iso, checks[6])
    assert GaoRecommendation.objects.get(number=4).status == "open"


def test_peru_is_extended_past_its_final_dialogue(demo):
    peru = compact("PE")
    final = Dialogue.objects.filter(compact=peru).order_by("-fiscal_year").first()
    assert peru.extensions.exists()
    assert peru.current_end_date >= final.held_on
    assert GAO_WINDOW[0] <= final.held_on <= GAO_WINDOW[1]


def test_the_officer_has_colombias_upcoming_dialogue_to_log(demo, django_user_model):
    officer = django_user_model.objects.get(username="embassy.officer")
    assert {c.iso_code for c in compact("CO").country.__class__.objects.filter(
        pk__in=visible_country_ids(officer))} == {"CO", "PE"}
    today = timezone.localdate()
    upcoming = Dialogue.objects.get(compact__country__iso_code="CO",
                                    fiscal_year=fiscal_year_of(today))
    assert upcoming.status == DialogueStatus.PLANNED
    # Scheduled for the day the demo is loaded, prepared ten days before: the officer can
    # hold and log it at once, with check 1 met.
    assert upcoming.scheduled_for == today
    assert upcoming.key_indicators.exists()
    assert upcoming.key_indicators_shared_via
    ten_days_before = today - dt.timedelta(days=10)
    assert timezone.localdate(upcoming.key_indicators_recorded_at) == ten_days_before
    assert timezone.localdate(upcoming.key_indicators_shared_recorded_at) == ten_days_before
    checks = compact_compliance(compact=upcoming.compact, fiscal_year=upcoming.fiscal_year)
    assert checks[0].status == "met", checks[0].detail
    assert {c.status for c in checks[1:]} <= {"met", "pending"}


def test_invented_figures_carry_their_sample_label_and_unknown_plans_are_not_reported(demo):
    assert set(Result.objects.values_list("source", flat=True)) == {
        "Sample figure for demonstration; not an official number."}
    assert all("Sample" in c.description for c in Contribution.objects.all())
    assert all("Sample" in d.summary for d in Dialogue.objects.exclude(summary=""))
    assert compact("GH").partner_contribution_planned_usd is None
    assert compact("PH").partner_contribution_planned_usd is not None  # pledged, public


def test_the_demo_loads_twice_without_change(demo):
    counts = [model.objects.count() for model in (Dialogue, Target, Result, Contribution)]
    load_demo(password="pw-for-tests")
    assert [model.objects.count() for model in (Dialogue, Target, Result, Contribution)] == (
        counts)


def test_the_public_record_of_evaluations_tiers_and_selection(demo):
    from compacts.models import SelectionFactor, TierRanking
    from indicators.models import Evaluation

    ghana = Evaluation.objects.filter(compact=compact("GH"))
    assert sorted(ghana.values_list("kind", flat=True)) == ["baseline", "endline", "midline"]
    assert "comparison regions" in ghana.get(kind="endline").design
    for iso in ("CO", "CI"):
        assert Evaluation.objects.filter(compact=compact(iso), kind="prevalence").exists()
    ivorian = Evaluation.objects.get(compact=compact("CI"), kind="prevalence")
    assert ivorian.implementer.name == "University of Massachusetts Lowell"
    for evaluation in Evaluation.objects.all():  # dates and findings are not public
        assert evaluation.is_sample and evaluation.key_findings.startswith("Sample")
        assert {i.compact_id for i in evaluation.indicators.all()} <= {evaluation.compact_id}
    # The 2023 report's tiers, and no later year invented.
    tiers = dict(TierRanking.objects.values_list("country__iso_code", "tier"))
    assert tiers == {"CO": "tier_1", "PH": "tier_1", "GH": "tier_2", "JM": "tier_2",
                     "PE": "tier_2", "MN": "tier_2", "CI": "tier_2", "NP": "tier_2"}
    assert set(TierRanking.objects.values_list("report_year", flat=True)) == {2023}
    assert SelectionFactor.objects.exists()
    assert not SelectionFactor.objects.filter(is_sample=False).exists()
