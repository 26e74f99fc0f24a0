"""generate_portfolio (the dashboard's work at 30 and 300 compacts: test_list_pages_scale.py)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from compacts.models import Award, AwardFinance, Compact, Extension, PartnerCountry
from contributions.models import Contribution, SustainabilityPlan
from dialogues.models import Dialogue, Discussion, TargetProposal
from indicators.models import Disaggregation, Indicator, Result, Target
from oversight.compliance import MET, NOT_APPLICABLE, NOT_MET, compliance_for_compacts
from oversight.portfolio import DEMO_CODES, generated_codes
from oversight.views import dashboard as views


def generate(**options):
    call_command("generate_portfolio", stdout=io.StringIO(), **options)


MODELS = [PartnerCountry, Compact, Extension, Indicator, Target, Result, Disaggregation,
          Dialogue, Discussion, TargetProposal, Contribution, SustainabilityPlan, AwardFinance]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def generated(db, private_storage, settings):
    settings.DEBUG = True
    generate(compacts=3, seed=7)


def test_generated_portfolio_has_every_kind_of_record(generated):
    found = counts()
    assert found["Compact"] == 3
    assert all(found[name] for name in ("Indicator", "Target", "Result", "Disaggregation",
                                        "Dialogue",
                                        "Discussion", "TargetProposal", "Contribution",
                                        "SustainabilityPlan", "AwardFinance"))
    assert Contribution.objects.filter(verified=True).exclude(evidence="").exists()
    for compact in Compact.objects.all():
        assert compact.indicators.count() == 15
        assert compact.country.iso_code.code not in DEMO_CODES
    assert Target.history.exists() and Result.history.exists()
    # Every invented figure is marked as a sample (cpc/samples.py), bulk-created ones too.
    for model in (Award, Indicator, Target, Result, Contribution, AwardFinance):
        assert not model.objects.filter(is_sample=False).exists(), model


def test_generated_compacts_have_tiers_selection_factors_and_an_evaluation(generated):
    from compacts.models import SelectionFactor, TierRanking
    from indicators.models import Evaluation

    for compact in Compact.objects.all():
        assert TierRanking.objects.filter(country=compact.country).count() >= 2
        assert compact.selection_factors.count() == 3
        evaluation = compact.evaluations.get()
        assert {i.compact_id for i in evaluation.indicators.all()} == {compact.pk}
    assert not SelectionFactor.objects.filter(is_sample=False).exists()
    assert not Evaluation.objects.filter(is_sample=False).exists()


def test_running_again_with_the_same_seed_adds_nothing(generated, settings):
    before = counts()
    generate(compacts=3, seed=7)
    assert counts() == before
    generate(compacts=1, seed=8)
    assert counts()["Compact"] == 4


def test_every_check_is_computable_for_every_year(generated):
    compacts = list(Compact.objects.with_current_end())
    statuses = set()
    for fiscal_year in range(min(c.fiscal_years()[0] for c in compacts),
                             max(c.fiscal_years()[-1] for c in compacts) + 1):
        for checks in compliance_for_compacts(compacts, fiscal_year=fiscal_year).values():
            assert [check.recommendation for check in checks] == [1, 2, 3, 4, 5, 6]
            statuses |= {check.status for check in checks}
    assert {MET, NOT_MET, NOT_APPLICABLE} <= statuses


def test_generated_records_are_valid(generated):
    for model in MODELS:
        for record in model.objects.order_by("?")[:20]:
            record.full_clean()


def test_refuses_with_debug_off_unless_forced(db, private_storage, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("generate_portfolio", compacts=1)
    generate(compacts=1, force=True)
    assert Compact.objects.count() == 1


def test_countries_are_shared_over_different_periods_past_the_codes(db, private_storage,
                                                                     settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("oversight.portfolio.generated_codes", lambda: ["ZW", "ZM"])
    generate(compacts=3, seed=1)
    assert PartnerCountry.objects.count() == 2
    shared = Compact.objects.filter(country__iso_code="ZM").order_by("start_date")
    earlier, later = shared
    assert earlier.current_end_date < later.start_date
    assert len(generated_codes()) > 200


def test_dashboard_pages_keep_the_fiscal_year(client, staff_user, private_storage, settings,
                                              monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(views, "DASHBOARD_PAGE_SIZE", 2)
    generate(compacts=5, seed=4)
    client.force_login(staff_user)
    fiscal_year = dt.date.today().year + (dt.date.today().month >= 10)
    response = client.get(f"/?fiscal_year={fiscal_year}&page=2")
    assert response.context["page_obj"].number == 2
    assert f'href="?fiscal_year={fiscal_year}&amp;page=3"'.encode() in response.content
    assert f'href="?fiscal_year={fiscal_year}&amp;page=1"'.encode() in response.content
